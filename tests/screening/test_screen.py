"""``whimscreen screen``: every seeded carrier found across the input kinds (the mosaic one in a CRAM),
a corrupt file reported without stopping the cohort, resumable by content hash, the same result on a
LocalCluster and on a scheduler and worker started here."""

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli
from whimscreen.screening import simulate_cohort as sc
from whimscreen.screening.cohort import Input, ScreenContext
from whimscreen.screening.tasks import screen_files, screen_joint
from whimscreen.sequencing.vcf import read_vcf_samples

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _rows(out: Path) -> list[dict]:
    with open(out / "candidates.tsv", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _found(rows) -> dict[str, tuple[str, str]]:
    return {r["sample"]: (r["hgvs_c"].split(":")[1], r["zygosity"]) for r in rows}


def _screen(cohort, out, *extra):
    return run_cli("screen", *cohort.args, "--out", str(out), "--reference-fasta", str(cohort.genome), *extra)


@pytest.fixture(scope="module")
def first_run(cohort, tmp_path_factory):
    out = tmp_path_factory.mktemp("screen") / "out"
    proc = _screen(cohort, out, "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_every_seeded_carrier_is_found_and_the_corrupt_file_is_reported(cohort, first_run):
    out, proc = first_run
    rows = _rows(out)
    assert _found(rows) == cohort.truth  # every carrier, its variant and zygosity; no other candidate
    mosaic = next(r for r in rows if r["sample"] == "C1")
    assert mosaic["file"].endswith(".cram") and 0.05 < float(mosaic["vaf"]) < 0.3
    assert rows[0]["classification"] == "Likely pathogenic"  # sorted by class
    assert [r["classification"] for r in rows] == sorted(
        (r["classification"] for r in rows), key=["Likely pathogenic", "Uncertain significance"].index
    )
    summary = json.loads((out / "summary.json").read_text())
    [failed] = summary["failed"]
    assert failed["file"] == str(cohort.corrupt)
    assert failed["error"].startswith(f"{cohort.corrupt}: cannot read the VCF/BCF header")
    assert summary["files"] == {
        "given": 64,
        "screened": 63,
        "reused_from_earlier_run": 0,
        "joint_called": 1,
        "failed": 1,
    }
    assert summary["samples_screened"] == 60 + 300 + 2
    assert summary["carriers_by_class"]["Likely pathogenic"] == sum(
        1 for c, _ in cohort.truth.values() if c == "c.1000C>T"
    )
    cram = next(s for s in summary["samples"] if s["sample"] == "C1")
    assert cram["coverage"]["measured"] and cram["coverage"]["fully_covered"] is not None
    vcf = next(s for s in summary["samples"] if s["sample"] == "S00002")
    assert vcf["coverage"]["measured"] is False and "coverage" in vcf["coverage"]["reason"]
    assert "FAILED" in proc.stdout and "broken.vcf.gz" in proc.stdout
    html = (out / "summary.html").read_text()
    assert "broken.vcf.gz" in html and "C1" in html


def test_a_second_run_skips_what_it_has_screened_by_content_hash(cohort, first_run, tmp_path, locus):
    out = tmp_path / "again"
    shutil.copytree(first_run[0], out)
    changed = Path(cohort.root / "vcf" / "S00002.vcf.gz")
    index = Path(f"{changed}.tbi")
    original = changed.read_bytes(), index.read_bytes()
    try:  # one file's content changes (a carrier now): only it is screened again
        sc.write_vcf(changed, ["S00002"], [(sc.variant(locus, "c.1027G>A"), ["0/1"])])
        proc = _screen(cohort, out, "--workers", "1")
    finally:
        changed.write_bytes(original[0])
        index.write_bytes(original[1])
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["resumed"] is True
    assert summary["files"]["reused_from_earlier_run"] == 62 and summary["files"]["screened"] == 1
    assert summary["files"]["failed"] == 1  # failures are tried again
    assert _found(_rows(out)) == cohort.truth | {"S00002": ("c.1027G>A", "heterozygous")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listening on 127.0.0.1:{port} after {seconds}s")


def test_the_same_result_through_a_scheduler_and_worker_started_here(cohort, first_run, tmp_path):
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    procs = [
        subprocess.Popen(
            [*dask, "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        _wait_for(port, 30)
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "distributed.cli.dask_worker",
                    f"tcp://127.0.0.1:{port}",
                    "--nworkers",
                    "1",
                    "--nthreads",
                    "1",
                    "--host",
                    "127.0.0.1",
                    "--no-dashboard",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        out = tmp_path / "remote"
        proc = _screen(cohort, out, "--scheduler", f"tcp://127.0.0.1:{port}")
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
    assert proc.returncode == 0, proc.stderr
    assert _rows(out) == _rows(first_run[0])
    local = json.loads((first_run[0] / "summary.json").read_text())
    remote = json.loads((out / "summary.json").read_text())
    for key in ("files", "failed", "carriers_by_class", "samples_screened", "samples"):
        assert remote[key] == local[key], key
    assert remote["workers"] == 1


def test_joint_vcf_batches_decode_only_their_samples(cohort, locus):
    joint = cohort.root / "joint.vcf.gz"
    carriers = [s for s in cohort.truth if s.startswith("J")]
    batch = [carriers[0], "J00001", "J00002"]
    build, alleles = read_vcf_samples(joint, locus, batch)
    assert build == "GRCh38" and set(alleles) == set(batch)
    assert len([a for a in alleles[carriers[0]] if a.variant.pos != 136115220]) == 1
    ctx = ScreenContext(locus)
    whole = screen_joint(str(joint), "sha", batch, None, ctx)
    assert [r["sample"] for r in whole["samples"]] == batch
    assert whole["samples"][0]["variants"][0]["zygosity"] == "homozygous"


def test_a_bad_file_in_a_batch_is_recorded_and_the_batch_goes_on(cohort, locus, tmp_path):
    (tmp_path / "notes.txt").write_text("not sequencing data\n")
    items = [
        Input(str(cohort.corrupt)),
        Input(str(tmp_path / "missing.vcf.gz")),
        Input(str(tmp_path / "notes.txt")),
    ]
    items.append(Input(str(cohort.root / "vcf" / "S00002.vcf.gz")))
    out = screen_files(items, ScreenContext(locus))
    assert [e["status"] for e in out] == ["failed", "failed", "failed", "done"]
    assert "no such file" in out[1]["error"] and "unrecognised content" in out[2]["error"]


def test_bad_arguments_are_one_line_and_exit_2(tmp_path):
    proc = run_cli("screen", str(tmp_path / "*.vcf.gz"), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and proc.stderr.strip().endswith("the pattern matches no file")
    manifest = tmp_path / "m.csv"
    manifest.write_text("sample,path,build\nP1,a.vcf.gz,hg19\n")
    proc = run_cli("screen", str(manifest), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and f"{manifest}: line 2: unknown build 'hg19'" in proc.stderr
    proc = run_cli("screen", str(manifest), "--out", str(tmp_path / "o"), "--scheduler", "localhost:1")
    assert proc.returncode == 2 and "tcp://HOST:PORT" in proc.stderr
    assert not (tmp_path / "o" / "summary.json").exists()


def test_a_gvcf_gives_the_coverage_of_the_reportable_range(locus, tmp_path):
    from whimscreen.program.demo_data import write_gvcf

    covered = write_gvcf(locus, tmp_path / "g1.vcf", "G1", "NM_003467.3:c.1000C>T")
    shallow = write_gvcf(locus, tmp_path / "g2.vcf", "G2", "NM_003467.3:c.1000C>T", depth=8)
    plain = write_gvcf(locus, tmp_path / "g3.vcf", "G3", "NM_003467.3:c.1000C>T", coverage=False)
    out = screen_files([Input(str(p)) for p in (covered, shallow, plain)], ScreenContext(locus))
    first, second, third = (e["samples"][0] for e in out)
    assert first["sample"] == "G1" and first["coverage"]["measured"] and first["coverage"]["fully_covered"]
    assert first["variants"][0]["hgvs_c"] == "NM_003467.3:c.1000C>T"
    assert second["coverage"]["measured"] is True and second["coverage"]["fully_covered"] is False
    assert second["coverage"]["uncovered"].startswith("c.")
    assert third["coverage"]["measured"] is False and third["coverage"]["fully_covered"] is None


def test_a_manifest_sample_chooses_its_column_of_a_joint_vcf(cohort, locus):
    carrier = next(s for s in cohort.truth if s.startswith("J"))
    (entry,) = screen_files([Input(str(cohort.root / "joint.vcf.gz"), sample=carrier)], ScreenContext(locus))
    assert entry["status"] == "done" and entry["samples"][0]["sample"] == carrier
    names = {v["hgvs_c"].split(":")[1] for v in entry["samples"][0]["variants"]}
    assert cohort.truth[carrier][0] in names


def test_the_data_homes_active_knowledge_base_release_classifies(locus, tmp_path):
    from importlib import resources

    from whimscreen.interpretation.kb_active import sha256_of

    home = tmp_path / "home"
    release = home / "kb" / "releases" / "2026.12.2+test.tsv"
    release.parent.mkdir(parents=True)
    text = (resources.files("whimscreen.interpretation") / "data" / "cxcr4_kb.tsv").read_text()
    rows = [ln for ln in text.splitlines() if ln.startswith("WHIM003\t")]
    changed = rows[0].replace("\tLikely pathogenic\t", "\tUncertain significance\t", 1)
    release.write_text(
        text.replace("# version: 2026.12.2", "# version: 2026.12.2+test").replace(rows[0], changed)
    )
    marker = {"version": "2026.12.2+test", "path": str(release), "sha256": sha256_of(release)}
    (home / "kb" / "active.json").write_text(json.dumps(marker))
    vcf = tmp_path / "P1.vcf.gz"
    sc.write_vcf(vcf, ["P1"], [(sc.variant(locus, "c.1027G>A"), ["0/1"])])

    package = run_cli("screen", str(vcf), "--out", str(tmp_path / "a"), "--workers", "1")
    active = run_cli("screen", str(vcf), "--out", str(tmp_path / "b"), "--workers", "1", home=home)
    assert package.returncode == 0 and active.returncode == 0, package.stderr + active.stderr
    [before], [after] = _rows(tmp_path / "a"), _rows(tmp_path / "b")
    assert "knowledge base: Likely pathogenic" in before["evidence"]
    assert "knowledge base: Uncertain significance" in after["evidence"]
    assert "kb=2026.12.2+test" in json.loads((tmp_path / "b" / "summary.json").read_text())["context"]
