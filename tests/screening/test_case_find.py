"""``whimscreen case-find``: WHIM-like patients ranked above the Duffy-null, drug-induced and cyclic ones,
units converted (and an unknown unit reported, never converted), FHIR input, bad input named by line."""

import csv
import json
from datetime import date, timedelta

import pytest

from tests.conftest import run_cli
from whimscreen.screening.case_finding.labs import Diagnosis
from whimscreen.screening.case_finding.score import assess, cyclic_period
from whimscreen.screening.case_finding.simulate_labs import observation, write_labs
from whimscreen.screening.case_finding.units import UnitError, convert


def _ranked(out):
    with open(out / "candidates.tsv", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.mark.parametrize("fhir", [False, True], ids=["csv", "fhir"])
def test_whim_like_patients_rank_above_the_commoner_explanations(tmp_path, fhir):
    labs, diagnoses, kinds = write_labs(tmp_path / "in", per_kind=2, fhir=fhir)
    out = tmp_path / "out"
    proc = run_cli("case-find", str(labs), "--diagnoses", str(diagnoses), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    rows = _ranked(out)
    assert list(rows[0])[0] == "patient_id"
    order = [kinds[r["patient_id"]] for r in rows]
    assert order[:4] == ["whim", "whim", "whim_mild", "whim_mild"]
    assert set(order[4:]) == {"duffy", "drug", "cyclic"}  # listed with the reason they are not WHIM-like
    scores = {kinds[r["patient_id"]]: int(r["score"]) for r in rows}
    assert min(scores["whim"], scores["whim_mild"]) > max(scores["duffy"], scores["drug"], scores["cyclic"])
    reasons = {kinds[r["patient_id"]]: r["reasons"] for r in rows}
    assert "chronic neutropenia" in reasons["whim"] and "warts" in reasons["whim"]
    assert "low IgG: lowest 5.2 g/L" in reasons["whim"]  # 520 mg/dL or 5.2 g/L, whichever the file says
    assert "Duffy-null" in reasons["duffy"]
    assert "chemotherapy" in reasons["drug"] and "set aside" in reasons["drug"]
    assert "cyclic neutropenia" in reasons["cyclic"]
    assert "normal" not in order  # nothing WHIM-like, nothing to explain
    summary = json.loads((out / "summary.json").read_text())
    assert summary["ignored_loinc"] == {"718-7": 12} and summary["unconverted_units"] == 0
    assert summary["candidates"] == 4
    html = (out / "candidates.html").read_text()
    assert html.index("WHIM-1") < html.index("DUFFY-1")


def test_units_convert_and_an_unknown_unit_is_reported_not_used(tmp_path):
    assert convert("751-8", 1.2, "10*3/uL") == convert("751-8", 1.2, "10*9/L") == 1.2
    assert convert("751-8", 1200, "/uL") == pytest.approx(1.2) == convert("731-0", 1200, "cells/uL")
    assert convert("2465-3", 650, "mg/dL") == pytest.approx(6.5) and convert("2465-3", 6.5, "g/L") == 6.5
    with pytest.raises(UnitError, match="'10\\*6/L'"):
        convert("751-8", 1.0, "10*6/L")
    with pytest.raises(UnitError, match="'g/L' is not one neutrophils"):
        convert("751-8", 1.0, "g/L")
    labs = tmp_path / "labs.csv"
    rows = ["patient_id,date,loinc,value,unit"]
    for k in range(4):
        day = date(2023, 1, 1) + timedelta(100 * k)
        rows += [f"P1,{day},751-8,{400 + k},/uL", f"P1,{day},731-0,0.5,10*3/uL"]
    rows.append("P1,2023-02-01,751-8,0.4,10*6/L")
    labs.write_text("\n".join(rows) + "\n")
    proc = run_cli("case-find", str(labs), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["unconverted_units"] == 1 and summary["records_used"] == 8
    assert summary["unconverted"] == [
        f"{labs}:10: patient P1: unit '10*6/L' is not one neutrophils (751-8) converts from "
        "(10*3/uL, 10*9/L, /uL, cells/uL, {cells}/uL)"
    ]
    (row,) = _ranked(tmp_path / "out")
    assert "4 of 4 counts below 1.5" in row["reasons"] and "median ANC 0.40" in row["reasons"]


def _series(values, start=date(2023, 1, 1), step=30):
    return [(start + timedelta(step * i), v) for i, v in enumerate(values)]


def test_a_single_episode_is_not_chronic_and_cycles_are_recognised():
    once = assess("P", {"751-8": _series([3.0, 0.4, 3.2, 3.5, 3.1])}, [])
    assert once.score == 0 and "not chronic" in once.reasons[0]
    cyc = [0.2 if (4 * i) % 21 < 5 else 3.0 for i in range(40)]
    assert cyclic_period(_series(cyc, step=4)) == pytest.approx(21, abs=2)
    irregular = [0.2, 3, 3, 0.2, 3, 3, 3, 3, 3, 3, 3, 0.2, 3]
    assert cyclic_period(_series(irregular, step=4)) is None
    coded = assess("P", {"751-8": _series([0.3] * 6, step=40)}, [Diagnosis("P", date(2023, 1, 1), "D704")])
    assert "cyclic_pattern" in coded.features


def test_duffy_pattern_needs_lymphocytes_and_monocytes_measured():
    anc = _series([1.2, 1.3, 1.1, 1.25], step=60)
    only_anc = assess("P", {"751-8": anc}, [])
    assert only_anc.score == 4 and "cannot be told apart" in only_anc.reasons[-1]
    full = assess(
        "P", {"751-8": anc, "731-0": _series([2.0] * 4, step=60), "742-7": _series([0.5] * 4, step=60)}, []
    )
    assert full.score == 0 and "duffy_null_pattern" in full.features
    infected = [
        Diagnosis("P", date(2023, 3, 1), "J18.9".replace(".", "")),
        Diagnosis("P", date(2023, 9, 1), "J189"),
    ]
    sick = assess(
        "P",
        {"751-8": anc, "731-0": _series([2.0] * 4, step=60), "742-7": _series([0.5] * 4, step=60)},
        infected,
    )
    assert "duffy_null_pattern" not in sick.features and sick.score == 4 + 1 + 1


def test_bad_input_names_the_file_and_line_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    bad = tmp_path / "labs.csv"
    bad.write_text(
        "patient_id,date,loinc,value,unit\nP1,2023-01-01,751-8,0.4,10*9/L\nP1,2023-02-01,751-8,abc,10*9/L\n"
    )
    proc = run_cli("case-find", str(bad), "--out", str(out))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {bad}: line 3: value 'abc' is not a number"
    bad.write_text("patient,when,code\nP1,2023-01-01,751-8\n")
    proc = run_cli("case-find", str(bad), "--out", str(out))
    assert proc.returncode == 2 and f"{bad}: line 1: the header must be" in proc.stderr
    nd = tmp_path / "obs.ndjson"
    good = observation("o1", "P1", date(2023, 1, 1), "751-8", 0.4, "10*9/L")
    no_patient = observation("o2", "P1", date(2023, 1, 1), "751-8", 0.4, "10*9/L") | {
        "subject": {"reference": "Group/7"}
    }
    nd.write_text(json.dumps(good) + "\n" + json.dumps(no_patient) + "\n")
    proc = run_cli("case-find", str(nd), "--out", str(out))
    assert proc.returncode == 2 and f"{nd}: line 2: subject must reference a Patient" in proc.stderr
    nd.write_text(json.dumps(good) + "\n{not json\n")
    proc = run_cli("case-find", str(nd), "--out", str(out))
    assert proc.returncode == 2 and f"{nd}: line 2: not JSON" in proc.stderr
    nd.write_text(json.dumps(good | {"status": 7, "code": "x"}) + "\n")
    proc = run_cli("case-find", str(nd), "--out", str(out))
    assert proc.returncode == 2 and f"{nd}: line 1: not a valid FHIR R4 resource" in proc.stderr
    dx = tmp_path / "dx.csv"
    dx.write_text("patient_id,date,icd10\nP1,yesterday,B07\n")
    nd.write_text(json.dumps(good) + "\n")
    proc = run_cli("case-find", str(nd), "--diagnoses", str(dx), "--out", str(out))
    assert proc.returncode == 2 and f"{dx}: line 2: date 'yesterday' is not an ISO date" in proc.stderr
    assert not out.exists() or not any(out.iterdir())


def test_fhir_entered_in_error_is_skipped_and_conditions_are_read(tmp_path):
    obs = tmp_path / "Observation.ndjson"
    lines = []
    for k in range(4):
        day = date(2023, 1, 1) + timedelta(100 * k)
        lines.append(observation(f"a{k}", "P9", day, "751-8", 0.3, "10*9/L"))
    lines.append(
        observation("x", "P9", date(2023, 2, 1), "751-8", 0.01, "10*9/L") | {"status": "entered-in-error"}
    )
    obs.write_text("".join(json.dumps(o) + "\n" for o in lines))
    cond = tmp_path / "Condition.ndjson"
    condition = {
        "resourceType": "Condition",
        "subject": {"reference": "Patient/P9"},
        "recordedDate": "2023-03-01",
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "B07.9"}]},
    }
    cond.write_text(json.dumps(condition) + "\n")
    proc = run_cli("case-find", str(obs), "--diagnoses", str(cond), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["skipped_status"] == 1 and summary["diagnoses_read"] == 1
    (row,) = _ranked(tmp_path / "out")
    assert "warts" in row["reasons"] and "median ANC 0.30" in row["reasons"]


def test_leukocytes_count_only_without_a_differential():
    wbc = _series([2.1, 2.4, 2.0, 2.6], step=45)
    only = assess("P", {"6690-2": wbc}, [])
    assert only.features == ["chronic_leukopenia"] and "without a differential" in only.reasons[0]
    both = assess("P", {"6690-2": wbc, "751-8": _series([2.0, 2.2, 2.5, 2.1], step=45)}, [])
    assert both.score == 0 and "chronic_leukopenia" not in both.features
