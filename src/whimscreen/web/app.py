"""The web application factory: settings -> engine, migrations, job worker, routes, one error handler."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from whimscreen.program import jobs
from whimscreen.program.storage.db import make_engine, session_factory, unit_of_work
from whimscreen.program.storage.migrate import upgrade
from whimscreen.program.uploads import DEFAULT_MAX_BYTES
from whimscreen.web.errors import install_error_handlers
from whimscreen.web.limits import BodySizeLimit
from whimscreen.web.security import load_secret


@dataclass
class AppConfig:
    home: Path
    database_url: str
    secret_key: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_BYTES
    start_worker: bool = True
    migrate: bool = True
    runner: jobs.Runner | None = None  # the analysis; default: program.analysis_runner
    extra: dict = field(default_factory=dict)


def config_from_settings() -> AppConfig:
    from whimscreen.settings import get_settings

    s = get_settings()
    return AppConfig(home=s.home, database_url=s.resolved_database_url(), secret_key=s.secret_key)


def _default_runner(home: Path) -> jobs.Runner:
    from whimscreen.program.analysis_runner import run_analysis

    return lambda paths, sample, out, evidence: run_analysis(paths, sample, out, evidence, home)


def create_app(config: AppConfig | None = None) -> FastAPI:
    cfg = config or config_from_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if cfg.migrate:
            upgrade(cfg.database_url)
        with unit_of_work(app.state.sessions) as db:
            jobs.requeue_interrupted(db)
        worker = None
        if cfg.start_worker:
            worker = jobs.Worker(app.state.sessions, app.state.runner, cfg.home / "analyses")
            worker.start()
        app.state.worker = worker
        yield
        if worker is not None:
            worker.stop()
        app.state.engine.dispose()

    app = FastAPI(
        title="WHIMscreen portal",
        summary="CXCR4 testing program: orders, laboratory workflow, sign-out, study aggregates.",
        lifespan=lifespan,
    )
    app.state.config = cfg
    app.state.home = Path(cfg.home)
    app.state.engine = make_engine(cfg.database_url)
    app.state.sessions = session_factory(app.state.engine)
    app.state.secret = load_secret(cfg.secret_key, cfg.home)
    app.state.runner = cfg.runner or _default_runner(cfg.home)
    app.add_middleware(BodySizeLimit, max_bytes=cfg.max_upload_bytes + 1024 * 1024)
    install_error_handlers(app)
    _include_routes(app)
    app.mount("/static", StaticFiles(packages=[("whimscreen.web", "static")]), name="static")
    return app


def _include_routes(app: FastAPI) -> None:
    from whimscreen.web.routes import admin, auth, coordinator, health, lab, orders, patients, review, sponsor

    for module in (health, auth, admin, patients, orders, lab, review, coordinator, sponsor):
        app.include_router(module.api)
        app.include_router(module.pages)


def route_table(app: FastAPI) -> list[tuple[str, str, object]]:
    """(method, path, endpoint) of every route, flattening included routers (FastAPI >= 0.150 nests them)."""
    out = []
    for r in app.routes:
        contexts = r.effective_route_contexts() if hasattr(r, "effective_route_contexts") else [r]
        for c in contexts:
            route = getattr(c, "original_route", c)
            for method in sorted(getattr(route, "methods", None) or ()):
                if method != "HEAD":
                    out.append((method, c.path, getattr(route, "endpoint", None)))
    return out
