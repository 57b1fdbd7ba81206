"""The server builds FastAPI's route state (dependency graphs, validators) as it starts, not inside the
first request that reaches each router (where it held the GIL ~0.15 s while other requests waited)."""

from __future__ import annotations

import anyio
import fastapi.routing
import pytest
from fastapi.testclient import TestClient

from whimscreen.web.app import AppConfig, _build_routes, create_app


@pytest.fixture
def built(monkeypatch):
    calls = []
    original = fastapi.routing._IncludedRouter._build_effective_context

    def counting(self, route):
        calls.append(route)
        return original(self, route)

    monkeypatch.setattr(fastapi.routing._IncludedRouter, "_build_effective_context", counting)
    return calls


@pytest.mark.parametrize("at_start", [False, True])
def test_no_route_is_built_inside_a_request_once_started(tmp_path, built, at_start):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    app = create_app(AppConfig(home=tmp_path, database_url=url, start_worker=False))
    if at_start:
        anyio.run(_build_routes, app)
        assert len(built) > 50  # every router's routes, from one request that matched none
        built.clear()
    client = TestClient(app)  # no lifespan: the pages below need no database
    for path in ("/login", "/register", "/static/style.css"):
        assert client.get(path).status_code == 200, path
    assert (len(built) == 0) is at_start


def test_no_template_is_compiled_inside_a_request_once_started(tmp_path, monkeypatch):
    from jinja2 import Environment

    from whimscreen.web.templating import compile_all, templates

    templates().env.cache.clear()  # as in a new process
    compile_all()
    compiled = []
    original = Environment.compile

    def counting(self, *args, **kwargs):
        compiled.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", counting)
    url = f"sqlite:///{tmp_path / 'p.db'}"
    client = TestClient(create_app(AppConfig(home=tmp_path, database_url=url, start_worker=False)))
    for path in ("/login", "/register"):
        assert client.get(path).status_code == 200, path
    assert compiled == []
