"""HGVS input that can never name one exact CXCR4 variant is refused with one clear line (issue 12):
uncertain positions, a length that disagrees with the interval, non-ASCII digits, numbers beyond the locus
(refused before any big-integer work); and a hypothesis fuzz of the parser: every outcome is a variant or a
``VariantError``, never another exception."""

import re
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import run_cli
from whimscreen.errors import OutOfLocusError, VariantError, VariantSyntaxError
from whimscreen.reference.parse import parse_variant


@pytest.mark.parametrize(
    "expr, error, words",
    [
        ("c.(100_200)del", VariantSyntaxError, "uncertain positions"),
        ("c.(100)del", VariantSyntaxError, "uncertain positions"),
        ("NM_003467.3:c.(1000_1001)insA", VariantSyntaxError, "uncertain positions"),
        ("c.999_1000del3", VariantSyntaxError, "stated length 3 disagrees with the interval, which holds 2"),
        ("c.999_1001del2", VariantSyntaxError, "stated length 2"),
        ("c.100³del", VariantSyntaxError, "U+00B3"),
        ("c.١٠٠del", VariantSyntaxError, "U+0661"),  # Arabic-Indic digits were read as 100
        ("c.100\u00a0del", VariantSyntaxError, "U+00A0"),
        ("c.100del\x00", VariantSyntaxError, "U+0000"),
        ("g.1" + "9" * 100 + "A>G", OutOfLocusError, "101 digits"),
        ("c.100+1" + "0" * 300 + "del", OutOfLocusError, "beyond the CXCR4 locus"),
        ("chr2:" + "9" * 400 + ":A:G", OutOfLocusError, "400 digits"),
    ],
)
def test_refused_with_a_clear_message(locus, expr, error, words):
    with pytest.raises(error, match=re.escape(words)) as info:
        parse_variant(locus, expr)
    assert "\n" not in str(info.value) and len(str(info.value)) < 300


def test_consistent_lengths_are_still_accepted(locus):
    assert parse_variant(locus, "c.999_1000del2") == parse_variant(locus, "c.999_1000del")
    assert parse_variant(locus, "c.100del1") == parse_variant(locus, "c.100del")


def test_a_100000_digit_position_is_refused_before_any_big_integer_work(locus):
    text = "c.1" + "0" * 100_000 + "del"
    t0 = time.perf_counter()
    with pytest.raises(OutOfLocusError, match=r"100001 digits") as info:
        parse_variant(locus, text)
    assert time.perf_counter() - t0 < 1.0  # int() of 100,000 digits alone raises (4,300-digit limit)
    assert len(str(info.value)) < 200


def test_cli_one_line_exit_2(home):
    for expr in ("c.100³del", "c.1" + "0" * 100_000 + "del"):
        proc = run_cli("variant", expr, home=home)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), proc.stderr[:300]


_PIECES = st.sampled_from(
    ["c.", "g.", "NM_003467.3:", "NC_000002.12:", "chr2:", "2-", "(", ")", "_", "+", "-", "*", "?", "del",
     "dup", "ins", "delins", "inv", ">", "A", "C", "G", "T", "N", "[", "]", ";", "=", "p.", "100", "1016",
     "-14", "*5", "999", "2", "0", "136114928", ":", "³", "\u0661", "9" * 30]
)  # fmt: skip


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_PIECES, min_size=1, max_size=12).map("".join) | st.text(max_size=40))
@example("c.100_101ins(10)")
@example("NM_003467.3:c.1016_1017del")
def test_fuzz_parse_variant_gives_a_variant_or_a_variant_error(locus, text):
    try:
        v = parse_variant(locus, text)
    except VariantError as exc:
        assert "\n" not in str(exc).strip() or "\n" in text
        return
    assert locus.contains(v.pos)
