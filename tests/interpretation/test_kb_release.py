"""ClinVar releases (weekly VCF, monthly variant summary) read for CXCR4 into versioned knowledge-base
releases, the lab's curated additions merged with line-numbered refusals, and ``knowledge_base.load`` of a
release."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pysam
import pytest

from tests.conftest import run_cli
from tests.interpretation.clinvar_fixtures import NEW, R334X, S339FS, UTR, write_summary, write_vcf
from whimscreen.errors import InputFileError, InterpretationError
from whimscreen.interpretation.clinvar_release import read_release, read_variant_summary, read_vcf
from whimscreen.interpretation.kb_release import (
    add_curated,
    build_clinvar,
    next_version,
    read_curated,
    read_diff,
    release_files,
)
from whimscreen.interpretation.knowledge_base import load

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("indexed", [True, False])
def test_vcf_keeps_cxcr4_only_and_lists_what_it_cannot_name(locus, tmp_path, indexed):
    release = read_vcf(write_vcf(tmp_path, locus, index=indexed), locus)
    assert release.date == "20261124" and release.label == "clinvar.20261124"
    by_c = {r.hgvs_c: r for r in release.records}
    assert set(by_c) == {R334X, S339FS, NEW, UTR}  # SAMD11 (chr1), LOC105373605 (in the window) filtered
    assert by_c[UTR].hgvs_p == "" and by_c[UTR].classification == "Likely benign"
    assert by_c[R334X].classification == "Likely pathogenic" and by_c[R334X].variation_id == "14020"
    assert by_c[R334X].review_status == "criteria provided, multiple submitters, no conflicts"
    assert by_c[NEW].hgvs_p == "p.(His337Arg)"
    [problem] = release.problems
    assert "VariationID 3000003" in problem and "does not match the reference" in problem
    # through the index only the locus window is read: chr1's record is not even visited
    assert release.read["clinvar.vcf.gz"] == (6 if indexed else 7)


def test_variant_summary_grch38_cxcr4_rows(locus, tmp_path):
    release = read_variant_summary(write_summary(tmp_path, locus), locus)
    assert release.date == "202611"
    assert sorted((r.hgvs_c, r.classification) for r in release.records) == [
        (R334X, "Likely pathogenic"),
        (NEW, "Uncertain significance"),
    ]  # AP5Z1 and the GRCh37 row of 14020 are filtered out
    [problem] = release.problems
    assert "VariationID 4000002" in problem and "copy number loss" in problem


def test_both_files_one_release_vcf_wins(locus, tmp_path):
    vcf = write_vcf(tmp_path, locus, r334x="Pathogenic")
    summary = write_summary(tmp_path, locus, r334x="Likely pathogenic")
    release = read_release(locus, vcf, summary)
    [r334x] = [r for r in release.records if r.hgvs_c == R334X]
    assert r334x.classification == "Pathogenic" and release.date == "20261124"
    assert len(release.problems) == 2


NO_DATE = "##fileformat=VCFv4.1\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"


def _bgzip(target: Path, text: str) -> None:
    plain = target.with_suffix(".plain")
    plain.write_text(text)
    pysam.tabix_compress(str(plain), str(target), force=True)


@pytest.mark.parametrize(
    "damage, expected",
    [
        (lambda p: p.write_bytes(b"not a vcf at all\n"), "cannot read as a VCF"),
        (lambda p: p.write_bytes(gzip.compress(NO_DATE.encode())), "not BGZF"),
        (lambda p: _bgzip(p, NO_DATE), "no ##fileDate"),
    ],
)  # fmt: skip
def test_bad_vcf_is_one_line_naming_the_file(locus, tmp_path, damage, expected):
    bad = tmp_path / "clinvar.vcf.gz"
    damage(bad)
    with pytest.raises(InputFileError) as err:
        read_vcf(bad, locus)
    assert str(bad) in str(err.value) and expected in str(err.value) and "\n" not in str(err.value)


def test_bad_variant_summary_is_one_line(locus, tmp_path):
    plain = tmp_path / "variant_summary_2026-11.txt.gz"
    plain.write_text("#AlleleID\tType\n")  # not gzip
    with pytest.raises(InputFileError, match="not gzip"):
        read_variant_summary(plain, locus)
    with gzip.open(plain, "wt") as f:
        f.write("#AlleleID\tType\tName\n1\tx\ty\n")
    with pytest.raises(InputFileError, match="no column GeneID"):
        read_variant_summary(plain, locus)
    good = write_summary(tmp_path, locus, name="variant_summary.txt.gz")
    with pytest.raises(InputFileError, match="release-date"):
        read_variant_summary(good, locus)
    assert read_variant_summary(good, locus, "2026-11").date == "202611"


def test_clinvar_release_keeps_curation_updates_clinvar_and_adds_new(locus, home, tmp_path):
    before = {e.hgvs_c: e for e in load(locus).entries}
    release = build_clinvar(locus, home, read_vcf(write_vcf(tmp_path, locus), locus), "tester")
    assert release.version == "2026.12.2+clinvar.20261124"
    assert release.path == home / "kb" / "releases" / "2026.12.2+clinvar.20261124.tsv"
    kb = load(locus, release.path)
    assert kb.version == release.version and kb.problems == ()
    after = {e.hgvs_c: e for e in kb.entries}
    # the lab's curated class and evidence are unchanged; ClinVar's columns are this release's
    r334x = after[R334X]
    assert r334x.classification == before[R334X].classification == "Pathogenic"
    assert r334x.fields["probands"] == before[R334X].fields["probands"] == "3"
    assert r334x.fields["clinvar_classification"] == "Likely pathogenic"
    assert r334x.fields["clinvar_variation_id"] == "14020"
    assert r334x.fields["clinvar_release"] == "clinvar.20261124"
    # a new ClinVar variant: an uncurated row
    assert after[NEW].classification == "" and after[NEW].fields["clinvar_classification"] == (
        "Uncertain significance"
    )
    kinds = {(c.kind, c.hgvs_c) for c in release.changes}
    assert ("changed", R334X) in kinds and ("added", NEW) in kinds and ("added", UTR) in kinds
    assert after[UTR].hgvs_p == "" and after[UTR].consequence == "3_prime_UTR_variant"
    assert not any(c.hgvs_c == S339FS for c in release.changes)  # unchanged in ClinVar
    # a variant this ClinVar release does not list loses ClinVar's columns, the lab's row stays
    assert ("removed", "c.1022C>A") in kinds
    assert after["c.1022C>A"].fields["clinvar_classification"] == ""
    assert after["c.1022C>A"].classification == before["c.1022C>A"].classification
    diff = read_diff(release.path)
    assert diff["sha256"] == release.sha256 and len(diff["problems"]) == 1
    assert ".check-" not in " ".join(p.name for p in release.path.parent.iterdir())
    check = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_kb.py"), str(release.path)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0 and "1 rows outside the CDS" in check.stdout, check.stdout
    # the same ClinVar release again from the same base is refused, nothing written
    with pytest.raises(InterpretationError, match="exists already"):
        build_clinvar(locus, home, read_vcf(write_vcf(tmp_path, locus), locus), "tester")
    assert len(release_files(home)) == 1


def test_next_release_builds_on_the_newest_and_drops_clinvar_only_rows(locus, home, tmp_path):
    first = build_clinvar(locus, home, read_vcf(write_vcf(tmp_path, locus), locus), "tester")
    later = tmp_path / "later"
    later.mkdir()
    vcf = write_vcf(later, locus, date="2026-12-01")
    # rewrite without the new variant: drop its line (VariationID 3000001)
    text = gzip.decompress(vcf.read_bytes()).decode()
    plain = later / "v.vcf"
    plain.write_text("".join(ln + "\n" for ln in text.splitlines() if "\t3000001\t" not in ln))
    pysam.tabix_compress(str(plain), str(vcf), force=True)
    Path(f"{vcf}.tbi").unlink()
    second = build_clinvar(locus, home, read_vcf(vcf, locus), "tester")
    assert second.based_on == first.version and second.version == "2026.12.2+clinvar.20261201"
    assert ("removed", NEW) in {(c.kind, c.hgvs_c) for c in second.changes}
    assert NEW not in {e.hgvs_c for e in load(locus, second.path).entries}


def _curated(tmp_path, rows: list[str]) -> Path:
    path = tmp_path / "curated.tsv"
    header = "hgvs_c\thgvs_p\tclassification\tprobands\tprobands_source\tpmids\tcurator\tnotes"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_curated_additions_merge_into_a_new_release(locus, home, tmp_path):
    path = _curated(
        tmp_path,
        [
            "c.1013C>G\t\tPathogenic\t4\tPMID 30819232: 4 unrelated probands\t30819232\tDr Curator\tre-read",
            f"{NEW}\tp.(His337Arg)\tUncertain significance\t\t\t22596258\tDr Curator\tlab case",
        ],
    )
    release = add_curated(locus, home, path, "Dr Director")
    assert release.version == "2026.12.2+lab.1"
    kb = load(locus, release.path)
    assert kb.problems == ()
    s338x = next(e for e in kb.entries if e.hgvs_c == "c.1013C>G")
    assert (
        s338x.id == "WHIM009" and s338x.fields["probands"] == "4" and s338x.fields["curator"] == "Dr Curator"
    )
    new = next(e for e in kb.entries if e.hgvs_c == NEW)
    assert new.classification == "Uncertain significance" and new.fields["pmids"] == "22596258"
    assert {c.kind for c in release.changes} == {"curated", "added"}


def test_curated_rows_without_citation_or_curator_are_refused_with_line_numbers(locus, home, tmp_path):
    path = _curated(
        tmp_path,
        [
            "c.1013C>G\t\tPathogenic\t\t\t30819232\tDr Curator\tok",
            f"{NEW}\t\tUncertain significance\t\t\t\tDr Curator\tno citation",
            "c.1000C>T\t\tPathogenic\t\t\t22596258\t\tno curator",
            "c.1000A>G\t\tPathogenic\t\t\t22596258\tDr C\twrong reference base",
        ],
    )
    with pytest.raises(InputFileError) as err:
        read_curated(locus, path)
    said = str(err.value)
    assert "line 3: no citation" in said and "line 4: no curator" in said and "line 5:" in said
    assert "line 2" not in said and "\n" not in said
    with pytest.raises(InputFileError):
        add_curated(locus, home, path, "Dr Director")
    assert release_files(home) == []  # nothing written


def test_next_version():
    assert next_version("2026.12.2", clinvar_date="20261124") == "2026.12.2+clinvar.20261124"
    assert next_version("2026.12.2+clinvar.20261124", lab=True) == "2026.12.2+clinvar.20261124.lab.1"
    assert next_version("2026.12.2+clinvar.20261124.lab.1", clinvar_date="20261201") == (
        "2026.12.2+clinvar.20261201.lab.1"
    )
    with pytest.raises(InterpretationError):
        next_version("dev")


def test_cli_import_prints_the_diff_and_refuses_bad_files(locus, home, tmp_path):
    vcf = write_vcf(tmp_path, locus)
    out = run_cli("kb", "import-clinvar", "--vcf", str(vcf), home=home, check=True).stdout
    assert "2026.12.2+clinvar.20261124" in out and "changed" in out and "WHIM001" in out
    assert "not active" in out and "VariationID 3000003" in out
    bad = tmp_path / "broken.vcf.gz"
    bad.write_bytes(b"\x1f\x8b garbage")
    done = run_cli("kb", "import-clinvar", "--vcf", str(bad), home=home)
    assert done.returncode == 2 and done.stderr.startswith("error: ") and str(bad) in done.stderr
    missing = run_cli("kb", "add-curated", str(_curated(tmp_path, ["c.1000C>T\t\t\t\t\t\t\tx"])),
                      "--curator", "me", home=home)  # fmt: skip
    assert missing.returncode == 2 and "line 2" in missing.stderr
