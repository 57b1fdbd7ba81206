"""``whimscreen demo`` (the README's run command) seeds a study whose analyses really ran: a signed Positive
from a gVCF, a Sanger sample with its chromatogram awaiting review, a case in the classification review queue,
case-find suggestions for the physician, and seeding twice changes nothing."""

import json
import sqlite3

from tests.conftest import run_cli


def test_demo_seeds_every_stage_once(tmp_path, home, monkeypatch):
    for name in ("DATABASE_URL", "WHIMSCREEN_DATABASE_URL"):  # demo honours them; this test is on SQLite
        monkeypatch.delenv(name, raising=False)
    demo = tmp_path / "demo"
    first = run_cli("demo", "--no-serve", "--home", str(demo), home=home, check=True)
    assert "physician@demo.whimscreen" in first.stdout
    run_cli("demo", "--no-serve", "--home", str(demo), home=home, check=True)  # idempotent

    db = sqlite3.connect(demo / "demo.db")
    assert db.execute("select count(*) from patients").fetchone() == (5,)
    statuses = sorted(s for (s,) in db.execute("select status from orders"))
    assert statuses == ["ordered", "reported", "review", "review", "review"]
    assert db.execute("select result_category from signouts").fetchall() == [("Positive",)]
    # case-find ran on generated health-record results; the WHIM-like candidates wait for the physician
    suggested = db.execute(
        "select s.candidate_ref, s.status, u.email from suggestions s join users u on u.id = s.physician_id"
    ).fetchall()
    assert {c.split("-")[0] for c, _, _ in suggested} == {"WHIM", "WHIM_MILD"}
    assert {(st, e) for _, st, e in suggested} == {("suggested", "physician@demo.whimscreen")}
    assert db.execute("select source, candidates from suggestion_imports").fetchall() == [("case-find", 2)]

    docs = [json.loads(p.read_text()) for p in (demo / "analyses").glob("*/job-*/*.json")]
    [sanger] = [d for d in docs if d["input_kind"] == "ab1"]
    [call] = sanger["variants"]
    assert call["hgvs_c"] == "NM_003467.3:c.1016_1017del" and call["filters"] == []
    assert sanger["qc"]["fully_covered"] and sanger["result"]["result"] == "Positive"
    # one case waits for the director's classification decision (computed VUS, asserted Pathogenic)
    [review] = [d for d in docs if d["result"]["review_required"]]
    assert review["variants"][0]["hgvs_c"] == "NM_003467.3:c.1013C>G"
    png = [n for n in call["images"] if n.endswith(".png")]
    assert png and all(next((demo / "analyses").glob(f"*/job-*/{n}")).stat().st_size > 0 for n in png)
