"""FASTQ readers: well-formed input read, every malformed input refused with the file named."""

import gzip

import pytest

from whimscreen.errors import InputFileError
from whimscreen.sequencing.fastq import read_fastq, read_pairs

GOOD = "@r1 x\nACGTN\n+\nIIIII\n@r2\nACG\n+\nII#\n"


def test_plain_and_gzip_read_the_same(tmp_path):
    plain, gz = tmp_path / "a.fq", tmp_path / "a.fq.gz"
    plain.write_text(GOOD)
    with gzip.open(gz, "wt") as fh:
        fh.write(GOOD)
    assert list(read_fastq(plain)) == list(read_fastq(gz)) == [("r1", "ACGTN", "IIIII"), ("r2", "ACG", "II#")]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("@r1\nACGT\n+\nIII\n", "4 bases but 3 qualities"),
        ("@r1\nACGT\n+\nIIII\n@r2\nAC", "third line"),
        (">r1\nACGT\n", "does not start with '@'"),
        ("@r1\nAXGT\n+\nIIII\n", "A/C/G/T/N"),
    ],
)
def test_malformed_fastq_is_refused(tmp_path, text, message):
    path = tmp_path / "bad.fq"
    path.write_text(text)
    with pytest.raises(InputFileError, match=message) as err:
        list(read_fastq(path))
    assert str(path) in str(err.value)


def test_truncated_gzip_is_refused(tmp_path):
    path = tmp_path / "cut.fq.gz"
    with gzip.open(path, "wt") as fh:
        fh.write(GOOD * 200)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(InputFileError, match="cut.fq.gz"):
        list(read_fastq(path))


def test_mate_files_of_different_lengths_are_refused(tmp_path):
    a, b = tmp_path / "R1.fq", tmp_path / "R2.fq"
    a.write_text(GOOD)
    b.write_text(GOOD.split("@r2")[0])
    with pytest.raises(InputFileError, match="truncated pair"):
        list(read_pairs(a, b))


def test_qualities_reach_the_caller_as_phred_values(locus):
    import mappy

    from whimscreen.sequencing.align import align_pair, aligner

    seq = locus.fetch(136114900, 136115049)
    qual = "".join(chr(33 + (i % 40)) for i in range(len(seq)))
    [(read, _lo, _hi)] = align_pair(aligner(locus), mappy.ThreadBuffer(), ("r", seq, qual), None)
    assert list(read.qual) == [i % 40 for i in range(len(seq))]


def test_bad_record_after_good_ones_is_named_and_nothing_is_read_twice(tmp_path):
    good = "".join(f"@r{i}\nACGT\n+\nIIII\n" for i in range(1, 1001))
    path = tmp_path / "mid.fq.gz"
    with gzip.open(path, "wt") as fh:
        fh.write(good + "@r1001\nACGT\n+\nIII\n" + good)
    names = []
    with pytest.raises(InputFileError, match="mid.fq.gz: record 1001: 4 bases but 3 qualities"):
        for name, _, _ in read_fastq(path):
            names.append(name)
    assert names == [f"r{i}" for i in range(1, 1001)]
