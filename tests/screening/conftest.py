"""A generated cohort shared by the screening tests: single-sample VCFs, a joint-called VCF, a BAM with a
heterozygous carrier, a CRAM with a mosaic carrier, a manifest and a corrupt file."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from whimscreen.screening import simulate_cohort as sc


@dataclass
class CohortFiles:
    root: Path
    args: list[str]  # the screen's inputs: a glob, paths, a manifest
    truth: dict[str, tuple[str, str]]  # sample -> (c. name, zygosity)
    genome: Path
    corrupt: Path


@pytest.fixture(scope="session")
def cohort(tmp_path_factory, locus) -> CohortFiles:
    root = tmp_path_factory.mktemp("cohort")
    files, single = sc.single_sample_vcfs(locus, root / "vcf", 60, 3, seed=11)
    joint = sc.joint_vcf(locus, root / "joint.vcf.gz", 300, 4, seed=12)
    genome = sc.write_genome(locus, root / "genome.fa.gz")
    bam, _ = sc.mosaic_alignments(locus, root / "bam", "c.1027G>A", 0.5, "B1", None)
    _, cram = sc.mosaic_alignments(locus, root / "cram", "c.1000C>T", 0.15, "C1", genome)
    for p in (root / "cram").glob("C1.bam*"):
        p.unlink()  # the mosaic carrier is only in the CRAM
    corrupt = sc.corrupt_copy(files[0], root / "broken.vcf.gz")
    manifest = root / "manifest.csv"
    manifest.write_text(f"sample,path,build\nBAM-PATIENT,{bam.relative_to(root)},GRCh38\n")
    truth = {s: (c, "heterozygous") for s, c in single.items()}
    first = True
    for s, c in joint.items():  # the first carrier of the joint VCF is homozygous (sc.joint_vcf)
        truth[s] = (c, "homozygous" if first else "heterozygous")
        first = False
    truth["BAM-PATIENT"] = ("c.1027G>A", "heterozygous")
    truth["C1"] = ("c.1000C>T", "mosaic")
    args = [
        str(root / "vcf" / "*.vcf.gz"),
        str(root / "joint.vcf.gz"),
        str(manifest),
        str(cram),
        str(corrupt),
    ]
    return CohortFiles(root, args, truth, genome, corrupt)
