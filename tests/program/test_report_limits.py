"""The report states the lowest allele fraction the method can see, from the analysis's own thresholds."""

from whimscreen.calling.caller import CallerParameters
from whimscreen.program.report_context import limits_statement, qc_statement


def test_sanger_limit_follows_the_mixed_peak_ratio():
    text = limits_statement("ab1", {}, {"fully_covered": True})
    assert "25% of the main peak" in text and "about 20% of the DNA" in text


def test_ngs_limit_at_the_qc_minimum_depth_is_set_by_the_supporting_read_count():
    params = CallerParameters().as_dict()  # min_af 3%, 3 supporting reads
    assert "below about 15%" in limits_statement("fastq", params, {"min_depth": 20})
    assert "below about 3%" in limits_statement("bam", params, {"min_depth": 200})
    assert "from an allele fraction of 3%" in limits_statement("cram", params, {"min_depth": 20})


def test_vcf_input_defers_to_the_producing_lab_and_missing_parameters_say_nothing():
    assert "VCF supplied" in limits_statement("vcf", {}, {})
    assert limits_statement("fastq", {}, {"min_depth": 20}) == ""


def test_a_covered_gvcf_says_where_its_depth_came_from():
    qc = {"fully_covered": True, "min_depth": 20, "reason": "depth from gVCF reference blocks (MIN_DP/DP)"}
    assert qc_statement(qc, "vcf").endswith("(>= 20x) (depth from gVCF reference blocks (MIN_DP/DP)).")
    assert qc_statement({"fully_covered": True, "min_depth": 20}, "fastq").endswith("(>= 20x).")
