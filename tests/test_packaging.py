"""The built wheel carries the package data the code reads (reference facts, knowledge base, schema)."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_package_data(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("whimscreen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "whimscreen/reference/data/NM_003467.cds.candidate.fa",
        "whimscreen/reference/data/P61073.protein.fa",
        "whimscreen/reference/data/coordinates.GRCh38.tsv",
        "whimscreen/reference/data/clinvar_anchors.tsv",
        "whimscreen/reference/data/SOURCES.md",
        "whimscreen/interpretation/data/cxcr4_kb.tsv",
        "whimscreen/calling/analysis.schema.json",
        "whimscreen/calling/data/detection_limits.tsv",
    ):
        assert required in names, required
