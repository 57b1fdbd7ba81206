"""``whimscreen classify`` and ``kb``: JSON fields, exit codes; ``analyze`` carries the result."""

import json

import pytest

from tests.conftest import run_cli


def test_classify_json(home):
    out = json.loads(
        run_cli(
            "classify", "c.1018_1019del", "--phenotype", "myelokathexis", "--json", home=home, check=True
        ).stdout
    )
    assert out["classification"] == "Likely pathogenic" and out["points"] == 8
    assert {c["code"] for c in out["criteria"]} == {"PM1", "PM4", "PP4"}
    assert all({"code", "strength", "points", "justification"} <= set(c) for c in out["criteria"])
    assert out["variant"]["hgvs_p"] == "p.(Val340Phefs*3)" and out["kb_version"]
    assert out["knowledge_base"] is None  # not curated: classified by the rules alone


def test_newly_curated_clinvar_entry_is_reported_with_its_source(home):
    out = json.loads(run_cli("classify", "c.1013C>G", "--json", home=home, check=True).stdout)
    assert out["knowledge_base"]["id"] == "WHIM009" and out["knowledge_base"]["clinvar_id"] == "14023"
    assert out["classification"] == "Pathogenic" and out["kb_version"] == "2026.12.1"
    benign = json.loads(run_cli("classify", "c.511G>A", "--json", home=home, check=True).stdout)
    assert benign["classification"] == "Benign" and benign["knowledge_base"]["id"] == "WHIM013"


def test_classify_knowledge_base_entry_and_no_kb(home):
    with_kb = json.loads(run_cli("classify", "c.1000C>T", "--json", home=home, check=True).stdout)
    assert with_kb["classification"] == "Pathogenic" and with_kb["knowledge_base"]["id"] == "WHIM001"
    rules = json.loads(run_cli("classify", "c.1000C>T", "--no-kb", "--json", home=home, check=True).stdout)
    assert rules["knowledge_base"] is None and rules["classification"] == "Likely pathogenic"


@pytest.mark.parametrize("args", [["c.1000G>T"], ["c.1000C>T", "--de-novo", "maybe"], ["nonsense"]])
def test_classify_bad_input_exits_2(home, args):
    proc = run_cli("classify", *args, home=home)
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1


def test_kb_validate(home):
    proc = run_cli("kb", "validate", home=home, check=True)
    assert "valid" in proc.stdout and "version" in proc.stdout
