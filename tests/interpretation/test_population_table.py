"""``whimscreen kb import-population``: a gnomAD-style sites VCF over the locus becomes the lab's population
table (verified against the reference, atomic), and classification uses it before the knowledge base."""

from __future__ import annotations

import json

import pysam
import pytest

from tests.conftest import run_cli
from whimscreen.interpretation.population import filtering_af
from whimscreen.reference.annotate import annotate
from whimscreen.reference.parse import parse_variant

HEADER = """##fileformat=VCFv4.2
##contig=<ID=chr2,length=242193529>
##INFO=<ID=AC,Number=A,Type=Integer,Description="Alternate allele count">
##INFO=<ID=AN,Number=1,Type=Integer,Description="Total alleles">
##INFO=<ID=AF,Number=A,Type=Float,Description="Alternate allele frequency">
##INFO=<ID=fafmax_faf95_max,Number=A,Type=Float,Description="Filtering allele frequency (95% CI), grpmax">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO
"""


def _site(locus, text: str) -> tuple[int, str, str]:
    v = annotate(locus, parse_variant(locus, text)).to_dict()["grch38"]
    return v["pos"], v["ref"], v["alt"]


def write_sites(tmp_path, rows: list[str], name="gnomad.sites.vcf") -> str:
    plain = tmp_path / name
    plain.write_text(HEADER + "".join(r + "\n" for r in rows))
    gz = str(plain) + ".gz"
    pysam.tabix_compress(str(plain), gz, force=True)
    pysam.tabix_index(gz, preset="vcf", force=True)
    return gz


def test_filtering_af_is_the_poisson_lower_bound():
    # 12 alleles in 152,312: the 95% lower bound lies well below the point estimate 7.9e-5
    assert 4.0e-5 < filtering_af(12, 152312) < 5.0e-5
    assert filtering_af(0, 1000) == 0.0 and filtering_af(1, 152312) < 1e-6


def test_import_then_classify_uses_the_table(locus, home, tmp_path):
    pos, ref, alt = _site(locus, "c.1000C>T")  # R334X: common in this made-up release
    rows = [f"chr2\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\tAC=600;AN=150000;AF=0.004;fafmax_faf95_max=0.0035"]
    gz = write_sites(tmp_path, rows)
    out = run_cli("kb", "import-population", gz, home=home, check=True).stdout
    assert "imported 1 alleles" in out and "fafmax_faf95_max" in out
    table = (home / "population" / "population.tsv").read_text()
    assert "# sha256: " in table and "# build: GRCh38" in table
    c = json.loads(run_cli("classify", "c.1000C>T", "--json", home=home, check=True).stdout)
    ba1 = [x for x in c["criteria"] if x["code"] == "BA1"]
    assert ba1 and "population table gnomad.sites.vcf.gz" in ba1[0]["evidence"][0]
    assert c["classification"] == "Benign" and c["review_required"]  # the KB asserts Pathogenic
    absent = json.loads(run_cli("classify", "c.1013C>G", "--json", home=home, check=True).stdout)
    pm2 = [x for x in absent["criteria"] if x["code"] == "PM2"]
    assert pm2 and "not observed" in pm2[0]["evidence"][0]  # the table replaces the KB's frequencies
    shown = run_cli("kb", "show", home=home, check=True).stdout
    assert "population table gnomad.sites.vcf.gz" in shown


def test_faf_is_computed_from_counts_when_the_release_has_none(locus, home, tmp_path):
    pos, ref, alt = _site(locus, "c.1027G>A")
    gz = write_sites(tmp_path, [f"chr2\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\tAC=12;AN=152312"])
    run_cli("kb", "import-population", gz, home=home, check=True)
    c = json.loads(run_cli("classify", "c.1027G>A", "--json", home=home, check=True).stdout)
    assert "BS1" in {x["code"] for x in c["criteria"]}  # faf ~4.6e-5 > 1e-5


@pytest.mark.parametrize("problem", ["ref", "missing", "empty"])
def test_bad_population_files_are_refused_and_nothing_is_installed(locus, home, tmp_path, problem):
    pos, ref, alt = _site(locus, "c.1000C>T")
    if problem == "ref":
        wrong = "A" if ref != "A" else "C"
        path = write_sites(tmp_path, [f"chr2\t{pos}\t.\t{wrong}\tT\t.\tPASS\tAC=1;AN=100"])
    elif problem == "missing":
        path = str(tmp_path / "nope.vcf.gz")
    else:
        path = write_sites(tmp_path, ["chr2\t1000\t.\tA\tC\t.\tPASS\tAC=1;AN=100"])
    proc = run_cli("kb", "import-population", path, home=home)
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1
    assert path.split("/")[-1] in proc.stderr
    assert not (home / "population" / "population.tsv").exists()
