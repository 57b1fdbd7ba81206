"""Every numeric id in a path — API operations and pages alike — is bounded (1 to the largest 64-bit
signed integer), so that no number a database cannot store reaches a query: schemathesis found
``POST /api/jobs/9223372036854775808/decisions`` answered 500 on SQLite while the job id was a bare int."""

from __future__ import annotations

from fastapi.routing import APIRoute

from tests.web.flow import ok


def _api_routes(routes):
    """Every APIRoute, also inside included routers (FastAPI keeps those as wrappers of their router)."""
    for r in routes:
        if isinstance(r, APIRoute):
            yield r
        elif hasattr(r, "original_router"):
            yield from _api_routes(r.original_router.routes)


def _path_params(dependant):
    yield from dependant.path_params
    for sub in dependant.dependencies:
        yield from _path_params(sub)


def test_every_id_in_a_path_is_bounded(sqlite_portal):
    unbounded, seen = [], 0
    for route in _api_routes(sqlite_portal.app.routes):
        seen += 1
        for p in _path_params(route.dependant):
            bounds = {type(m).__name__ for m in p.field_info.metadata}
            if p.name.endswith("_id") and not bounds & {"Le", "Lt"}:
                unbounded.append(f"{sorted(route.methods)} {route.path} {p.name}")
    assert seen > 100 and unbounded == []


def test_a_job_id_beyond_64_bits_is_refused_not_an_error(sqlite_portal):
    director = sqlite_portal.login("director")
    body = {"variant_key": "chr2:1:A:G", "classification": "Benign", "reason": "long enough reason"}
    r = director.post("/api/jobs/9223372036854775808/decisions", json=body)
    assert r.status_code == 422
    ok(director.get("/api/auth/me"))  # the session still works
