"""Issue 13 item 8: every JSON operation documents its answer, so schemathesis' response check (in
test_schemathesis.py) proves something for each; and that check does refuse an answer off its schema."""

from __future__ import annotations

import copy

import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis.openapi.checks import JsonSchemaError
from schemathesis.specs.openapi.checks import response_schema_conformance

from whimscreen.web.app import AppConfig, create_app

#: answers that are files, not JSON: they declare their media type instead
FILE_TYPES = {"application/pdf", "text/csv", "application/vnd.apache.parquet"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    home = tmp_path_factory.mktemp("openapi")
    config = AppConfig(home=home, database_url=f"sqlite:///{home / 'a.db'}", start_worker=False)
    return create_app(config)


def _answers(app):
    for path, ops in app.openapi()["paths"].items():
        if path.startswith("/api/") or path == "/healthz":
            for method, op in ops.items():
                for code, answer in op["responses"].items():
                    if code.startswith("2"):
                        yield f"{method.upper()} {path} {code}", answer.get("content", {})


def test_every_api_answer_has_a_schema_or_a_file_type(app):
    """A new route without ``response_model`` (its 2xx schema ``{}``) fails here."""
    answers = dict(_answers(app))
    assert len(answers) > 60
    missing = []
    for name, content in answers.items():
        schema = content.get("application/json", {}).get("schema")
        if not schema and not (content and set(content) <= FILE_TYPES):
            missing.append(name)
    assert missing == [], f"2xx answers without a JSON schema or a file media type: {missing}"


def test_answer_objects_refuse_undeclared_keys(app):
    """Answer models are closed (``extra="forbid"``): a key a route adds without declaring it fails the
    response validation (a 500 in the tests) instead of being dropped from the answer."""
    schemas = app.openapi()["components"]["schemas"]
    for name in ("OrderOut", "OrderDetail", "FamilyOut", "SampleReview", "SponsorMetrics", "Health"):
        assert schemas[name].get("additionalProperties") is False, name


def test_the_conformance_check_refuses_an_answer_off_its_schema(app):
    """With /healthz documented as answering an integer ``status``, its real answer ("ok") is refused."""
    with TestClient(app):
        real = app.openapi()
        wrong = copy.deepcopy(real)
        wrong["components"]["schemas"]["Health"]["properties"]["status"] = {"type": "integer"}
        for spec, should_fail in ((real, False), (wrong, True)):
            app.openapi_schema = spec
            try:
                schema = schemathesis.openapi.from_asgi("/openapi.json", app)
                health = next(r.ok() for r in schema.get_all_operations() if r.ok().path == "/healthz")
                case = health.Case()
                if should_fail:
                    with pytest.raises(BaseExceptionGroup) as refused:
                        case.call_and_validate(checks=[response_schema_conformance])
                    assert refused.group_contains(JsonSchemaError)
                else:
                    assert case.call_and_validate(checks=[response_schema_conformance]).status_code == 200
            finally:
                app.openapi_schema = real
