"""Sanger (``.ab1``) analysis: trim, place, peaks, decompose heterozygous indels, call, combine reads.

Entry point ``analyze_traces`` (routed to by ``calling.pipeline.analyze_paths`` for ABIF input);
thresholds in docs/sanger-calling.md."""

from whimscreen.calling.sanger.sample import analyze_traces

__all__ = ["analyze_traces"]
