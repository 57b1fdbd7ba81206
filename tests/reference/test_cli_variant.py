"""``whimscreen variant``: the JSON fields, and one-line errors with exit status 2."""

import json

import pytest

from tests.conftest import run_cli


def test_variant_json_fields(home):
    out = json.loads(run_cli("variant", "NM_003467.3:c.1016_1017del", "--json", home=home, check=True).stdout)
    for key in (
        "hgvs_c",
        "hgvs_c_alt",
        "hgvs_p",
        "hgvs_g",
        "grch38",
        "grch37",
        "consequence",
        "exon",
        "intron",
        "protein_position",
    ):
        assert key in out
    assert out["hgvs_p"] == "p.(Ser339Cysfs*4)" and out["consequence"] == "frameshift_variant"
    assert out["grch37"]["pos"] == out["grch38"]["pos"] + 757570
    assert out["reference"]["demo"] is True and "NOT FOR CLINICAL USE" in out["reference"]["warning"]


def test_variant_vcf_style_on_grch37(home):
    out = json.loads(
        run_cli("variant", "2-136872498-G-A", "--build", "GRCh37", "--json", home=home, check=True).stdout
    )
    assert out["hgvs_c"] == "NM_003467.3:c.1000C>T"


@pytest.mark.parametrize("expr", ["c.1000G>T", "chr2:1:A:G", "NM_000546.6:c.215C>G", "c.1000C>"])
def test_variant_errors(home, expr):
    proc = run_cli("variant", expr, home=home)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1
    assert proc.stdout == ""
