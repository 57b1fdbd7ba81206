"""The report states the measured detection limit: for NGS at the sample's own minimum depth over the
reportable range, from the table bench/detection_limit.py generates (a test table here, so the numbers
can only come from it), for Sanger its measured limit, for a VCF the producing lab's."""

import pytest

from tests.calling.detection_tables import write_table
from whimscreen.calling.detection import detection_limit, load_table, shipped_table
from whimscreen.reporting.method import limits_statement, qc_statement


@pytest.fixture
def table(tmp_path):
    return load_table(write_table(tmp_path / "limits.tsv", generated="2026-11-30"))


def test_ngs_limit_comes_from_the_row_at_or_below_the_samples_minimum_depth(table):
    text = limits_statement("fastq", {"min_depth": 20, "min_observed_depth": 180}, table)
    assert text == (
        "At this sample's minimum depth over the reportable range (180x), variants at allele fractions "
        "≥ 10% were detected in ≥ 95% of simulated cases (validation of 2026-11-30, measured at 100x); "
        "lower fractions can be missed."
    )
    deep = limits_statement("bam", {"min_observed_depth": 500}, table)
    assert (
        "fractions ≥ 2% were detected" in deep
        and "(validation of 2026-11-30, measured at 500x; indels alone: 5%)" in deep
    )
    assert "≥ 50% " in limits_statement("cram", {"min_observed_depth": 99}, table)


def test_without_an_observed_minimum_the_qc_minimum_is_used_and_said(table):
    text = limits_statement("fastq", {"min_depth": 100}, table)
    assert text.startswith("At the QC minimum depth (100x), variants at allele fractions ≥ 10%")
    assert limits_statement("fastq", {}, table) == ""


def test_below_the_tabulated_depths_the_report_says_the_limit_was_not_measured(table):
    text = limits_statement("fastq", {"min_depth": 20, "min_observed_depth": 12}, table)
    assert "(12x) the detection limit was not measured" in text and "starts at 20x" in text
    assert "can be missed" in text


def test_sanger_states_its_measured_limit(table):
    text = limits_statement("ab1", {"fully_covered": True}, table)
    assert "allele fractions ≥ 20% were detected in ≥ 95%" in text
    assert "(validation of 2026-11-30; indels alone: 50%)" in text
    assert "fewer than 20% of the DNA molecules can be missed" in text


def test_the_shipped_table_gives_the_numbers_the_report_prints():
    ngs = detection_limit("ngs", 250, shipped_table())
    text = limits_statement("bam", {"min_depth": 20, "min_observed_depth": 250})
    assert f"≥ {ngs.vaf_95 * 100:g}% were detected" in text and f"measured at {ngs.depth}x" in text
    assert f"validation of {shipped_table().generated}" in text
    sanger = detection_limit("sanger")
    assert f"fewer than {sanger.vaf_95 * 100:g}% of the DNA" in limits_statement("ab1", {})


def test_vcf_input_defers_to_the_producing_lab_and_unknown_kinds_say_nothing(table):
    assert "VCF supplied" in limits_statement("vcf", {}, table)
    assert limits_statement(None, {"min_depth": 20}, table) == ""


def test_a_covered_gvcf_says_where_its_depth_came_from():
    qc = {"fully_covered": True, "min_depth": 20, "reason": "depth from gVCF reference blocks (MIN_DP/DP)"}
    assert qc_statement(qc, "vcf").endswith("(>= 20x) (depth from gVCF reference blocks (MIN_DP/DP)).")
    assert qc_statement({"fully_covered": True, "min_depth": 20}, "fastq").endswith("(>= 20x).")
