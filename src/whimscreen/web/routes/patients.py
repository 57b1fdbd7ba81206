"""Physician: patients, clinical data and counts, eligibility, consent, placing the order."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from whimscreen.program import consent, orders, patients, suggestions
from whimscreen.program.storage.models import Patient, User
from whimscreen.web.deps import DB, patient_scope, physician
from whimscreen.web.schemas import (
    ERRORS,
    MAX_ID,
    PAGE_SIZE,
    TOTAL,
    ClinicalUpdate,
    ConsentCreate,
    ConsentRecorded,
    CountCreate,
    EligibilityOut,
    Limit,
    Offset,
    OrderCreate,
    OrderOut,
    PatientCreate,
    PatientDetail,
    PatientOut,
    order_public,
    paged,
    patient_public,
)
from whimscreen.web.templating import render

api = APIRouter(prefix="/api/patients", tags=["patients"], responses=ERRORS)
pages = APIRouter(prefix="/patients", include_in_schema=False)


def _detail(db: Session, p: Patient) -> dict:
    c = p.clinical
    from sqlalchemy import select

    from whimscreen.program.storage.models import Order

    mine = db.scalars(select(Order).where(Order.patient_id == p.id).order_by(Order.id.desc()))
    agreed = consent.latest(db, p)
    return patient_public(p) | {
        "clinical": {k: getattr(c, k) for k in patients.CLINICAL_FIELDS} if c else None,
        "counts": [
            {"taken_on": x.taken_on.isoformat(), "anc": x.anc, "alc": x.alc, "monocytes": x.monocytes}
            for x in p.counts
        ],
        "eligibility": patients.eligibility(db, p).to_dict(),
        "consent": {
            "version": agreed.consent_version,
            "given_by": agreed.given_by,
            "consented_on": agreed.consented_on.isoformat(),
            "assent": agreed.assent,
            "assent_not_possible": agreed.assent_not_possible,
        }
        if agreed
        else None,
        "orders": [order_public(o, orders.waitlist_position(db, o)) for o in mine],
    }


@api.get("", response_model=list[PatientOut], responses=paged("patients"))
def list_patients(
    response: Response,
    limit: Limit = PAGE_SIZE,
    offset: Offset = 0,
    db: Session = DB,
    user: User = Depends(physician),
):
    """The physician's patients in the order recorded, one page at a time (X-Total-Count: the total)."""
    found, total = patients.mine_page(db, user, limit, offset)
    response.headers[TOTAL] = str(total)
    return [patient_public(p) for p in found]


@api.post("", status_code=201, response_model=PatientOut)
def create_patient(body: PatientCreate, db: Session = DB, user: User = Depends(physician)):
    p = patients.create(db, user, body.name, body.birth_date, body.sex, body.local_id, body.confirm_duplicate)
    return patient_public(p)


@api.get("/{patient_id}", response_model=PatientDetail)
def get_patient(db: Session = DB, p: Patient = Depends(patient_scope)):
    return _detail(db, p)


@api.put("/{patient_id}/clinical", response_model=PatientDetail)
def put_clinical(
    body: ClinicalUpdate, request: Request, db: Session = DB, p: Patient = Depends(patient_scope)
):
    patients.update_clinical(db, request.state.user, p, **body.model_dump())
    return _detail(db, p)


@api.post("/{patient_id}/counts", status_code=201, response_model=PatientDetail)
def add_count(body: CountCreate, request: Request, db: Session = DB, p: Patient = Depends(patient_scope)):
    patients.add_count(db, request.state.user, p, body.taken_on, body.anc, body.alc, body.monocytes)
    return _detail(db, p)


@api.get("/{patient_id}/eligibility", response_model=EligibilityOut)
def get_eligibility(db: Session = DB, p: Patient = Depends(patient_scope)):
    return patients.eligibility(db, p).to_dict()


@api.post("/{patient_id}/consent", status_code=201, response_model=ConsentRecorded)
def add_consent(body: ConsentCreate, request: Request, db: Session = DB, p: Patient = Depends(patient_scope)):
    c = consent.record(
        db,
        request.state.user,
        p,
        body.given_by,
        body.relationship,
        body.consented_on,
        body.version,
        body.assent,
        body.assent_not_possible,
    )
    return {"id": c.id, "version": c.consent_version, "given_by": c.given_by}


@api.post("/{patient_id}/orders", status_code=201, response_model=OrderOut)
def place_order(body: OrderCreate, request: Request, db: Session = DB, p: Patient = Depends(patient_scope)):
    o = orders.place(db, request.state.user, p, body.justification, body.suggestion_id)
    return order_public(o, orders.waitlist_position(db, o))


# -- pages ------------------------------------------------------------------------------------------------
def _tri(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _num(value: str) -> float | None:
    from whimscreen.program.errors import InvalidInput

    try:
        return float(value) if value.strip() else None
    except ValueError:
        raise InvalidInput(f"{value!r} is not a number") from None


@pages.get("")
def patients_page(request: Request, offset: Offset = 0, db: Session = DB, user: User = Depends(physician)):
    return render(request, "patients/list.html", _listing(db, user, offset))


def _listing(db: Session, user: User, offset: int = 0) -> dict:
    """The page's lists, a page each: patients from ``offset`` (in the order recorded), the newest orders."""
    found, total = patients.mine_page(db, user, PAGE_SIZE, offset)
    recent, orders_total, _ = orders.page(db, user, limit=PAGE_SIZE, load=("patient",))
    return {
        "patients": found,
        "orders": recent,
        "page": {"offset": offset, "size": PAGE_SIZE, "total": total, "orders_total": orders_total},
    }


@pages.post("")
def create_form(
    request: Request,
    name: str = Form(),
    birth_date: date = Form(),
    sex: str = Form(),
    local_id: str = Form(""),
    confirm_duplicate: str = Form(""),
    db: Session = DB,
    user: User = Depends(physician),
):
    try:
        p = patients.create(db, user, name, birth_date, sex, local_id or None, confirm_duplicate == "yes")
    except patients.PossibleDuplicate as dup:
        form = {"name": name, "birth_date": birth_date.isoformat(), "sex": sex, "local_id": local_id}
        return render(
            request,
            "patients/list.html",
            _listing(db, user) | {"duplicate": {"message": str(dup), "id": dup.existing_id, "form": form}},
            status_code=409,
        )
    return RedirectResponse(f"/patients/{p.id}", status_code=303)


@pages.get("/{patient_id}")
def patient_page(request: Request, db: Session = DB, p: Patient = Depends(patient_scope)):
    return render(
        request,
        "patients/detail.html",
        {
            "p": _detail(db, p),
            "consent_version": consent.CURRENT_VERSION,
            "consent_text": consent.text(),
            "relationships": consent.RELATIONSHIPS,
            "suggestions": [
                suggestions.public(s)
                for s in suggestions.for_physician(db, request.state.user, status="suggested")
            ],
        },
    )


@pages.post("/{patient_id}/clinical")
def clinical_form(
    request: Request,
    recurrent_infections: str = Form(""),
    infection_history: str = Form(""),
    warts: str = Form(""),
    myelokathexis: str = Form(""),
    family_history: str = Form(""),
    igg: str = Form(""),
    igg_lower_limit: str = Form(""),
    duffy_null: str = Form(""),
    db: Session = DB,
    p: Patient = Depends(patient_scope),
):
    patients.update_clinical(
        db,
        request.state.user,
        p,
        recurrent_infections=_tri(recurrent_infections),
        infection_history=infection_history or None,
        warts=_tri(warts),
        myelokathexis=_tri(myelokathexis),
        family_history=_tri(family_history),
        igg=_num(igg),
        igg_lower_limit=_num(igg_lower_limit),
        duffy_null=_tri(duffy_null),
    )
    return RedirectResponse(f"/patients/{p.id}#eligibility", status_code=303)


@pages.post("/{patient_id}/counts")
def count_form(
    request: Request,
    taken_on: date = Form(),
    anc: str = Form(""),
    alc: str = Form(""),
    monocytes: str = Form(""),
    db: Session = DB,
    p: Patient = Depends(patient_scope),
):
    patients.add_count(db, request.state.user, p, taken_on, _num(anc), _num(alc), _num(monocytes))
    return RedirectResponse(f"/patients/{p.id}#counts", status_code=303)


@pages.post("/{patient_id}/consent")
def consent_form(
    request: Request,
    given_by: str = Form(),
    relationship: str = Form(),
    consented_on: date = Form(),
    version: str = Form(),
    assent: str = Form(""),
    assent_not_possible: str = Form(""),
    db: Session = DB,
    p: Patient = Depends(patient_scope),
):
    consent.record(
        db, request.state.user, p, given_by, relationship, consented_on, version,
        assent == "yes" or None, assent_not_possible or None,
    )  # fmt: skip
    return RedirectResponse(f"/patients/{p.id}#consent", status_code=303)


@pages.post("/{patient_id}/orders")
def order_form(
    request: Request,
    justification: str = Form(""),
    suggestion_id: str = Form(""),
    db: Session = DB,
    p: Patient = Depends(patient_scope),
):
    sid = int(suggestion_id) if suggestion_id.isdigit() and 0 < int(suggestion_id) <= MAX_ID else None
    if suggestion_id and sid is None:
        from whimscreen.program.errors import InvalidInput

        raise InvalidInput(f"{suggestion_id!r} is not a suggestion number")
    o = orders.place(db, request.state.user, p, justification or None, sid)
    return RedirectResponse(f"/orders/{o.id}", status_code=303)
