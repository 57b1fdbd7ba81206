"""NGS bench: recall/precision by variant type and allele-fraction band, wall time, peak memory, and the
same FASTQ through ``minimap2 | samtools sort | bcftools mpileup | bcftools call`` (peers, when installed).

Run through ``python bench/run.py`` (or ``python bench/ngs.py [--quick]``); writes docs/validation-ngs.md.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from whimscreen.calling.pipeline import analyze_paths  # noqa: E402
from whimscreen.reference.demo import demo_locus  # noqa: E402
from whimscreen.sequencing.simulate import amplicon_layout, capture_layout, random_truth, simulate  # noqa: E402

# (name, layout, depth parameter, allele fractions, number of variants)
SCENARIOS = [
    ("germline amplicon ~150x", "amplicon", 150, (0.5, 1.0), 16),
    ("germline capture ~150x", "capture", 260, (0.5, 1.0), 16),
    ("mosaic 5% amplicon ~600x", "amplicon", 600, (0.05,), 16),
    ("mosaic 10-20% amplicon ~600x", "amplicon", 600, (0.1, 0.2), 16),
]
SEEDS = (1, 2, 3)
BIG_PAIRS = 200_000


def _kind(v) -> str:
    return "SNV" if len(v.ref) == len(v.alt) else "indel"


def _band(af: float) -> str:
    return "hom" if af >= 1 else "het" if af >= 0.35 else f"{af:.0%}"


def score(truth, calls, tally):
    called = {(c.pos, c.ref, c.alt) for c in calls if c.passed}
    truth_keys = {(t.pos, t.ref, t.alt) for t in truth}
    for t in truth:
        row = tally.setdefault((_kind(t), _band(t.af)), [0, 0, 0])
        row[0] += 1
        row[1] += (t.pos, t.ref, t.alt) in called
    for c in calls:
        if c.passed and (c.pos, c.ref, c.alt) not in truth_keys:
            row = tally.setdefault((_kind(c), "false positive"), [0, 0, 0])
            row[2] += 1


def accuracy(locus, work: Path, quick: bool) -> list[str]:
    lines = [
        "| scenario | type | AF band | truth | found | recall | false positives |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, kind, depth, afs, n in SCENARIOS:
        tally: dict = {}
        depths = []
        for seed in SEEDS[: 1 if quick else None]:
            truth = random_truth(locus, n, seed=seed * 13, afs=afs)
            layout = amplicon_layout() if kind == "amplicon" else capture_layout()
            run = simulate(locus, truth, layout, depth, work / f"{kind}{depth}_{seed}", seed=seed)
            analysis = analyze_paths(list(run.fastq), "B", None, locus, primers=run.primers_bed)
            depths.append(analysis.qc.mean_depth)
            score(truth, analysis.calls, tally)
        mean = sum(depths) / len(depths)
        fp_total = sum(v[2] for v in tally.values())
        found_total = 0
        for (vtype, band), (t, f, _fp) in sorted(tally.items()):
            if band != "false positive":
                found_total += f
                lines.append(f"| {name} (mean {mean:.0f}x) | {vtype} | {band} | {t} | {f} | {f / t:.1%} | |")
        precision = found_total / (found_total + fp_total) if found_total + fp_total else 1.0
        lines.append(f"| {name} | all | precision {precision:.1%} | | | | {fp_total} |")
    return lines


def _peak_rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def speed(locus, work: Path, pairs: int) -> list[str]:
    layout = amplicon_layout()
    per_amplicon = pairs // len(layout.amplicons)
    truth = random_truth(locus, 12, seed=99, afs=(0.5, 1.0))
    t0 = time.perf_counter()
    run = simulate(locus, truth, layout, per_amplicon, work / "big", seed=42)
    sim_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    analyze_paths(list(run.fastq), "BIG", work / "out", locus, primers=run.primers_bed)
    ours = time.perf_counter() - t0
    ours_mem = _peak_rss_mb()
    lines = [
        f"FASTQ: {run.n_fragments} read pairs (2x150, amplicon), simulated in {sim_s:.0f} s.",
        "",
        "| pipeline | wall time (s) | peak RSS (MB) | ratio (peer / whimscreen) |",
        "|---|---|---|---|",
        f"| whimscreen analyze (FASTQ -> VCF + JSON) | {ours:.1f} | {ours_mem:.0f} | 1.00 |",
    ]
    peer = _peer(locus, run, work)
    if peer is None:
        lines.append("| minimap2/samtools/bcftools | not installed | | |")
    else:
        wall, mem = peer
        lines.append(
            f"| minimap2 -ax sr \\| samtools sort \\| bcftools mpileup -d 100000 \\| bcftools call -mv "
            f"| {wall:.1f} | {mem:.0f} | {wall / ours:.2f} |"
        )
    return lines


def _peer(locus, run, work: Path):
    if not all(shutil.which(t) for t in ("minimap2", "samtools", "bcftools")):
        return None
    ref = work / "locus.fa"
    ref.write_text(locus.fasta())
    subprocess.run(["samtools", "faidx", str(ref)], check=True)
    bam = work / "peer.bam"
    mem = work / "peer.mem"
    tm = f"/usr/bin/time -a -o {mem} -f %M " if Path("/usr/bin/time").exists() else ""
    t0 = time.perf_counter()
    script = (
        f"{tm}minimap2 -t 2 -ax sr {ref} {run.fastq[0]} {run.fastq[1]} 2>/dev/null | {tm}samtools sort -@1 "
        f"-o {bam} - 2>/dev/null && samtools index {bam} && {tm}bcftools mpileup -d 100000 -a AD,DP -f {ref} "
        f"{bam} 2>/dev/null | {tm}bcftools call -mv -Oz -o {work / 'peer.vcf.gz'} 2>/dev/null"
    )
    subprocess.run(["bash", "-o", "pipefail", "-c", script], check=True)
    wall = time.perf_counter() - t0
    peak = max((int(x) for x in mem.read_text().split()), default=0) / 1024 if tm else float("nan")
    return wall, peak  # peak RSS of the largest stage (stages run concurrently in the pipe)


def main(quick: bool = False) -> str:
    locus = demo_locus()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        acc = accuracy(locus, work, quick)
        acc_s = time.perf_counter() - t0
        spd = speed(locus, work, 20_000 if quick else BIG_PAIRS)
    doc = "\n".join(
        [
            "# NGS validation (bench/ngs.py)",
            "",
            "Generated by `python bench/run.py` on simulated reads (whimscreen.sequencing.simulate: quality decaying "
            "along the read, substitution errors at the stated quality, indel errors 10x more frequent in "
            "homopolymers) over the demo locus. Variants: a third SNVs, a third deletions and a third insertions "
            "(1-30 bp, half of the insertions duplications), spaced 60 bp apart in the reportable range. A variant "
            "is found when a PASS call has its exact left-normalized chr2:POS:REF:ALT; false positives are PASS "
            "calls not in the truth. Machine: "
            f"{os.cpu_count()} CPUs. {'Quick run (one seed). ' if quick else ''}Accuracy runs took {acc_s:.0f} s.",
            "",
            "## Recall and precision",
            "",
            *acc,
            "",
            "## Speed and memory",
            "",
            *spd,
            "",
            "Targets (issue 4): recall and precision >= 99.9% for SNVs and indels at >= 100x germline; >= 95% recall "
            "at 5% allele fraction with >= 500x; 200k read pairs FASTQ -> JSON faster than the bcftools pipeline.",
            "With 48 truth variants per germline scenario (3 seeds), one miss shows as 93-98% in its row: 99.9% "
            "is a claim about larger sets than this default run. Known miss (germline amplicon, seed 2): a "
            "homozygous 26-bp deletion running into the last amplicon's primer site (allele dropout by design "
            "of the simulated panel; a real panel would not amplify it either). whimscreen's peak RSS includes "
            "the Python process (hgvs, numpy); the peer's is the largest of its concurrently running stages.",
            "",
        ]
    )
    (ROOT / "docs" / "validation-ngs.md").write_text(doc)
    return doc


if __name__ == "__main__":
    print(main(quick="--quick" in sys.argv))
