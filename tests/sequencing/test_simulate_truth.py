"""The read simulator's truth sets: asked for n variants it gives exactly n (none for a wild-type sample)."""

from whimscreen.sequencing.simulate import random_truth


def test_random_truth_gives_exactly_the_number_asked(locus):
    assert random_truth(locus, 0, seed=3) == []
    three = random_truth(locus, 3, seed=3, spacing=60)
    assert len(three) == 3 and all(abs(a.pos - b.pos) >= 60 for a, b in zip(three, three[1:], strict=False))
