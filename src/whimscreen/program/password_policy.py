"""Password policy after NIST SP 800-63B (5.1.1.2): at least 12 characters, no composition rules, and
refused when it is a common password (a bundled list, ``data/common-passwords.txt``, source named there),
such a password with digits or symbols around it, a repetition or a sequence, or built on context words
(the service's name, the user's email or name)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from whimscreen.program.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 256  # long passphrases are welcome; this only bounds the hashing work
_SEQUENCES = (
    "0123456789012345678901234567890",
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
    "zxcvbnmasdfghjklqwertyuiop",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
)
_AROUND = re.compile(r"^[\d\W_]*(.*?)[\d\W_]*$")


@cache
def common() -> frozenset[str]:
    text = (resources.files("whimscreen.program") / "data" / "common-passwords.txt").read_text()
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _repetition(pw: str) -> bool:
    """The same short unit over and over (aaaaaaaaaaaa, abcabcabcabc, 12121212...)."""
    return any(len(pw) % n == 0 and pw == pw[:n] * (len(pw) // n) for n in range(1, len(pw) // 2 + 1))


def _sequence(pw: str) -> bool:
    return any(pw in s or pw in s[::-1] for s in _SEQUENCES)


def problem(password: str, context: tuple[str, ...] = ()) -> str | None:
    """Why this password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"the password must have at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"the password must have at most {MAX_LENGTH} characters"
    pw = password.lower()
    core = _AROUND.match(pw).group(1)
    if pw in common() or core in common() or (core and core[::-1] in common()):
        return "this password is on the list of commonly used passwords; choose another"
    if _repetition(pw) or _sequence(pw) or (core and (_repetition(core) or _sequence(core))):
        return "the password is a repetition or a sequence; choose another"
    words = {"whimscreen"} | {w for c in context for w in re.split(r"[\W_]+", c.lower()) if len(w) >= 3}
    residue = pw
    for w in sorted(words, key=len, reverse=True):
        residue = residue.replace(w, "")
    if len(re.sub(r"[\d\W_]+", "", residue)) < 4:  # nothing but context words, digits and symbols
        return "the password is built on your name, your email or the service's name; choose another"
    return None


def check(password: str, context: tuple[str, ...] = ()) -> None:
    reason = problem(password, context)
    if reason:
        raise InvalidInput(reason)
