"""Mutation fuzzing of every reader, shared by the quick tests (tests/sequencing/test_reader_fuzz.py) and
the long developer run (tools/fuzz.py).

A hypothesis strategy of byte-level mutations (bit flips, byte sets, deletions, insertions, duplications,
truncation) applied either to a file's bytes or, for compressed formats, to its decompressed content that
is then compressed again (so the parsers behind zlib's CRC see damaged records, not only corrupt blocks).
``outcome`` runs one damaged input through the analysis (no output written) and returns "result" or
"error" (a ``WhimscreenError``); any other exception propagates: that is the bug the fuzzing looks for.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import zlib
from pathlib import Path

from hypothesis import strategies as st

from whimscreen.calling.pipeline import analyze_paths
from whimscreen.errors import WhimscreenError

CORPUS = Path(__file__).parent / "data" / "fuzz"
INDEX_EXTS = (".bai", ".csi", ".crai", ".tbi")
# one small valid input per format (sequencing/simulate_inputs.write_inputs), fast to analyse
SMALL = {"depth": 2, "trace_amplicon": (136114849, 136115009)}

_edit = st.tuples(
    st.sampled_from(["flip", "set", "delete", "insert", "duplicate", "truncate"]),
    st.floats(0, 1, allow_nan=False),  # where, as a fraction of the length
    st.integers(0, 255),  # a byte value / bit number / run length
)
mutations = st.lists(_edit, min_size=1, max_size=4)
layers = st.sampled_from(["bytes", "content"])  # damage the file itself, or its decompressed content


def mutate(data: bytes, edits: list) -> bytes:
    b = bytearray(data)
    for kind, where, value in edits:
        k = min(int(where * len(b)), max(len(b) - 1, 0))
        if kind == "flip" and b:
            b[k] ^= 1 << (value % 8)
        elif kind == "set" and b:
            b[k] = value
        elif kind == "delete":
            del b[k : k + 1 + value % 32]
        elif kind == "insert":
            b[k:k] = bytes([value]) * (1 + value % 16)
        elif kind == "duplicate":
            b[k:k] = b[k : k + 1 + value]
        elif kind == "truncate":
            del b[k:]
    return bytes(b)


def _bgzf(data: bytes, path: Path) -> None:
    import pysam

    plain = path.with_name(path.name + ".plain")
    plain.write_bytes(data)
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()


def damaged(files: list[Path], layer: str, edits: list, out: Path) -> list[Path]:
    """Copies of ``files`` in ``out`` (indexes kept beside) with the last one damaged by ``edits``."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    paths = []
    for f in files:
        dst = out / f.name
        shutil.copy(f, dst)
        for ext in INDEX_EXTS:
            if Path(f"{f}{ext}").exists():
                shutil.copy(f"{f}{ext}", f"{dst}{ext}")
        paths.append(dst)
    target = paths[-1]
    data = target.read_bytes()
    if layer == "content" and data[:2] == b"\x1f\x8b":
        try:
            plain = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            plain = None
        if plain is not None:
            _bgzf(mutate(plain, edits), target)
            return paths
    target.write_bytes(mutate(data, edits))
    return paths


def outcome(paths: list[Path], locus, reference_fasta: Path | None = None) -> str:
    try:
        analyze_paths(paths, "FUZZ", None, locus, reference_fasta=reference_fasta)
    except WhimscreenError as exc:
        assert "\n" not in str(exc).strip(), f"a multi-line error: {exc!s:.300}"
        return "error"
    return "result"


def keep_reproducer(fmt: str, paths: list[Path], corpus: Path = CORPUS) -> Path:
    """Copy the damaged input (and its index) into the corpus under a name made of its digest."""
    corpus.mkdir(parents=True, exist_ok=True)
    target = paths[-1]
    digest = hashlib.sha256(target.read_bytes()).hexdigest()[:10]
    name = f"{fmt.replace(' ', '-')}-{digest}-{target.name}"
    shutil.copy(target, corpus / name)
    for ext in INDEX_EXTS:
        if Path(f"{target}{ext}").exists():
            shutil.copy(f"{target}{ext}", corpus / f"{name}{ext}")
    return corpus / name
