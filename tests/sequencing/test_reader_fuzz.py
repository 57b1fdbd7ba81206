"""Every reader, fuzzed (hypothesis, derandomized, a few dozen inputs per format): a damaged FASTQ, BAM,
VCF, bgzipped VCF, BCF or AB1 gives a result or one ``WhimscreenError``, never another exception.  The
longer run is ``tools/fuzz.py``; what it finds is kept in tests/data/fuzz and replayed here."""

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzzing import CORPUS, INDEX_EXTS, SMALL, damaged, layers, mutations, outcome
from whimscreen.errors import WhimscreenError
from whimscreen.sequencing.simulate_inputs import write_inputs

FORMATS = ["fastq", "fastq.gz", "fastq pair", "bam", "vcf", "vcf.gz", "bcf", "ab1"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, locus):
    return write_inputs(locus, tmp_path_factory.mktemp("fuzz-base"), **SMALL)


@pytest.mark.parametrize("fmt", FORMATS)
def test_reader_fuzz(fmt, inputs, locus, tmp_path_factory):
    work = tmp_path_factory.mktemp("fuzz")
    examples = 12 if fmt == "ab1" else 30

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(layer=layers, edits=mutations)
    def run(layer, edits):
        assert outcome(damaged(inputs[fmt], layer, edits, work / "case"), locus) in ("result", "error")

    run()


def _corpus():
    return sorted(p for p in CORPUS.glob("*") if p.is_file() and not p.name.endswith((*INDEX_EXTS, ".md")))


# what the reproducers must say (one line naming the file and the problem), by corpus file name
EXPECTED = {
    "vcf-pos-abc.vcf": "Could not parse the position 'abc'",
    "vcf-pos-negative.vcf": "Could not parse the position '-5'",
    "vcf-pos-2e63.vcf": "too large",
    "vcf-gt-damaged.vcf": "Couldn't read GT data",
    "vcf-gt-unknown-allele.vcf": "names an allele the record does not have",
    "vcf-no-chrom-line.vcf": "cannot read the VCF/BCF header",
    "vcf-contig-length-40-digits.vcf": "##contig line of chr2 has no valid length",
    "vcf-no-contig-lines.vcf": "no chr2 contig length",
    "vcf-alt-not-utf8.vcf": "not UTF-8",
    "vcf-sample-not-utf8.vcf": "not UTF-8",
    "vcf-filter-empty-id.vcf": "empty or invalid filter ID",
    "vcf-symbolic-del-carried.vcf": "symbolic/structural allele <DEL>",
    "vcfgz-truncated.vcf.gz": "cannot read the VCF/BCF header",
    "vcfgz-empty-tbi.vcf.gz": "the index (.tbi/.csi) cannot be read",
    "bcf-truncated.bcf": "cannot read the VCF/BCF header",
    "fastqgz-corrupt-body.fastq.gz": "corrupt gzip/BGZF data",
    "bam-damaged-body.bam": "cannot read the locus region",
    "bam-empty-bai.bam": "the index cannot be read",
    "ab1-peaks-decreasing.ab1": "peak positions (PLOC) must increase",
    "ab1-flat.ab1": "signal-to-noise 0.0 is below 3",
}


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_corpus_replays_to_a_result_or_one_clean_error(path, locus):
    """Each reproducer once crashed (or gave a wrong result); each must now end as expected."""
    try:
        result = outcome([path], locus)
    except WhimscreenError as exc:  # pragma: no cover - outcome() catches these
        raise AssertionError(exc) from exc
    expected = EXPECTED.get(path.name)
    if expected is not None:
        assert result == "error", f"{path.name} gave a result"
        with pytest.raises(WhimscreenError) as info:
            from whimscreen.calling.pipeline import analyze_paths

            analyze_paths([path], "FUZZ", None, locus)
        assert expected in str(info.value) and path.name in str(info.value)


def test_every_expected_reproducer_is_in_the_corpus():
    assert set(EXPECTED) <= {p.name for p in _corpus()}
