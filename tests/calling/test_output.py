"""The shared output model: VCF 4.3 + index + JSON valid against the schema, written atomically."""

import json
from importlib import resources

import jsonschema
import pysam
import pytest

from whimscreen import __version__
from whimscreen.calling.model import CoverageQC, SampleAnalysis, VariantCall
from whimscreen.calling.output import write_analysis
from whimscreen.errors import AnalysisError, WhimscreenError


def schema():
    text = resources.files("whimscreen.calling").joinpath("analysis.schema.json").read_text()
    return json.loads(text)


def make_analysis(locus, calls, build="GRCh38", sample="S1"):
    qc = CoverageQC(20, 20, 1096, 1090, ((136114869, 136114874),), ((136114869, 136114874),), False, 250.0, 3)
    return SampleAnalysis(sample, "bam", build, qc, tuple(calls), locus.info.stamp(), __version__, {"x": 1})


def call(pos, ref, alt, gt="0/1", af=0.5, mosaic=False, filters=()):
    return VariantCall("chr2", pos, ref, alt, gt, 99, 200, 100, 100, af, filters, mosaic, {"fwd_alt": 50})


def test_written_files_match_schema_and_carry_names(locus, tmp_path):
    calls = [
        call(136114928, "G", "A"),
        call(
            136114900,
            locus.base(136114900),
            "T" if locus.base(136114900) != "T" else "C",
            af=0.12,
            mosaic=True,
            filters=("StrandBias",),
        ),
    ]
    paths = write_analysis(make_analysis(locus, calls), tmp_path / "out", locus)
    doc = json.loads(paths["json"].read_text())
    jsonschema.validate(doc, schema())
    assert [v["pos"] for v in doc["variants"]] == [136114900, 136114928]
    stop = doc["variants"][1]
    assert stop["hgvs_c"] == "NM_003467.3:c.1000C>T" and stop["hgvs_p"] == "p.(Arg334*)"
    assert stop["grch37"]["pos"] == 136114928 + 757570
    assert [v["zygosity"] for v in doc["variants"]] == ["mosaic", "heterozygous"]
    assert doc["warning"] == "DEMO REFERENCE — NOT FOR CLINICAL USE"
    with pysam.VariantFile(str(paths["vcf"])) as vcf:
        header = str(vcf.header)
        assert "##fileformat=VCFv4.3" in header
        assert "##WHIMSCREEN_REFERENCE=DEMO REFERENCE — NOT FOR CLINICAL USE" in header
        recs = list(vcf.fetch("chr2", 136114800, 136115000))  # through the .tbi
    assert [r.pos for r in recs] == [136114900, 136114928]
    mosaic, stop_rec = recs
    assert mosaic.info["MOSAIC"] is True and list(mosaic.filter) == ["StrandBias"]
    assert list(stop_rec.filter) == ["PASS"] and "MOSAIC" not in stop_rec.info
    s = stop_rec.samples["S1"]
    assert s["GT"] == (0, 1) and s["AD"] == (100, 100) and s["DP"] == 200 and s["GQ"] == 99


def test_grch37_positions_are_named_through_grch38(locus, tmp_path):
    pos37 = 136114928 + 757570
    paths = write_analysis(
        make_analysis(locus, [call(pos37, "G", "A", gt="1/1", af=1.0)], "GRCh37"), tmp_path, locus
    )
    doc = json.loads(paths["json"].read_text())
    jsonschema.validate(doc, schema())
    v = doc["variants"][0]
    assert v["pos"] == pos37 and v["grch38"]["pos"] == 136114928 and v["hgvs_p"] == "p.(Arg334*)"
    assert v["zygosity"] == "homozygous"


def test_an_error_leaves_nothing(locus, tmp_path):
    out = tmp_path / "out"
    bad = call(136114928, "T", "A")  # REF disagrees with the reference: annotate refuses
    with pytest.raises(WhimscreenError):
        write_analysis(make_analysis(locus, [bad]), out, locus)
    assert list(tmp_path.iterdir()) == []


def test_a_directory_holding_other_files_is_refused_and_left_untouched(locus, tmp_path):
    (tmp_path / "other.json").write_text("{}")
    with pytest.raises(AnalysisError, match="other.json.*holds one sample"):
        write_analysis(make_analysis(locus, []), tmp_path, locus)
    assert [p.name for p in tmp_path.iterdir()] == ["other.json"]
    assert [p.name for p in tmp_path.parent.iterdir() if ".whimscreen-" in p.name] == []


def test_sample_id_must_be_a_file_name(locus, tmp_path):
    with pytest.raises(AnalysisError):
        write_analysis(make_analysis(locus, [], sample="../x"), tmp_path, locus)
