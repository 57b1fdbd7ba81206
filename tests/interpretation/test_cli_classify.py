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
    assert out["classification"] == "Likely pathogenic" and out["points"] == 6
    assert out["computed_classification"] == out["classification"]
    assert {c["code"] for c in out["criteria"]} == {"PM1", "PM4", "PP4"}
    fields = {"code", "strength", "points", "justification", "evidence"}
    assert all(fields <= set(c) and c["evidence"] for c in out["criteria"])
    assert out["variant"]["hgvs_p"] == "p.(Val340Phefs*3)" and out["kb_version"]
    assert out["knowledge_base"] is None and out["knowledge_base_classification"] is None
    assert out["review_required"] is False and out["review_reasons"] == []


def test_the_knowledge_base_class_is_shown_beside_the_computed_one(home):
    out = json.loads(run_cli("classify", "c.1013C>G", "--json", home=home, check=True).stdout)
    assert out["knowledge_base"]["id"] == "WHIM009" and out["knowledge_base"]["clinvar_id"] == "14023"
    assert out["knowledge_base_classification"] == "Pathogenic" and out["kb_version"] == "2026.12.2"
    # no proband counts were read for S338X: the rules give VUS, and the disagreement goes to a person
    assert out["classification"] == "Uncertain significance" and out["review_required"] is True
    benign = json.loads(run_cli("classify", "c.511G>A", "--json", home=home, check=True).stdout)
    assert benign["knowledge_base"]["id"] == "WHIM013" and benign["classification"] == "Likely benign"
    assert not benign["review_required"]  # BS1 from the KB's filtering AF: same tier as its Benign


def test_classify_knowledge_base_evidence_and_no_kb(home):
    with_kb = json.loads(run_cli("classify", "c.1000C>T", "--json", home=home, check=True).stdout)
    assert with_kb["classification"] == "Likely pathogenic" and with_kb["knowledge_base"]["id"] == "WHIM001"
    assert {"PS4", "PS3"} <= {c["code"] for c in with_kb["criteria"]}
    rules = json.loads(run_cli("classify", "c.1000C>T", "--no-kb", "--json", home=home, check=True).stdout)
    assert rules["knowledge_base"] is None and rules["classification"] == "Uncertain significance"


def test_classify_prints_the_disagreement(home):
    args = ("classify", "NM_003467.3:c.1003G>A", "--de-novo", "confirmed", "--phenotype", "myelokathexis")
    out = run_cli(*args, home=home, check=True).stdout
    assert "REVIEW REQUIRED" in out and "asserts Likely benign" in " ".join(out.split())


@pytest.mark.parametrize("args", [["c.1000G>T"], ["c.1000C>T", "--de-novo", "maybe"], ["nonsense"]])
def test_classify_bad_input_exits_2(home, args):
    proc = run_cli("classify", *args, home=home)
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1


def test_kb_validate(home):
    proc = run_cli("kb", "validate", home=home, check=True)
    assert "valid" in proc.stdout and "version" in proc.stdout
