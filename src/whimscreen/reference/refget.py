"""Refget sequence identifiers (``SQ.`` + sha512t24u), with nothing but the standard library: the genome
install streams a whole chromosome through them, and must not pay for importing the VRS stack."""

from __future__ import annotations

import base64
import hashlib


def refget_accession_from_digest(h: hashlib._Hash) -> str:
    """``SQ.`` + sha512t24u of a streamed SHA-512 (the truncated digest, URL-safe base64)."""
    return "SQ." + base64.urlsafe_b64encode(h.digest()[:24]).decode("ascii")


def refget_accession(sequence: str) -> str:
    """``SQ.`` + the refget digest of a whole sequence (upper-cased, as refget specifies)."""
    return refget_accession_from_digest(hashlib.sha512(sequence.upper().encode("ascii")))
