"""Issue 13 item 7: uploads checked beyond the first bytes, several files at once, and a job pool in which
one runaway analysis neither blocks the queue nor runs forever."""

from __future__ import annotations

import gzip
import io
import time

from tests.web.conftest import make_portal
from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
from tests.web.job_runners import StuckFor
from whimscreen.program import jobs
from whimscreen.program.demo_data import write_gvcf
from whimscreen.program.upload_check import Limits
from whimscreen.reference.demo import demo_locus

RECORD = b"@read1\nACGTACGTACGTACGTACGT\n+\nIIIIIIIIIIIIIIIIIIII\n"


def _sample(portal):
    doc, tech = portal.login("physician"), portal.login("technologist")
    order = consent_and_order(doc, eligible_patient(doc))
    sample = ok(tech.post(f"/api/orders/{order['id']}/accession", json={"specimen_type": "saliva"}), 201)
    return tech, sample["id"]


def _files(portal):
    return [p for p in (portal.app.state.home / "uploads").rglob("*") if p.is_file()]


def test_default_limit_refuses_the_reported_bomb():
    assert Limits().allowed(4_700_000) < 1024**3  # 4.7 MB may not expand to 1 GB
    assert Limits().allowed(2 * 1024**3) >= 8 * 1024**3  # a real 2 GB FASTQ.gz (ratio ~4) passes


def test_decompression_bomb_refused_while_streaming(tmp_path):
    portal, client = make_portal(
        tmp_path, f"sqlite:///{tmp_path / 'p.db'}", upload_limits=Limits(ratio=50, floor=8 * 1024**2)
    )
    tech, sid = _sample(portal)
    bomb = gzip.compress(RECORD * (64 * 1024**2 // len(RECORD)), compresslevel=9)  # 64 MB inside
    assert len(bomb) < 1_000_000
    r = tech.post(f"/api/samples/{sid}/uploads", files={"file": ("reads.fastq.gz", io.BytesIO(bomb))})
    assert r.status_code == 422 and "reads.fastq.gz" in r.text and "decompression bomb" in r.text
    assert _files(portal) == []
    fine = gzip.compress(RECORD * 1000)
    ok(tech.post(f"/api/samples/{sid}/uploads", files={"file": ("ok.fastq.gz", io.BytesIO(fine))}), 201)
    client.__exit__(None, None, None)


def test_first_records_must_be_the_format(sqlite_portal):
    tech, sid = _sample(sqlite_portal)
    for name, content, word in [
        ("page.fastq", b"@<html>\n<body>hello</body>\n</html>\n", "page.fastq: record 1"),
        ("half.fastq", RECORD * 3 + b"@read4\nACGT\n+\nII\n", "half.fastq: record 4"),
        ("fake.vcf", b"##fileformat=VCFv4.2\nthis is not a vcf\n", "fake.vcf"),
    ]:
        r = tech.post(f"/api/samples/{sid}/uploads", files={"file": (name, io.BytesIO(content))})
        assert r.status_code == 422 and word in r.text, (name, r.text)
    assert _files(sqlite_portal) == []


def test_several_files_all_or_none(sqlite_portal, tmp_path):
    tech, sid = _sample(sqlite_portal)
    vcf = write_gvcf(demo_locus(), tmp_path / "a.vcf", "S1", None).read_bytes()
    r = tech.post(
        f"/api/samples/{sid}/uploads/batch",
        files=[("files", ("a.vcf", io.BytesIO(vcf))), ("files", ("bad.fastq", io.BytesIO(b"@<html>\n")))],
    )
    assert r.status_code == 422 and "bad.fastq" in r.text
    assert ok(tech.get(f"/api/samples/{sid}/review"))["uploads"] == [] and _files(sqlite_portal) == []
    both = ok(
        tech.post(
            f"/api/samples/{sid}/uploads/batch",
            files=[("files", ("a.vcf", io.BytesIO(vcf))), ("files", ("b.fastq", io.BytesIO(RECORD * 10)))],
        ),
        201,
    )
    assert [u["kind"] for u in both] == ["vcf", "fastq"] and len(_files(sqlite_portal)) == 2
    page = tech.get(f"/lab/samples/{sid}")
    assert 'type="file" multiple' in page.text and "/static/upload.js" in page.text
    assert 'xhr.upload.addEventListener("progress"' in sqlite_portal.client.get("/static/upload.js").text


def test_one_runaway_job_neither_blocks_the_queue_nor_runs_forever(sqlite_portal, tmp_path):
    doc, tech = sqlite_portal.login("physician"), sqlite_portal.login("technologist")
    first = accession_and_upload(tech, consent_and_order(doc, eligible_patient(doc, "P One"))["id"], tmp_path)
    second = accession_and_upload(
        tech, consent_and_order(doc, eligible_patient(doc, "P Two"))["id"], tmp_path
    )
    stuck = ok(tech.post(f"/api/samples/{first['id']}/jobs"), 202)
    fine = ok(tech.post(f"/api/samples/{second['id']}/jobs"), 202)
    app = sqlite_portal.app
    pool = jobs.WorkerPool(
        app.state.sessions,
        StuckFor(first["accession"], app.state.home),
        app.state.home / "analyses",
        size=2,
        timeout=25,
        poll=0.2,
    )
    started = time.monotonic()
    pool.start()
    try:
        while ok(tech.get(f"/api/jobs/{fine['id']}"))["status"] != "done":
            assert time.monotonic() - started < 25, "the second job waited behind the stuck one"
            time.sleep(0.5)
        assert ok(tech.get(f"/api/jobs/{stuck['id']}"))["status"] == "running"
        while (job := ok(tech.get(f"/api/jobs/{stuck['id']}")))["status"] == "running":
            assert time.monotonic() - started < 60, "the stuck job was never stopped"
            time.sleep(0.5)
    finally:
        pool.stop()
    assert job["status"] == "failed" and "wall-time limit of 25 s" in job["error"]
