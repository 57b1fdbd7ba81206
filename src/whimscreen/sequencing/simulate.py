"""A read simulator for tests and benchmarks: amplicon or capture panels over the CXCR4 locus.

``simulate(locus, truth, layout, depth, out_prefix, ...)`` draws fragments from haplotypes carrying the
truth variants (each fragment carries each variant with probability equal to its allele fraction: 0.5
het, 1.0 hom, anything else mosaic), reads them as single or paired reads with a quality profile that
decays along the read, adds substitution errors at the rate the quality says and indel errors (more in
homopolymers), and writes FASTQ (gzip when the name ends ``.gz``), a truth VCF and, for amplicons, a
primer BED.  Deterministic for a seed.
"""

from __future__ import annotations

import gzip
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from whimscreen.reference.locus import Locus
from whimscreen.reference.reportable import reportable_range
from whimscreen.reference.sequence import revcomp
from whimscreen.reference.variant import Edit, GenomicVariant, edit_from_vcf, normalize, shift

_COMP = str.maketrans("ACGTN", "TGCAN")


@dataclass(frozen=True)
class TruthVariant:
    pos: int  # GRCh38, VCF-style
    ref: str
    alt: str
    af: float = 0.5  # fraction of fragments carrying it

    @property
    def genotype(self) -> str:
        return "1/1" if self.af >= 1.0 else "0/1"


@dataclass(frozen=True)
class Layout:
    """``amplicons``: GRCh38 (start, end) inclusive, each read whole; ``targets``: capture regions."""

    kind: str  # "amplicon" or "capture"
    amplicons: tuple[tuple[int, int], ...] = ()
    targets: tuple[tuple[int, int], ...] = ()
    primer_length: int = 20
    weights: tuple[float, ...] = ()  # relative yield per amplicon (0 = dropout)

    def primers(self) -> list[tuple[int, int]]:
        """GRCh38 inclusive intervals of every primer (both ends of every amplicon)."""
        out = []
        for a, b in self.amplicons:
            out += [(a, a + self.primer_length - 1), (b - self.primer_length + 1, b)]
        return out


def amplicon_layout(
    length: int = 220,
    primer: int = 20,
    overlap: int = 50,
    dropout: tuple[int, ...] = (),
    margin: int = 20,
) -> Layout:
    """Amplicons tiling the reportable range so every reportable base lies inside some insert, the
    inserts overlapping by ``overlap`` bases and reaching ``margin`` bases beyond each reportable interval.

    The default design (220-bp amplicons for 2x150 reads) lets a read of every reportable base read a
    30-bp insertion through with anchors on both sides (``calling.qc.insertion_reach``); longer amplicons
    (e.g. 280 bp) leave the middle of each amplicon unassessable for long insertions, which QC reports."""
    amplicons: list[tuple[int, int]] = []
    insert = length - 2 * primer
    for iv in reportable_range():
        a = iv.start - margin
        while True:
            amplicons.append((a - primer, a - primer + length - 1))
            if a + insert - 1 >= iv.end + margin:
                break
            a += insert - overlap
    weights = tuple(0.0 if i in dropout else 1.0 for i in range(len(amplicons)))
    return Layout("amplicon", tuple(amplicons), primer_length=primer, weights=weights)


def capture_layout(pad: int = 100) -> Layout:
    return Layout("capture", targets=tuple((iv.start - pad, iv.end + pad) for iv in reportable_range()))


@dataclass
class _Haplotypes:
    """Altered copies of the locus, one per set of variants a fragment carries (built on demand)."""

    locus: Locus
    edits: list[Edit]
    cache: dict = field(default_factory=dict)

    def get(self, chosen: frozenset) -> tuple[str, np.ndarray]:
        if chosen not in self.cache:
            seq, coord, last = [], [], 0
            for i in sorted(chosen, key=lambda k: self.edits[k].start):
                e = self.edits[i]
                seq.append(self.locus.sequence[last : e.start])
                coord += range(last, e.start)
                seq.append(e.inserted)
                coord += [e.start] * len(e.inserted)
                last = e.end
            seq.append(self.locus.sequence[last:])
            coord += range(last, len(self.locus.sequence))
            self.cache[chosen] = ("".join(seq), np.asarray(coord + [len(self.locus.sequence)]))
        return self.cache[chosen]


@dataclass(frozen=True)
class ErrorModel:
    q_start: float = 37.0  # mean quality at the first base
    q_end: float = 24.0  # mean quality at the last base (quadratic decay)
    q_sd: float = 4.0
    indel_rate: float = 2e-5  # per base, outside homopolymers
    homopolymer_factor: float = 10.0  # multiplier inside runs of >= 4 identical bases

    def qualities(self, rng: np.random.Generator, n: int) -> np.ndarray:
        x = np.arange(n) / max(n - 1, 1)
        mean = self.q_start - (self.q_start - self.q_end) * x**2
        return np.clip(np.rint(rng.normal(mean, self.q_sd)), 2, 41).astype(np.int64)


def _homopolymer_mask(codes: np.ndarray) -> np.ndarray:
    """True at bases inside runs of >= 4 identical bases."""
    change = np.empty(len(codes), bool)
    change[:1] = True
    change[1:] = codes[1:] != codes[:-1]
    run = np.cumsum(change) - 1
    return np.bincount(run)[run] >= 4


def _read(template: str, rng: np.random.Generator, model: ErrorModel, length: int) -> tuple[str, str]:
    """Read the first ``length`` bases of ``template`` with errors; returns (sequence, qualities)."""
    window = template[: length + 16]  # indel errors can pull in a few more template bases
    codes = np.frombuffer(window.encode(), np.uint8)
    rate = model.indel_rate * np.where(_homopolymer_mask(codes), model.homopolymer_factor, 1.0)
    u = rng.random(len(codes))
    events = np.nonzero(u < rate)[0]
    if len(events) == 0:
        out = bytearray(codes[:length].tobytes())
    else:
        out, last = bytearray(), 0
        for i in events:
            out += codes[last:i].tobytes()
            if u[i] >= rate[i] / 2:  # insertion error: a random extra base before the template base
                out += b"ACGT"[rng.integers(4)].to_bytes(1, "big") + codes[i : i + 1].tobytes()
            last = i + 1  # (a deletion error skips the template base)
        out += codes[last:].tobytes()
        del out[length:]
    n = len(out)
    qual = model.qualities(rng, n)
    for j in np.nonzero(rng.random(n) < 10 ** (-qual / 10))[0]:
        b = chr(out[j])
        out[j] = ord("ACGT".replace(b, "")[rng.integers(3)] if b in "ACGT" else "A")
    return out.decode(), (qual + 33).astype(np.uint8).tobytes().decode()


def _fragments(locus: Locus, layout: Layout, depth: int, read_length: int, rng: random.Random):
    """Yield (start0, end0) locus-index fragments (end exclusive) on the reference."""
    if layout.kind == "amplicon":
        weights = layout.weights or tuple(1.0 for _ in layout.amplicons)
        for (a, b), w in zip(layout.amplicons, weights, strict=True):
            for _ in range(round(depth * w)):
                yield a - locus.start, b - locus.start + 1
        return
    span = sum(b - a + 1 for a, b in layout.targets)
    n = round(depth * span / (2 * read_length))
    for _ in range(n):
        a, b = rng.choice(layout.targets)
        centre = rng.randint(a, b) - locus.start
        size = max(read_length, int(rng.gauss(320, 50)))
        start = min(max(centre - size // 2, 0), len(locus.sequence) - size)
        yield start, start + size


@dataclass(frozen=True)
class SimulatedRun:
    fastq: tuple[Path, ...]
    truth_vcf: Path
    primers_bed: Path | None
    n_fragments: int
    dropped_fragments: int = 0  # amplicon fragments lost because a variant altered a primer site


def simulate(
    locus: Locus,
    truth: list[TruthVariant],
    layout: Layout,
    depth: int,
    out_prefix: Path,
    read_length: int = 150,
    paired: bool = True,
    seed: int = 1,
    model: ErrorModel | None = None,
    gz: bool = True,
) -> SimulatedRun:
    """``depth``: read pairs per amplicon, or mean fragment coverage over capture targets."""
    model = model or ErrorModel()
    rng, nrng = random.Random(seed), np.random.default_rng(seed)
    truth = [TruthVariant(n.pos, n.ref, n.alt, t.af) for t in truth for n in [normalize(locus, _gv(t))]]
    edits = [edit_from_vcf(locus, t.pos, t.ref, t.alt) for t in truth]
    haps = _Haplotypes(locus, edits)
    placements = [(e, shift(locus, e, "right")) for e in edits]
    out_prefix = Path(out_prefix)
    suffix = ".fastq.gz" if gz else ".fastq"
    paths = [Path(f"{out_prefix}_R1{suffix}")] + ([Path(f"{out_prefix}_R2{suffix}")] if paired else [])
    opener = gzip.open if gz else open
    handles = [opener(p, "wt") for p in paths]
    n = dropped = 0
    try:
        for start, end in _fragments(locus, layout, depth, read_length, rng):
            chosen = frozenset(i for i, t in enumerate(truth) if rng.random() < t.af)
            if layout.kind == "amplicon" and _primer_site_altered(placements, chosen, start, end, layout):
                dropped += 1  # a primer cannot bind where the template differs from it: allele dropout
                continue
            seq, coord = haps.get(chosen)
            lo, hi = int(np.searchsorted(coord, start)), int(np.searchsorted(coord, end))
            frag = seq[lo:hi]
            if rng.random() < 0.5:
                frag = revcomp(frag)
            reads = [frag] + ([revcomp(frag)] if paired else [])
            for h, template in zip(handles, reads, strict=True):
                s, q = _read(template, nrng, model, read_length)
                h.write(f"@sim{n}\n{s}\n+\n{q}\n")
            n += 1
    finally:
        for h in handles:
            h.close()
    truth_vcf = write_truth_vcf(truth, Path(f"{out_prefix}.truth.vcf"))
    bed = None
    if layout.kind == "amplicon":
        bed = Path(f"{out_prefix}.primers.bed")
        rows = [
            f"chr2\t{a - 1}\t{b}\tamplicon{k // 2 + 1}_{'LR'[k % 2]}\t0\t{'+-'[k % 2]}\n"
            for k, (a, b) in enumerate(layout.primers())
        ]
        bed.write_text("".join(rows))
    return SimulatedRun(tuple(paths), truth_vcf, bed, n, dropped)


def _primer_site_altered(placements: list, chosen: frozenset, start: int, end: int, layout: Layout) -> bool:
    """Does a chosen variant change either primer site of the amplicon [start, end) (locus indices)?  An
    indel in a repeat changes it only if every equivalent placement (left- and right-shifted) touches it:
    otherwise the template still carries the primer's sequence there."""
    p = layout.primer_length

    def touches(e: Edit, a: int, b: int) -> bool:
        return (e.deleted and e.start < b and e.end > a) or (not e.deleted and a < e.start < b)

    for i in chosen:
        for a, b in ((start, start + p), (end - p, end)):
            if all(touches(e, a, b) for e in placements[i]):
                return True
    return False


def _gv(t: TruthVariant) -> GenomicVariant:
    return GenomicVariant(t.pos, t.ref, t.alt)


def write_truth_vcf(truth: list[TruthVariant], path: Path) -> Path:
    lines = [
        "##fileformat=VCFv4.3",
        "##contig=<ID=chr2,length=242193529,assembly=GRCh38>",
        '##INFO=<ID=AF,Number=A,Type=Float,Description="Simulated allele fraction">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTRUTH",
    ]
    for t in sorted(truth, key=lambda t: t.pos):
        lines.append(f"chr2\t{t.pos}\t.\t{t.ref}\t{t.alt}\t.\tPASS\tAF={t.af:g}\tGT\t{t.genotype}")
    path.write_text("\n".join(lines) + "\n")
    return path


def read_truth_vcf(path: Path) -> list[TruthVariant]:
    out = []
    for line in Path(path).read_text().splitlines():
        if line.startswith("#"):
            continue
        f = line.split("\t")
        out.append(TruthVariant(int(f[1]), f[3], f[4], float(f[7].split("=")[1])))
    return out


def random_truth(
    locus: Locus,
    n: int,
    seed: int = 7,
    afs: tuple[float, ...] = (0.5, 1.0),
    spacing: int = 60,
    max_indel: int = 30,
    avoid: list[tuple[int, int]] = (),
    flank: int = 0,
    kinds: str = "SDI",
) -> list[TruthVariant]:
    """``n`` random variants in the reportable range, spaced ``spacing`` apart, their kinds cycling through
    ``kinds`` (S SNV, D deletion, I insertion, half of the insertions duplications of the following bases,
    i.e. repeats; by default a third of each), indels 1..``max_indel`` bp, allele fractions cycling through
    ``afs``.  Positions lie in the reportable range
    widened by ``flank`` bases, none within ``max_indel`` + 1 bases of an ``avoid`` interval (GRCh38
    inclusive, e.g. ``Layout.primers()``: a variant under a primer drops its amplicon out)."""
    if n <= 0:
        return []
    if not kinds or set(kinds) - set("SDI"):
        raise ValueError(f"kinds must be letters S, D, I: {kinds!r}")
    rng = random.Random(seed)
    positions = [
        p
        for iv in reportable_range()
        for p in range(iv.start + 5 - flank, iv.end - 5 + flank)
        if not any(a - max_indel - 1 <= p <= b + 1 for a, b in avoid)
    ]
    chosen: list[int] = []
    for p in rng.sample(positions, len(positions)):
        if all(abs(p - q) >= spacing for q in chosen):
            chosen.append(p)
        if len(chosen) == n:
            break
    out = []
    for i, p in enumerate(sorted(chosen)):
        kind, af, size = kinds[i % len(kinds)], afs[i % len(afs)], rng.randint(1, max_indel)
        ref = locus.base(p)
        if kind == "S":
            v = GenomicVariant(p, ref, rng.choice("ACGT".replace(ref, "")))
        elif kind == "D":
            v = GenomicVariant(p, locus.fetch(p, p + size), ref)
        elif rng.random() < 0.5:
            v = GenomicVariant(p, ref, ref + locus.fetch(p + 1, p + size))  # duplication
        else:
            v = GenomicVariant(p, ref, ref + "".join(rng.choice("ACGT") for _ in range(size)))
        nv = normalize(locus, v)
        out.append(TruthVariant(nv.pos, nv.ref, nv.alt, af))
    return out


def write_bam(
    locus: Locus,
    fastq: tuple[Path, ...],
    path: Path,
    build: str = "GRCh38",
    contig: str = "chr2",
    duplicate_every: int = 0,
) -> Path:
    """Align simulated FASTQ to the locus and write a sorted, indexed BAM whose header looks like a whole
    genome on ``build`` (chr2 of its real length, named ``contig``); every ``duplicate_every``-th read is
    flagged duplicate (for tests of the duplicate filter)."""
    import pysam

    from whimscreen.reference.install import CHR2_LENGTH
    from whimscreen.sequencing.align import align_records
    from whimscreen.sequencing.fastq import read_pairs

    offset = locus.to_build(locus.start, build) - 1
    header = {
        "HD": {"VN": "1.6", "SO": "coordinate"},
        "SQ": [{"SN": "1", "LN": 248_956_422}, {"SN": contig, "LN": CHR2_LENGTH[build]}],
    }
    unsorted = Path(str(path) + ".unsorted.bam")
    with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:
        pairs = read_pairs(fastq[0], fastq[1] if len(fastq) > 1 else None)
        for n, (read, _lo, _hi) in enumerate(align_records(locus, pairs)):
            seg = pysam.AlignedSegment(out.header)
            seg.query_name = f"r{n // 2 if read.mate else n}"
            seg.query_sequence = read.seq
            seg.query_qualities = pysam.qualitystring_to_array("".join(chr(q + 33) for q in read.qual))
            seg.reference_id, seg.reference_start = 1, read.ref0 + offset
            seg.cigartuples = read.cigar
            seg.mapping_quality = read.mapq
            flag = 0x10 if read.reverse else 0
            if read.mate:
                flag |= 0x1 | (0x40 if read.mate == 1 else 0x80)
            if duplicate_every and n % duplicate_every == 0:
                flag |= 0x400
            seg.flag = flag
            out.write(seg)
    pysam.sort("-o", str(path), str(unsorted))
    unsorted.unlink()
    pysam.index(str(path))
    return Path(path)
