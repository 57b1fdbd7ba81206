"""Storage of the screening program: SQLAlchemy 2 models, the engine/session factory and repositories.

Repositories add and query; they never commit.  The caller (one web request, one job step, one CLI command)
owns the transaction, so a change and its audit row land together or not at all.
"""
