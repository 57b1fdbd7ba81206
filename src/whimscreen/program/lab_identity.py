"""The laboratory's identity and report settings, printed on every report.

Name, address, CLIA and CAP numbers and the directors with their credentials are required before a report
on a non-demo reference can be signed; the sponsor disclosure, report footer, confirmation policy and
the lab's own method wording are optional.  Stored as one JSON setting; every change is audited with
what it was before.  Set from the command line (``whimscreen lab set``) or the admin page.
"""

from __future__ import annotations

import json
import re

from sqlalchemy.orm import Session

from whimscreen.program import audit
from whimscreen.program.errors import InvalidInput
from whimscreen.program.storage.models import Setting, User
from whimscreen.program.users import require_role

KEY = "lab_identity"
REQUIRED = ("name", "address", "clia", "cap", "directors")
OPTIONAL = ("sponsor_disclosure", "footer", "confirmation_policy", "method_ngs", "method_sanger")
LABELS = {
    "name": "laboratory name",
    "address": "address",
    "clia": "CLIA number",
    "cap": "CAP number",
    "directors": "director with credentials",
}
#: a CLIA certificate number: two digits, the letter D, seven digits (CMS)
CLIA = re.compile(r"^\d{2}D\d{7}$")
CAP = re.compile(r"^\d{5,10}$")
DEFAULT_SPONSOR = (
    "This test is offered at no cost to the patient through a sponsored WHIM syndrome screening program. "
    "The sponsor receives de-identified program data only and has no role in the interpretation."
)


def current(db: Session) -> dict:
    """The stored identity (``{}`` when none); ``directors`` is a list, ``methods`` the lab's wording."""
    row = db.get(Setting, KEY)
    data = json.loads(row.value) if row else {}
    data.setdefault("sponsor_disclosure", DEFAULT_SPONSOR)
    data["methods"] = {"ngs": data.get("method_ngs"), "sanger": data.get("method_sanger")}
    return data


def missing(identity: dict) -> list[str]:
    return [LABELS[k] for k in REQUIRED if not identity.get(k)]


def split_director(text: str) -> tuple[str, str]:
    """'Ada Lovelace, MD, PhD' -> ('Ada Lovelace', 'MD, PhD'); refused without credentials."""
    name, _, credentials = (text or "").partition(",")
    if not name.strip() or not credentials.strip():
        raise InvalidInput(f"director {text!r}: write 'NAME, CREDENTIALS' (e.g. 'Ada Lovelace, MD, PhD')")
    return name.strip(), credentials.strip()


def credentials_of(identity: dict, name: str) -> str | None:
    """The credentials of the director called ``name`` (case-insensitive), None if not a listed director."""
    for entry in identity.get("directors") or []:
        who, creds = split_director(entry)
        if who.casefold() == (name or "").strip().casefold():
            return creds
    return None


def _clean(field: str, value) -> object:
    if field == "directors":
        items = [value] if isinstance(value, str) else list(value or [])
        items = [" ".join(str(x).split()) for x in items if str(x).strip()]
        if not items:
            raise InvalidInput("at least one laboratory director with credentials is required")
        for item in items:
            split_director(item)
        return items
    text = " ".join(str(value or "").split()) if field != "address" else str(value or "").strip()
    if field == "clia" and text and not CLIA.match(text):
        raise InvalidInput(f"CLIA number {text!r}: two digits, D, seven digits (e.g. 12D3456789)")
    if field == "cap" and text and not CAP.match(text):
        raise InvalidInput(f"CAP number {text!r}: 5 to 10 digits")
    if len(text) > 2000:
        raise InvalidInput(f"{field}: at most 2000 characters")
    return text


def set_identity(db: Session, actor: User | None, **fields) -> dict:
    """Change the given fields (None = keep); ``actor`` None is the command line (audited as such)."""
    if actor is not None:
        require_role(actor, "admin")
    unknown = set(fields) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        raise InvalidInput(f"unknown lab setting(s): {', '.join(sorted(unknown))}")
    row = db.get(Setting, KEY)
    before = json.loads(row.value) if row else {}
    after = dict(before)
    for field, value in fields.items():
        if value is not None:
            after[field] = _clean(field, value)
    gaps = [LABELS[k] for k in REQUIRED if k in fields and fields[k] is not None and not after.get(k)]
    if gaps:
        raise InvalidInput(f"the {', '.join(gaps)} cannot be empty")
    if row is None:
        db.add(Setting(key=KEY, value=json.dumps(after, sort_keys=True)))
    else:
        row.value = json.dumps(after, sort_keys=True)
    changed = sorted(k for k in after if after.get(k) != before.get(k))
    detail = json.dumps({"changed": changed, "before": {k: before.get(k) for k in changed}})
    audit.record(db, actor, "update", "lab_identity", KEY, None, detail=detail)
    return current(db)
