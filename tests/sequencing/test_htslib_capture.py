"""htslib's stderr captured around library calls: the temporary files are reused (a cohort opens thousands
of files), so each capture must start empty and a nested capture must keep its own."""

import os

from whimscreen.sequencing import htslib


def test_each_capture_starts_empty_and_a_nested_one_keeps_its_own():
    with htslib.captured() as outer:
        os.write(2, b"[E::outer] first\n")
        with htslib.captured() as inner:
            os.write(2, b"[E::inner] second\n")
        os.write(2, b"[E::outer] third\n")
    assert inner.message() == "second"
    assert outer.message() == "first; third"
    with htslib.captured() as again:
        os.write(2, b"[W::x] fourth\n")
    assert again.said == "[W::x] fourth\n"
