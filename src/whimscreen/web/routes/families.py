"""Families (issue 15): start a family from a positive proband's order, add relatives, order a
relative's familial variant test, parentage, the family page with its pedigree, PED / Phenopackets
exports, the family letter."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from whimscreen.interpretation.pedigree import segregation, to_phenopacket, write_ped
from whimscreen.program import access, families, family_evidence
from whimscreen.program.storage.models import Family, Order, User
from whimscreen.reporting.pedigree_svg import to_svg
from whimscreen.web.deps import DB, physician
from whimscreen.web.schemas import (
    ERRORS,
    MAX_ID,
    FamilyEvidence,
    FamilyOut,
    Id,
    OrderOut,
    Rejection,
    order_public,
)
from whimscreen.web.templating import render

api = APIRouter(prefix="/api", tags=["families"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)


class FamilyCreate(BaseModel):
    variant_key: str | None = Field(None, max_length=200, description="chr2:POS:REF:ALT when several")


class MemberCreate(BaseModel):
    relationship: Literal["parent", "child", "sibling", "half-sibling", "other"]
    display_name: str = Field(min_length=1, max_length=200)
    side: Literal["mother", "father"] | None = None
    sex: Literal["female", "male", "unknown"] = "unknown"
    birth_date: date | None = Field(None, description="records the relative as a patient, to be tested")
    affected: Literal["yes", "no", "unknown"] = "unknown"
    hpo: list[str] = Field(default_factory=list, max_length=50)
    deceased: bool = False
    patient_id: int | None = Field(None, ge=1, le=MAX_ID, description="link one of your patients")


class MemberUpdate(BaseModel):
    affected: Literal["yes", "no", "unknown"]
    hpo: list[str] = Field(default_factory=list, max_length=50)
    deceased: bool = False


class Parentage(BaseModel):
    confirmed: bool
    basis: str | None = Field(None, max_length=1000, description="how parentage was confirmed")


def own_order(order_id: Id, db: Session = DB, user: User = Depends(physician)) -> Order:
    return access.order_for(db, user, order_id)


def family_scope(family_id: Id, db: Session = DB, user: User = Depends(physician)) -> Family:
    return families.family_for(db, user, family_id)


def _home(request: Request):
    return request.app.state.home


def _detail(db: Session, f: Family, home=None) -> dict:
    results = families.member_results(db, f)
    order = db.get(Order, f.proband_order_id)
    members = []
    for m in f.members:
        r = results.get(m.id)
        members.append(
            {
                "id": m.id,
                "relationship": m.relationship,
                "side": m.side,
                "display_name": m.display_name,
                "sex": m.sex,
                "birth_year": m.birth_year,
                "affected": m.affected,
                "hpo": m.hpo.split(",") if m.hpo else [],
                "deceased": m.deceased,
                "patient_id": m.patient_id,
                "removed": m.removed_at is not None,
                "remove_reason": m.remove_reason,
                "order": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()}
                if r
                else None,
            }
        )
    return {
        "id": f.id,
        "proband_patient_id": f.proband_patient_id,
        "proband_order_id": f.proband_order_id,
        "variant": {"key": f.variant_key, "hgvs_c": f.variant_hgvs_c, "hgvs_p": f.variant_hgvs_p},
        "signed_class": f.signed_class,
        "current_class": family_evidence.current_class(db, f, home),
        "parentage": f.parentage,
        "parentage_basis": f.parentage_basis,
        "proband_evidence": {"de_novo": order.de_novo, "segregation_meioses": order.segregation_meioses or 0},
        "members": members,
    }


# -- API --------------------------------------------------------------------------------------------------
@api.post("/orders/{order_id}/family", status_code=201, response_model=FamilyOut)
def create_family(body: FamilyCreate, request: Request, db: Session = DB, o: Order = Depends(own_order)):
    """Start the family of a reported Positive proband (its physician); the familial variant is fixed."""
    family = families.create(db, request.state.user, o, _home(request), body.variant_key)
    return _detail(db, family, _home(request))


@api.get("/families/{family_id}", response_model=FamilyOut)
def get_family(request: Request, db: Session = DB, f: Family = Depends(family_scope)):
    return _detail(db, f, request.app.state.home)


@api.post("/families/{family_id}/members", status_code=201, response_model=FamilyOut)
def add_member(body: MemberCreate, request: Request, db: Session = DB, f: Family = Depends(family_scope)):
    families.add_member(db, request.state.user, f, **body.model_dump())
    family_evidence.update_case_evidence(db, request.state.user, f, _home(request))
    return _detail(db, f, request.app.state.home)


@api.put("/families/{family_id}/members/{member_id}", response_model=FamilyOut)
def update_member(
    member_id: Id, body: MemberUpdate, request: Request, db: Session = DB, f: Family = Depends(family_scope)
):
    m = families.member_for(db, request.state.user, f, member_id)
    families.update_member(db, request.state.user, f, m, body.affected, body.hpo, body.deceased)
    family_evidence.update_case_evidence(db, request.state.user, f, _home(request))
    return _detail(db, f, request.app.state.home)


@api.post("/families/{family_id}/members/{member_id}/remove", response_model=FamilyOut)
def remove_member(
    member_id: Id, body: Rejection, request: Request, db: Session = DB, f: Family = Depends(family_scope)
):
    m = families.member_for(db, request.state.user, f, member_id)
    families.remove_member(db, request.state.user, f, m, body.reason)
    family_evidence.update_case_evidence(db, request.state.user, f, _home(request))
    return _detail(db, f, request.app.state.home)


@api.post("/families/{family_id}/members/{member_id}/restore", response_model=FamilyOut)
def restore_member(member_id: Id, request: Request, db: Session = DB, f: Family = Depends(family_scope)):
    m = families.member_for(db, request.state.user, f, member_id)
    families.restore_member(db, request.state.user, f, m)
    family_evidence.update_case_evidence(db, request.state.user, f, _home(request))
    return _detail(db, f, request.app.state.home)


@api.post("/families/{family_id}/members/{member_id}/orders", status_code=201, response_model=OrderOut)
def order_relative(member_id: Id, request: Request, db: Session = DB, f: Family = Depends(family_scope)):
    """Order the known familial variant test for a relative recorded as a patient."""
    m = families.member_for(db, request.state.user, f, member_id)
    return order_public(families.order_relative(db, request.state.user, f, m))


@api.put("/families/{family_id}/parentage", response_model=FamilyOut)
def set_parentage(body: Parentage, request: Request, db: Session = DB, f: Family = Depends(family_scope)):
    family_evidence.set_parentage(db, request.state.user, f, body.confirmed, body.basis, _home(request))
    return _detail(db, f, request.app.state.home)


@api.get("/families/{family_id}/evidence", response_model=FamilyEvidence)
def evidence(db: Session = DB, f: Family = Depends(family_scope)):
    """What the family's signed results say: de novo status, informative meioses, notes."""
    ped, notes = family_evidence.pedigree(db, f)
    seg = segregation(ped)
    return family_evidence.de_novo_status(db, f) | {
        "meioses": 0 if seg.against else seg.meioses,
        "segregation_notes": list(seg.notes) + notes,
    }


# -- pages ------------------------------------------------------------------------------------------------
@pages.get("/families/{family_id}")
def family_page(request: Request, db: Session = DB, f: Family = Depends(family_scope)):
    ped, notes = family_evidence.pedigree(db, f)
    return render(
        request,
        "families/detail.html",
        {
            "f": _detail(db, f, request.app.state.home),
            "svg": to_svg(ped, f"Pedigree of family {f.id}"),
            "evidence": family_evidence.de_novo_status(db, f),
            "notes": notes,
            "relationships": families.RELATIONSHIPS,
        },
    )


@pages.get("/families/{family_id}/letter")
def family_letter(request: Request, db: Session = DB, f: Family = Depends(family_scope)):
    """A printable letter the physician hands to relatives: the variant, the 50% risk, how to be tested."""
    doctor = request.state.user
    return render(
        request,
        "families/letter.html",
        {
            "f": _detail(db, f, request.app.state.home),
            "doctor": {"name": doctor.name, "institution": doctor.institution or ""},
        },
    )


def _download(body: str, name: str, media: str) -> Response:
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@pages.get("/families/{family_id}/pedigree.ped")
def pedigree_ped(db: Session = DB, f: Family = Depends(family_scope)):
    ped, _ = family_evidence.pedigree(db, f)
    return _download(write_ped(ped), f"family-{f.id}.ped", "text/plain")


@pages.get("/families/{family_id}/pedigree.json")
def pedigree_phenopacket(db: Session = DB, f: Family = Depends(family_scope)):
    from google.protobuf.json_format import MessageToJson

    ped, _ = family_evidence.pedigree(db, f)
    return _download(MessageToJson(to_phenopacket(ped)), f"family-{f.id}-pedigree.json", "application/json")


@pages.post("/orders/{order_id}/family")
def create_family_form(request: Request, db: Session = DB, o: Order = Depends(own_order)):
    f = families.create(db, request.state.user, o, _home(request))
    return RedirectResponse(f"/families/{f.id}", status_code=303)


@pages.post("/families/{family_id}/members")
def add_member_form(
    request: Request,
    relationship: str = Form(),
    display_name: str = Form(),
    side: str = Form(""),
    sex: str = Form("unknown"),
    birth_date: str = Form(""),
    affected: str = Form("unknown"),
    hpo: str = Form(""),
    deceased: str = Form(""),
    db: Session = DB,
    f: Family = Depends(family_scope),
):
    from whimscreen.program.errors import InvalidInput

    try:
        born = date.fromisoformat(birth_date) if birth_date else None
    except ValueError:
        raise InvalidInput(f"birth date {birth_date!r} is not a date (YYYY-MM-DD)") from None
    families.add_member(
        db, request.state.user, f, relationship, display_name, side or None, sex, born, affected, hpo,
        deceased == "yes",
    )  # fmt: skip
    family_evidence.update_case_evidence(db, request.state.user, f, _home(request))
    return RedirectResponse(f"/families/{f.id}", status_code=303)


@pages.post("/families/{family_id}/members/{member_id}/edit")
def edit_member_form(
    member_id: Id,
    request: Request,
    affected: str = Form(),
    hpo: str = Form(""),
    deceased: str = Form(""),
    db: Session = DB,
    f: Family = Depends(family_scope),
):
    m = families.member_for(db, request.state.user, f, member_id)
    families.update_member(db, request.state.user, f, m, affected, hpo, deceased == "yes")
    family_evidence.update_case_evidence(db, request.state.user, f, _home(request))
    return RedirectResponse(f"/families/{f.id}", status_code=303)


@pages.post("/families/{family_id}/members/{member_id}/remove")
def remove_member_form(
    member_id: Id, request: Request, reason: str = Form(), db: Session = DB, f: Family = Depends(family_scope)
):
    m = families.member_for(db, request.state.user, f, member_id)
    families.remove_member(db, request.state.user, f, m, reason)
    family_evidence.update_case_evidence(db, request.state.user, f, _home(request))
    return RedirectResponse(f"/families/{f.id}", status_code=303)


@pages.post("/families/{family_id}/members/{member_id}/restore")
def restore_member_form(member_id: Id, request: Request, db: Session = DB, f: Family = Depends(family_scope)):
    m = families.member_for(db, request.state.user, f, member_id)
    families.restore_member(db, request.state.user, f, m)
    family_evidence.update_case_evidence(db, request.state.user, f, _home(request))
    return RedirectResponse(f"/families/{f.id}", status_code=303)


@pages.post("/families/{family_id}/members/{member_id}/orders")
def order_relative_form(member_id: Id, request: Request, db: Session = DB, f: Family = Depends(family_scope)):
    m = families.member_for(db, request.state.user, f, member_id)
    o = families.order_relative(db, request.state.user, f, m)
    return RedirectResponse(f"/orders/{o.id}", status_code=303)


@pages.post("/families/{family_id}/parentage")
def parentage_form(
    request: Request,
    confirmed: str = Form(""),
    basis: str = Form(""),
    db: Session = DB,
    f: Family = Depends(family_scope),
):
    family_evidence.set_parentage(db, request.state.user, f, confirmed == "yes", basis, _home(request))
    return RedirectResponse(f"/families/{f.id}", status_code=303)
