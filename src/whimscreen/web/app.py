"""The web application factory: settings -> engine, migrations, job worker, routes, one error handler."""

from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from whimscreen.errors import ConfigError
from whimscreen.program import jobs, warm
from whimscreen.program.housekeeping import Housekeeper
from whimscreen.program.mailer import SmtpConfig
from whimscreen.program.report_render import ReportRenderer
from whimscreen.program.storage.db import make_engine, session_factory
from whimscreen.program.storage.migrate import upgrade
from whimscreen.program.upload_check import Limits
from whimscreen.program.uploads import DEFAULT_MAX_BYTES
from whimscreen.web.errors import install_error_handlers
from whimscreen.web.headers import SecurityHeaders
from whimscreen.web.limits import BodySizeLimit, RequestSlots
from whimscreen.web.security import load_secret
from whimscreen.web.templating import compile_all

log = logging.getLogger(__name__)


@dataclass
class AppConfig:
    home: Path
    database_url: str
    secret_key: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_BYTES
    start_worker: bool = True
    migrate: bool = True
    runner: jobs.Runner | None = None  # the analysis; default: program.analysis_runner
    # concurrency (docs/architecture.md): requests hold at most one connection each and at most
    # db_pool_size requests hold one; threads > db_pool_size so a request holding one always gets a thread
    db_pool_size: int = 20
    db_max_overflow: int = 5
    db_pool_timeout: float = 10.0
    threads: int = 40
    session_lifetime: timedelta = timedelta(hours=8)  # absolute
    idle_timeout: timedelta = timedelta(minutes=30)
    trusted_proxies: tuple[str, ...] = ()  # addresses/networks whose X-Forwarded-For/-Proto are honoured
    workers: int = 2  # analysis jobs run in parallel
    job_timeout: float = 3600.0  # wall-time limit of one analysis, seconds
    # report PDFs rendered by this many child processes (program/report_render.py); 0: in the request's
    # thread (the library's default, kept by tests that do not exercise the pool)
    report_processes: int = 0
    report_timeout: float = 120.0
    upload_limits: Limits = field(default_factory=Limits)  # decompressed-size limits of uploads
    smtp: SmtpConfig = field(default_factory=lambda: SmtpConfig(None))  # e-mail copies; host None = off
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.db_pool_size < 1 or self.db_max_overflow < 1:
            raise ConfigError(
                "db_pool_size and db_max_overflow must be at least 1 (the job worker needs one)"
            )
        if self.threads <= self.db_pool_size:
            raise ConfigError(
                f"threads ({self.threads}) must exceed db_pool_size ({self.db_pool_size}): a request holding "
                "a connection must always find a thread to finish on"
            )


def config_from_settings() -> AppConfig:
    from whimscreen.settings import get_settings

    s = get_settings()
    return AppConfig(
        home=s.home,
        database_url=s.resolved_database_url(),
        secret_key=s.secret_key,
        db_pool_size=s.db_pool_size,
        db_max_overflow=s.db_max_overflow,
        db_pool_timeout=s.db_pool_timeout,
        threads=s.threads,
        session_lifetime=timedelta(hours=s.session_hours),
        idle_timeout=timedelta(minutes=s.idle_timeout_minutes),
        trusted_proxies=s.proxies(),
        workers=s.job_workers,
        job_timeout=s.job_timeout_seconds,
        report_processes=s.report_processes,
        smtp=SmtpConfig.from_settings(s),
    )


def _default_runner(home: Path) -> jobs.Runner:
    from whimscreen.program.analysis_runner import AnalysisRunner

    return AnalysisRunner(home)


async def _build_routes(app: FastAPI) -> None:
    """FastAPI builds an included router's routes (dependency graphs, validators: ~0.15 s for the portal)
    at the first request that reaches the router, holding the GIL; a request that matches no route reaches
    every router, so one is sent through the app as the server starts (a 404, audited nowhere)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/.well-known/whimscreen-start",
        "raw_path": b"/.well-known/whimscreen-start",
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 0),
        "state": {},
    }
    statuses: list[int] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    try:
        await app(scope, receive, send)
    except Exception:  # never stops the server: the routes are then built by the first requests
        log.exception("building the routes at start failed")
    if statuses != [404]:
        log.warning("building the routes at start answered %s, not 404", statuses)


def create_app(config: AppConfig | None = None) -> FastAPI:
    cfg = config or config_from_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        anyio.to_thread.current_default_thread_limiter().total_tokens = cfg.threads
        if cfg.migrate:
            await anyio.to_thread.run_sync(upgrade, cfg.database_url)
        worker = None
        if cfg.start_worker:
            worker = jobs.WorkerPool(
                app.state.sessions, app.state.runner, cfg.home / "analyses", cfg.workers, cfg.job_timeout
            )
            worker.start()
        app.state.worker = worker
        if app.state.renderer is not None and cfg.start_worker:
            app.state.renderer.warm()  # the rendering process starts beside the server, not at the 1st report
        if cfg.start_worker:
            await _build_routes(app)  # before the first request, as the loop starts
            warm.in_background(compile_all)  # readers, grammar, templates: before users arrive
        mail = Housekeeper(app.state.sessions, cfg.smtp) if cfg.start_worker else None
        if mail is not None:
            mail.start()
        yield
        if mail is not None:
            mail.stop()
        if worker is not None:
            worker.stop()
        if app.state.renderer is not None:
            await anyio.to_thread.run_sync(app.state.renderer.close)
        app.state.engine.dispose()

    app = FastAPI(
        title="WHIMscreen portal",
        summary="CXCR4 testing program: orders, laboratory workflow, sign-out, study aggregates.",
        lifespan=lifespan,
    )
    app.state.config = cfg
    app.state.home = Path(cfg.home)
    app.state.engine = make_engine(
        cfg.database_url, cfg.db_pool_size, cfg.db_max_overflow, cfg.db_pool_timeout
    )
    app.state.sessions = session_factory(app.state.engine)
    # SQLite runs one transaction at a time (BEGIN IMMEDIATE): requests take turns in a first-come queue
    # here rather than in SQLite's busy-wait polling, which let some wait 18 s under load
    one_writer = app.state.engine.dialect.name == "sqlite"
    app.state.db_slots = RequestSlots(1 if one_writer else cfg.db_pool_size, cfg.db_pool_timeout)
    # password hashing is CPU-bound (argon2id, 64 MiB each): as many at once as there are CPUs
    app.state.password_slots = RequestSlots(os.cpu_count() or 2, 30)
    app.state.secret = load_secret(cfg.secret_key, cfg.home)
    app.state.runner = cfg.runner or _default_runner(cfg.home)
    app.state.renderer = (
        ReportRenderer(cfg.report_processes, cfg.report_timeout) if cfg.report_processes > 0 else None
    )
    app.add_middleware(BodySizeLimit, max_bytes=cfg.max_upload_bytes + 1024 * 1024)
    app.add_middleware(SecurityHeaders)
    if cfg.trusted_proxies:  # X-Forwarded-For / -Proto only from these peers (the outermost middleware)
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(cfg.trusted_proxies))
    install_error_handlers(app)
    _include_routes(app)
    app.mount("/static", StaticFiles(packages=[("whimscreen.web", "static")]), name="static")
    return app


def _include_routes(app: FastAPI) -> None:
    from whimscreen.web.routes import (
        admin,
        auth,
        coordinator,
        families,
        health,
        kb,
        lab,
        laboratory,
        notifications,
        orders,
        patients,
        review,
        sponsor,
        suggestions,
    )

    modules = (
        health,
        auth,
        admin,
        laboratory,
        patients,
        orders,
        families,
        lab,
        review,
        kb,
        coordinator,
        sponsor,
        suggestions,
        notifications,
    )
    for module in modules:
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
