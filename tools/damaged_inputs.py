"""Damaged-input campaign: every kind of input, damaged many ways, through ``whimscreen analyze``.

    PYTHONPATH=src python tools/damaged_inputs.py [--work DIR] [--jobs 2] [--flips 12] [--cram]
        [--src PATH_TO_ANOTHER_SRC] [--table docs/validation-robustness.md]

Generates one small valid input per format (``sequencing/simulate_inputs.py``), then damaged variants of
each: truncation at several points (and just before the BGZF end-of-file block), random byte flips (whole
file and header), a burst of garbage, appended garbage, and the named cases of issue 12 (non-UTF-8 names,
POS abc, 100,000 INFO flags, no #CHROM, empty/garbage index, flat trace ...).  Each runs in its own
``whimscreen analyze`` subprocess; the outcome is classified:

- ``result``: exit 0 (a result was written; a damaged file may still be readable, e.g. a flipped quality);
- ``clean error``: exit 2 and stderr is exactly one line ``error: ...``;
- ``noisy error``: exit 2 but other lines too (htslib ``[E::...]``, "Exception ignored ...");
- ``internal``: exit 1 with the one-line "internal error ... please report it" (a bug, but no traceback);
- ``traceback/other``: a Python traceback, another exit status, a signal or a timeout.

Prints the table by format and the cases that were not a result or a clean error; ``--table`` rewrites
the table in the given markdown file between the ``<!-- campaign -->`` markers.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTCOMES = ("result", "clean error", "noisy error", "internal", "traceback/other")


@dataclass
class Case:
    fmt: str
    name: str
    files: list[Path]
    extra: list[str] = field(default_factory=list)


# -- generic damage ----------------------------------------------------------------------------------------
def _variants(data: bytes, rng: random.Random, flips: int) -> list[tuple[str, bytes]]:
    n = len(data)
    out = [("empty", b"")]
    for pct in (1, 5, 10, 25, 50, 75, 90, 99):
        out.append((f"truncated at {pct}%", data[: max(1, n * pct // 100)]))
    out += [("last byte cut", data[:-1]), ("last 28 bytes cut (BGZF EOF)", data[:-28])]
    for i in range(flips):
        b = bytearray(data)
        for _ in range(1 + i % 3):
            k = rng.randrange(n)
            b[k] ^= 1 << rng.randrange(8)
        out.append((f"bit flips #{i}", bytes(b)))
    for i in range(max(2, flips // 2)):
        b = bytearray(data)
        k = rng.randrange(min(n, 512))
        b[k] = rng.randrange(256)
        out.append((f"header byte #{i}", bytes(b)))
    for i in range(max(2, flips // 3)):
        b = bytearray(data)
        k = rng.randrange(max(1, n - 64))
        b[k : k + 64] = rng.randbytes(64)
        out.append((f"64-byte burst #{i}", bytes(b)))
    out.append(("garbage appended", data + rng.randbytes(300)))
    return out


def _copy_with_index(src: Path, dst: Path) -> None:
    for ext in (".bai", ".csi", ".crai", ".tbi"):
        if Path(str(src) + ext).exists():
            shutil.copy(str(src) + ext, str(dst) + ext)


def generic_cases(fmt: str, files: list[Path], work: Path, rng: random.Random, flips: int) -> list[Case]:
    target = files[-1]  # the mate file of a pair; the only file otherwise
    cases = []
    for k, (name, data) in enumerate(_variants(target.read_bytes(), rng, flips)):
        d = work / f"{fmt.replace(' ', '_')}_{k}"
        d.mkdir()
        dst = d / target.name
        dst.write_bytes(data)
        _copy_with_index(target, dst)
        others = [shutil.copy(f, d / f.name) and d / f.name for f in files[:-1]]
        extra = ["--reference-fasta", str(target.parent / "genome.fa.gz")] if fmt == "cram" else []
        cases.append(Case(fmt, name, [*others, dst], extra))
    return cases


# -- named cases (issue 12) --------------------------------------------------------------------------------
def _bgzip(text: bytes, path: Path, index: bool = True) -> Path:
    import pysam

    plain = path.with_suffix("")
    plain.write_bytes(text)
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()
    if index:
        with contextlib.suppress(Exception):  # an unindexable damaged file is itself a case
            pysam.tabix_index(str(path), preset="vcf", force=True)
    return path


def named_cases(base: dict, work: Path, locus) -> list[Case]:
    from whimscreen.sequencing.simulate_inputs import SNV, vcf_text

    cases: list[Case] = []

    def new(fmt: str, name: str, files: dict[str, bytes], extra=()) -> None:
        d = work / f"named_{len(cases)}"
        d.mkdir()
        paths = []
        for fname, data in files.items():
            (d / fname).write_bytes(data)
            if not fname.endswith((".tbi", ".csi", ".bai", ".crai")):
                paths.append(d / fname)
        cases.append(Case(fmt, name, paths, list(extra)))

    ref, alt = locus.base(SNV), "A" if locus.base(SNV) != "A" else "G"
    good = f"chr2\t{SNV}\t.\t{ref}\t{alt}\t50\tPASS\tDB\tGT:AD:DP:GQ\t0/1:20,18:38:99"

    def rec(**kw) -> str:
        f = dict(
            zip(
                ("chrom", "pos", "id", "ref", "alt", "qual", "filter", "info", "fmt", "s"),
                good.split("\t"),
                strict=True,
            )
        )
        f.update(kw)
        return "\t".join(f.values())

    vcf_variants = {
        "POS abc": [rec(pos="abc")],
        "POS -5": [rec(pos="-5")],
        "POS 2^63": [rec(pos=str(2**63))],
        "100,000 INFO flags": [rec(info=";".join(f"F{i}" for i in range(100_000)))],
        "GT 0/x": [rec(s="0/x:20,18:38:99")],
        "GT 9/9": [rec(s="9/9:20,18:38:99")],
        "GT only '/'": [rec(s="/:20,18:38:99")],
        "AD not numbers": [rec(s="0/1:a,b:38:99")],
        "AD 2^40": [rec(s=f"0/1:{2**40},1:38:99")],
        "too few columns": ["\t".join(good.split("\t")[:6])],
        "empty FILTER id": [rec(filter=";q10")],
        "FILTER with a space": [rec(filter="bad filter")],
        "REF with IUPAC": [rec(ref="R")],
        "ALT equals REF": [rec(alt=ref)],
        "symbolic ALT": [rec(alt="<DEL>")],
        "END before POS (gVCF)": [rec(alt="<NON_REF>", info="END=5", s="0/0:20:38:99")],
        "END 2^63 (gVCF)": [rec(alt="<NON_REF>", info=f"END={2**63}", s="0/0:20:38:99")],
    }
    text = vcf_text(locus)
    for name, recs in vcf_variants.items():
        new("vcf", name, {"s.vcf": vcf_text(locus, recs).encode()})
    header_damage = {
        "no #CHROM line": "\n".join(ln for ln in text.splitlines() if not ln.startswith("#CHROM")) + "\n",
        "no ##contig lines": "\n".join(ln for ln in text.splitlines() if "##contig" not in ln) + "\n",
        "40-digit contig length": text.replace("length=242193529", "length=" + "9" * 40),
        "negative contig length": text.replace("length=242193529", "length=-5"),
        "no sample column": "\n".join(
            ln.rsplit("\t", 2)[0] if not ln.startswith("##") else ln for ln in text.splitlines()
        )
        + "\n",
        "only the fileformat line": "##fileformat=VCFv4.2\n",
    }
    for name, t in header_damage.items():
        new("vcf", name, {"s.vcf": t.encode()})
    raw = text.encode()
    new("vcf", "non-UTF-8 ALT", {"s.vcf": raw.replace(f"\t{alt}\t50".encode(), b"\t\xff\xfe\t50")})
    new("vcf", "non-UTF-8 sample name", {"s.vcf": raw.replace(b"FORMAT\tS", b"FORMAT\tS\xe9\xff")})
    new("vcf", "non-UTF-8 CHROM", {"s.vcf": raw.replace(b"\nchr2\t", b"\nch\xffr2\t")})
    new("vcf", "NUL bytes in a record", {"s.vcf": raw.replace(b"PASS\tDB", b"PA\x00SS\tDB")})
    # bgzipped VCF: index damage, truncation of the compressed stream
    gz = _bgzip(raw, work / "tmp_named.vcf.gz")
    gzdata, tbi = gz.read_bytes(), Path(str(gz) + ".tbi").read_bytes()
    new("vcf.gz", "empty .tbi", {"s.vcf.gz": gzdata, "s.vcf.gz.tbi": b""})
    new("vcf.gz", "garbage .tbi", {"s.vcf.gz": gzdata, "s.vcf.gz.tbi": b"\x1f\x8b" + bytes(range(200))})
    new("vcf.gz", "truncated .tbi", {"s.vcf.gz": gzdata, "s.vcf.gz.tbi": tbi[: len(tbi) // 2]})
    new("vcf.gz", "plain-gzip VCF (not BGZF), no index", {"s.vcf.gz": gzip.compress(raw)})
    new(
        "vcf.gz",
        "truncated .vcf.gz with index",
        {"s.vcf.gz": gzdata[: len(gzdata) // 2], "s.vcf.gz.tbi": tbi},
    )
    nochrom = header_damage["no #CHROM line"].encode()
    new(
        "vcf.gz",
        "no #CHROM (bgzip)",
        {"s.vcf.gz": _bgzip(nochrom, work / "tmp_nc.vcf.gz", False).read_bytes()},
    )
    bcf = base["bcf"][0].read_bytes()
    new("bcf", "truncated .bcf (half)", {"s.bcf": bcf[: len(bcf) // 2]})
    new("bcf", "garbage .csi", {"s.bcf": bcf, "s.bcf.csi": b"\x1f\x8b" + bytes(range(100))})
    # FASTQ
    fq = base["fastq"][0].read_bytes()
    first_head = fq.split(b"\n", 1)[0]
    new("fastq", "non-UTF-8 header", {"s.fastq": fq.replace(first_head, first_head + b"\xff\xfe", 1)})
    second = fq.split(b"\n")[4]
    new("fastq", "non-UTF-8 header (record 2)", {"s.fastq": fq.replace(second, second + b"\xe9", 1)})
    new("fastq", "CRLF line ends", {"s.fastq": fq.replace(b"\n", b"\r\n")})
    new("fastq", "no final newline", {"s.fastq": fq.rstrip(b"\n")})
    new("fastq", "NUL bytes", {"s.fastq": fq[:1000] + b"\x00" * 50 + fq[1050:]})
    r1, r2 = (p.read_bytes() for p in base["fastq pair"])
    r1p, r2p = gzip.decompress(r1), gzip.decompress(r2)
    h2 = r2p.split(b"\n", 1)[0]
    new(
        "fastq pair",
        "non-UTF-8 header in R2",
        {"a_R1.fastq": r1p, "a_R2.fastq": r2p.replace(h2, h2 + b"\xff", 1)},
    )
    new(
        "fastq pair",
        "R2 one record short",
        {"a_R1.fastq": r1p, "a_R2.fastq": b"\n".join(r2p.split(b"\n")[:-5]) + b"\n"},
    )
    new(
        "fastq pair",
        "corrupt gzip body (R1)",
        {"a_R1.fastq.gz": r1[:200] + bytes(200) + r1[400:], "a_R2.fastq.gz": r2},
    )
    # BAM: good header, damaged body
    bam = base["bam"][0]
    data, bai = bam.read_bytes(), Path(str(bam) + ".bai").read_bytes()
    hdr_end = _first_bgzf_block_end(data)
    body = bytearray(data)
    for k in range(hdr_end + 40, len(data) - 100, 997):
        body[k] ^= 0x5A
    new("bam", "good header, damaged body", {"s.bam": bytes(body), "s.bam.bai": bai})
    new("bam", "empty .bai", {"s.bam": data, "s.bam.bai": b""})
    new("bam", "garbage .bai", {"s.bam": data, "s.bam.bai": b"BAI\x01" + bytes(range(100))})
    new("bam", "header only", {"s.bam": data[:hdr_end] + _BGZF_EOF, "s.bam.bai": bai})
    # AB1
    ab1 = base["ab1"][0]
    for name, damage in _abif_cases(ab1).items():
        new("ab1", name, {"t.ab1": damage})
    # CRAM
    if "cram" in base:
        from whimscreen.sequencing.simulate_inputs import write_genome_fasta

        cram = base["cram"][0]
        genome = cram.parent / "genome.fa.gz"
        wrong = write_genome_fasta(
            locus,
            work / "wrong.fa.gz",
            sequence="ACGT" * (len(locus.sequence) // 4) + "A" * (len(locus.sequence) % 4),
        )
        files = {"s.cram": cram.read_bytes(), "s.cram.crai": Path(str(cram) + ".crai").read_bytes()}
        new(
            "cram", "reference with the right names, wrong sequence", files, ["--reference-fasta", str(wrong)]
        )
        new("cram", "nonexistent --reference-fasta", files, ["--reference-fasta", str(work / "nowhere.fa")])
        new("cram", "no --reference-fasta", files, [])
        new("cram", "reference is not a FASTA", files, ["--reference-fasta", str(cram)])
        del genome
    return cases


_BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def _first_bgzf_block_end(data: bytes) -> int:
    bsize = int.from_bytes(data[16:18], "little")
    return bsize + 1


def _abif_cases(path: Path) -> dict[str, bytes]:
    import numpy as np

    from whimscreen.sequencing.abif import read_trace
    from whimscreen.sequencing.simulate_trace import write_abif

    t = read_trace(path)
    base = {"channels": dict(t.channels), "bases": t.bases, "quality": t.quality, "peaks": t.peaks}
    tmp = path.parent / "tmp_case.ab1"

    def write(**kw) -> bytes:
        write_abif(tmp, base | kw)
        return tmp.read_bytes()

    rng = np.random.default_rng(1)
    scans = len(t.channels["A"])
    return {
        "decreasing peak locations": write(peaks=t.peaks[::-1].copy()),
        "all peaks at one scan": write(peaks=np.full_like(t.peaks, t.peaks[0])),
        "all four channels flat": write(channels={b: np.full(scans, 100.0) for b in "ACGT"}),
        "near-flat channels (noise only)": write(channels={b: 100 + rng.normal(0, 3, scans) for b in "ACGT"}),
        "all channels zero": write(channels={b: np.zeros(scans) for b in "ACGT"}),
        "one base call": write(bases=t.bases[:1], quality=t.quality[:1], peaks=t.peaks[:1]),
        "qualities all zero": write(quality=np.zeros_like(t.quality)),
    }


# -- running -----------------------------------------------------------------------------------------------
def run_case(case: Case, out: Path, src: Path, home: Path, timeout: int) -> tuple[str, str]:
    env = dict(os.environ, PYTHONPATH=str(src), WHIMSCREEN_HOME=str(home))
    cmd = [sys.executable, "-m", "whimscreen", "analyze", *map(str, case.files), "--sample", "D1",
           "--out", str(out), "--no-kb", *case.extra]  # fmt: skip
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "traceback/other", f"timeout after {timeout} s"
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    last = lines[-1] if lines else ""
    if p.returncode == 0:
        return "result", p.stdout.splitlines()[0] if p.stdout else ""
    if "Traceback" in p.stderr:
        return "traceback/other", last
    if p.returncode == 2 and len(lines) == 1 and last.startswith("error: "):
        return "clean error", last
    if p.returncode == 2 and last.startswith("error: "):
        return "noisy error", " | ".join(lines[:3])
    if p.returncode == 1 and len(lines) == 1 and "internal error" in last:
        return "internal", last
    return "traceback/other", f"exit {p.returncode}: {last}"


def table(rows: dict[str, Counter]) -> str:
    out = ["| format | inputs | " + " | ".join(OUTCOMES) + " |", "|---|---:|" + "---:|" * len(OUTCOMES)]
    total = Counter()
    for fmt, c in rows.items():
        total += c
        out.append(f"| {fmt} | {sum(c.values())} | " + " | ".join(str(c[o]) for o in OUTCOMES) + " |")
    out.append(f"| **all** | {sum(total.values())} | " + " | ".join(str(total[o]) for o in OUTCOMES) + " |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", type=Path, help="working directory (default: a temporary one, removed)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--flips", type=int, default=12, help="random bit-flip variants per format")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--cram", action="store_true", help="include CRAM (writes a 242-Mb-long genome FASTA)")
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the whimscreen source to test")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--table", type=Path, help="markdown file whose campaign table to rewrite")
    ap.add_argument("--formats", nargs="*", help="only these formats (default: all)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from whimscreen.reference.demo import demo_locus
    from whimscreen.sequencing.simulate_inputs import write_inputs

    work = args.work or Path(tempfile.mkdtemp(prefix="damaged-"))
    work.mkdir(parents=True, exist_ok=True)
    locus = demo_locus()
    base = write_inputs(locus, work / "base", cram=args.cram)
    rng = random.Random(args.seed)
    cases: list[Case] = []
    for fmt, files in base.items():
        cases += generic_cases(fmt, files, work, rng, args.flips)
    cases += named_cases(base, work, locus)
    fmts = [f for f in base if not args.formats or f in args.formats]
    cases = [c for c in cases if c.fmt in fmts]
    print(f"{len(cases)} damaged inputs in {work}", file=sys.stderr)

    def one(k_case):
        k, case = k_case
        return case, run_case(case, work / f"out_{k}", args.src, work / "home", args.timeout)

    rows: dict[str, Counter] = {f: Counter() for f in fmts}
    bad = []
    with ThreadPoolExecutor(args.jobs) as pool:
        for n, (case, (outcome, detail)) in enumerate(pool.map(one, enumerate(cases)), start=1):
            rows[case.fmt][outcome] += 1
            if outcome not in ("result", "clean error"):
                bad.append(f"{case.fmt:10} {case.name:40} {outcome}: {detail[:200]}")
            if n % 25 == 0:
                print(f"  {n}/{len(cases)}", file=sys.stderr)
    text = table(rows)
    print(text)
    print("\n".join(bad) or "every input: a result or one clean error")
    if args.table:
        doc = args.table.read_text()
        a, b = doc.index("<!-- campaign -->"), doc.index("<!-- /campaign -->")
        args.table.write_text(doc[: a + len("<!-- campaign -->")] + "\n" + text + "\n" + doc[b:])
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
