"""A result directory is all or nothing: a run killed (SIGKILL) at any step of the write leaves DIR the
complete old result or the complete new one, the next run cleans up and says so; one file mode everywhere."""

import json
import os
import signal
import stat

import pytest

from tests.calling.test_output import call, make_analysis
from whimscreen.calling import result_dir
from whimscreen.calling.output import write_analysis
from whimscreen.calling.result_dir import check_result, recover
from whimscreen.calling.sanger import analyze_traces
from whimscreen.errors import WhimscreenWarning
from whimscreen.sequencing.simulate_amplicons import write_sample

STEPS = ["staged", "files written", "manifest written", "set aside", "swapped"]


def _old_and_new(locus):
    old = make_analysis(locus, [call(136114928, "G", "A")])
    return old, make_analysis(locus, [])


def _variants(out) -> int:
    return len(json.loads((out / "S1.json").read_text())["variants"])


def _killed_at(step: str, analysis, out, locus, exchange: bool) -> None:
    """Write ``analysis`` into ``out`` in a child process that SIGKILLs itself at ``step``."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            if not exchange:
                result_dir._exchange = lambda a, b: False
            result_dir._checkpoint = lambda s: os.kill(os.getpid(), signal.SIGKILL) if s == step else None
            write_analysis(analysis, out, locus)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status


def _leftovers(out) -> list[str]:
    return [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.whimscreen-")]


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
@pytest.mark.parametrize("step", STEPS)
def test_killed_at_any_step_dir_is_the_whole_old_or_the_whole_new_result(locus, tmp_path, step, exchange):
    if exchange and step == "set aside":
        pytest.skip("the exchange has no intermediate state")
    out = tmp_path / "out"
    old, new = _old_and_new(locus)
    write_analysis(old, out, locus)
    assert check_result(out, "S1") == [] and _variants(out) == 1
    _killed_at(step, new, out, locus, exchange)
    if step == "set aside":  # between the two renames there is no DIR: the next run restores the old one
        assert not out.exists()
        with pytest.warns(WhimscreenWarning, match="restored the previous result"):
            recover(out)
    assert check_result(out, "S1") == []  # complete: every file listed, none other, SHA-256 equal
    assert _variants(out) == (0 if step == "swapped" else 1)
    if step != "set aside":
        assert _leftovers(out), "the killed run left its temporary directory"
        with pytest.warns(WhimscreenWarning, match="interrupted run"):
            write_analysis(new, out, locus)
    else:
        write_analysis(new, out, locus)
    assert check_result(out, "S1") == [] and _variants(out) == 0 and _leftovers(out) == []


def test_a_live_runs_temporary_directory_is_left_alone(locus, tmp_path):
    out = tmp_path / "out"
    seen = []

    def other_run_starts(step):  # while this run holds its staging directory, another run cleans up
        if step == "files written":
            seen.append(recover(out))

    result_dir._checkpoint, saved = other_run_starts, result_dir._checkpoint
    try:
        write_analysis(make_analysis(locus, []), out, locus)
    finally:
        result_dir._checkpoint = saved
    assert seen == [[]] and check_result(out, "S1") == []


def test_the_manifest_detects_a_changed_missing_or_extra_file(locus, tmp_path):
    out = tmp_path / "out"
    write_analysis(make_analysis(locus, []), out, locus)
    doc = json.loads((out / "S1.json").read_text())
    assert [f["name"] for f in doc["files"]] == ["S1.vcf.gz", "S1.vcf.gz.tbi"]
    (out / "S1.vcf.gz.tbi").write_bytes(b"x")
    (out / "S1.extra").write_text("")
    problems = check_result(out, "S1")
    assert any("S1.vcf.gz.tbi: differs" in p for p in problems)
    assert any("S1.extra: not in the manifest" in p for p in problems)
    (out / "S1.vcf.gz").unlink()
    assert any("S1.vcf.gz: listed in the manifest but missing" in p for p in check_result(out, "S1"))


def _modes(folder) -> set[int]:
    return {stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.iterdir()]}


def test_reads_and_sanger_results_get_the_same_modes_from_the_umask(locus, tmp_path):
    traces = write_sample(locus, tmp_path / "in", [], seed=1, amplicons={"a": (136115169, 136115719)})
    previous = os.umask(0o027)
    try:
        write_analysis(make_analysis(locus, []), tmp_path / "reads", locus)
        analyze_traces(traces, sample="S1", out_dir=tmp_path / "sanger", locus=locus)
    finally:
        os.umask(previous)
    reads, sanger = tmp_path / "reads", tmp_path / "sanger"
    assert stat.S_IMODE(reads.stat().st_mode) == stat.S_IMODE(sanger.stat().st_mode) == 0o750
    assert _modes(reads) == _modes(sanger) == {0o750, 0o640}
    assert check_result(sanger, "S1") == []
