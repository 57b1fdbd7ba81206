"""whimscreen.reference: the CXCR4 locus, its transcripts, coordinate maps and HGVS naming.

Usable as a library; imports nothing from the web, storage or program layers.
"""

from __future__ import annotations

from pathlib import Path

from whimscreen.reference.locus import Locus, LocusProvider, ReferenceInfo


def provider(home: Path | None = None) -> LocusProvider:
    """The installed locus under ``home`` when one is there, else the demo locus."""
    from whimscreen.reference.demo import DemoLocusProvider
    from whimscreen.reference.install import InstalledLocusProvider

    if home is not None:
        installed = InstalledLocusProvider(Path(home))
        if installed.available():
            return installed
    return DemoLocusProvider()


def get_locus(home: Path | None = None) -> Locus:
    return provider(home).locus()


__all__ = ["Locus", "LocusProvider", "ReferenceInfo", "get_locus", "provider"]
