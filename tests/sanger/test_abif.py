import gzip

import numpy as np
import pytest
from Bio import SeqIO

from whimscreen.errors import InputFileError
from whimscreen.sequencing.abif import read_trace
from whimscreen.sequencing.simulate_trace import simulate_trace, write_abif

from .conftest import DATA


def _trace(seed=1, n=300):
    seq = "".join(np.random.default_rng(seed).choice(list("ACGT"), n))
    return seq, simulate_trace(seq, seed=seed)


def test_biopython_reads_generated_abif(tmp_path):
    seq, sim = _trace()
    path = write_abif(tmp_path / "x.ab1", sim, sample="S-1")
    rec = SeqIO.read(path, "abi")
    assert str(rec.seq) == sim["bases"]
    assert rec.letter_annotations["phred_quality"] == [int(q) for q in sim["quality"]]
    assert rec.id == "S-1"
    raw = rec.annotations["abif_raw"]
    assert list(raw["PLOC2"]) == [int(p) for p in sim["peaks"]]
    assert raw["FWO_1"] == b"GATC"


def test_read_trace_orders_channels_by_fwo(tmp_path):
    seq, sim = _trace(2)
    t = read_trace(write_abif(tmp_path / "x.ab1", sim))
    for b in "ACGT":
        assert np.allclose(t.channels[b], np.round(sim["channels"][b]), atol=1)
    # the clean middle of the read calls the true sequence
    assert t.bases[40:250] == seq[40:250]
    assert t.quality[40:250].mean() >= 30


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"hello world, not a trace", "not an ABIF"),
        (b"ABIF\x00\x65" + b"\x00" * 10, "truncated"),
    ],
)
def test_bad_files(tmp_path, content, message):
    p = tmp_path / "bad.ab1"
    p.write_bytes(content)
    with pytest.raises(InputFileError, match=message) as err:
        read_trace(p)
    assert "bad.ab1" in str(err.value)


def test_truncated_generated_file(tmp_path):
    _, sim = _trace(3)
    data = write_abif(tmp_path / "x.ab1", sim).read_bytes()
    (tmp_path / "cut.ab1").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputFileError, match="cut.ab1"):
        read_trace(tmp_path / "cut.ab1")


@pytest.mark.parametrize(
    "name, calls, sample, estimated", [("310", 868, "D11F", True), ("3100", 795, "16S_S2_1387R", False)]
)
def test_public_biopython_traces(tmp_path, name, calls, sample, estimated):
    p = tmp_path / f"{name}.ab1"
    p.write_bytes(gzip.decompress((DATA / f"{name}.ab1.gz").read_bytes()))
    t = read_trace(p)
    assert (t.length, t.sample_id, t.quality_estimated) == (calls, sample, estimated)
    assert len(t.peaks) == calls and np.all(np.diff(t.peaks) > 0)
    assert t.quality.min() >= 0 and t.quality.max() <= 99
