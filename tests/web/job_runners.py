"""Picklable runners for the job-pool tests (a child process imports them by module name)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from whimscreen.program.analysis_runner import AnalysisRunner


@dataclass
class StuckFor:
    """Hangs on the sample ``stuck`` (a runaway analysis); analyses every other sample for real."""

    stuck: str
    home: Path

    def __call__(self, paths, sample_id, out, phenotype):
        if sample_id == self.stuck:
            time.sleep(3600)
        return AnalysisRunner(self.home)(paths, sample_id, out, phenotype)
