"""Thin routes, one module per resource: ``api`` (JSON under /api) and ``pages`` (HTML) routers."""
