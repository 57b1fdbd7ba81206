"""The resumable state of a screen: one line per finished batch, a line torn by a crash ignored (its batch
is screened again), lines of the earlier one-file format still read, another context starting afresh."""

import json

from whimscreen.screening.state import STATE_NAME, ScreenState, entry


def _result(sample: str) -> dict:
    return {"sample": sample, "file": f"{sample}.vcf.gz", "variants": []}


def test_a_batch_is_one_line_and_a_torn_line_loses_only_its_batch(tmp_path):
    state = ScreenState(tmp_path, "ctx")
    state.record_batch(
        [entry("a" * 64, [_result("S1")], False, True), entry("b" * 64, [_result("S2")], False, True)]
    )
    state.sync()
    path = tmp_path / STATE_NAME
    lines = path.read_text().splitlines()
    assert len(lines) == 2 and len(json.loads(lines[1])["batch"]) == 2
    torn = json.dumps({"batch": [entry("c" * 64, [_result("S3")], False, True)]})
    with open(path, "a") as fh:
        fh.write(torn[: len(torn) // 2])  # a crash in the middle of a batch's line

    again = ScreenState(tmp_path, "ctx")
    assert again.resumed and again.complete() == {"a" * 64, "b" * 64}
    again.record_batch([entry("d" * 64, [_result("S4")], False, True)])
    assert ScreenState(tmp_path, "ctx").complete() == {"a" * 64, "b" * 64, "d" * 64}


def test_one_file_lines_of_earlier_versions_are_read(tmp_path):
    line = {"sha256": "e" * 64, "joint": False, "complete": True, "samples": [_result("S5")]}
    (tmp_path / STATE_NAME).write_text(json.dumps({"context": "ctx"}) + "\n" + json.dumps(line) + "\n")
    state = ScreenState(tmp_path, "ctx")
    assert state.complete() == {"e" * 64} and state.samples_of("e" * 64)["S5"]["file"] == "S5.vcf.gz"


def test_another_context_starts_afresh(tmp_path):
    ScreenState(tmp_path, "ctx").record_batch([entry("a" * 64, [_result("S1")], False, True)])
    fresh = ScreenState(tmp_path, "other")
    assert not fresh.resumed and fresh.complete() == set()
    assert (tmp_path / STATE_NAME).read_text() == json.dumps({"context": "other"}) + "\n"
