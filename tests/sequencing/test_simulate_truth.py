"""The read simulator's truth sets: asked for n variants it gives exactly n (none for a wild-type sample)."""

from whimscreen.sequencing.simulate import random_truth


def test_random_truth_gives_exactly_the_number_asked(locus):
    assert random_truth(locus, 0, seed=3) == []
    three = random_truth(locus, 3, seed=3, spacing=60)
    assert len(three) == 3 and all(abs(a.pos - b.pos) >= 60 for a, b in zip(three, three[1:], strict=False))


def test_random_truth_kinds_cycle_as_asked_and_the_default_keeps_a_third_of_each(locus):
    half = random_truth(locus, 12, seed=5, kinds="SDSI")
    kind = ["S" if len(t.ref) == len(t.alt) else "D" if len(t.ref) > len(t.alt) else "I" for t in half]
    assert kind == list("SDSI" * 3)
    default = random_truth(locus, 9, seed=5)
    kind = ["S" if len(t.ref) == len(t.alt) else "D" if len(t.ref) > len(t.alt) else "I" for t in default]
    assert kind == list("SDI" * 3)


def test_random_truth_rejects_an_unknown_kind(locus):
    import pytest

    with pytest.raises(ValueError, match="S, D, I"):
        random_truth(locus, 3, kinds="SX")
