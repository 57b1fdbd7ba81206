"""The functions the client submits as Dask tasks: each imports the work (``tasks``: readers, caller,
naming, classification) in the worker, so the command itself never imports what only the workers run."""

from __future__ import annotations


def screen_files(batch, ctx, done=frozenset()) -> list[dict]:
    from whimscreen.screening.tasks import screen_files as run

    return run(batch, ctx, done)


def screen_joint(path: str, sha: str, samples: list[str], build: str | None, ctx) -> dict:
    from whimscreen.screening.tasks import screen_joint as run

    return run(path, sha, samples, build, ctx)
