"""Suggestions to physicians from ``screen`` / ``case-find`` candidates: the coordinator imports a
candidates file and can withdraw an import; the physician sees theirs, declines (reason) or reopens, and
orders through the usual patient page (program/suggestions.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from whimscreen.program import suggestions
from whimscreen.program.storage.models import Suggestion, User
from whimscreen.web.deps import DB, coordinator, physician
from whimscreen.web.schemas import ERRORS, Id, Rejection
from whimscreen.web.schemas.suggestions import SuggestionImportOut, SuggestionOut, WithdrawnOut
from whimscreen.web.templating import render

api = APIRouter(prefix="/api", tags=["suggestions"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)


def suggestion_scope(suggestion_id: Id, db: Session = DB, user: User = Depends(physician)) -> Suggestion:
    return suggestions.mine(db, user, suggestion_id)


# -- coordinator ------------------------------------------------------------------------------------------
@api.post("/suggestion-imports", status_code=201, response_model=SuggestionImportOut)
def import_candidates(file: UploadFile, db: Session = DB, user: User = Depends(coordinator)):
    """Import a candidates.tsv of `screen` or `case-find` with a `physician_email` column added last."""
    batch = suggestions.import_file(db, user, file.file, file.filename or "candidates.tsv")
    return next(i for i in suggestions.imports(db, user) if i["id"] == batch.id)


@api.get("/suggestion-imports", response_model=list[SuggestionImportOut])
def list_imports(db: Session = DB, user: User = Depends(coordinator)):
    return suggestions.imports(db, user)


@api.post("/suggestion-imports/{import_id}/withdraw", response_model=WithdrawnOut)
def withdraw_import(import_id: Id, body: Rejection, db: Session = DB, user: User = Depends(coordinator)):
    """Undo an import: its suggestions not yet acted on are withdrawn, with the reason."""
    return {"withdrawn": suggestions.withdraw_import(db, user, import_id, body.reason)}


@pages.get("/coordinator/suggestions")
def imports_page(request: Request, db: Session = DB, user: User = Depends(coordinator)):
    return render(request, "coordinator/suggestions.html", {"imports": suggestions.imports(db, user)})


@pages.post("/coordinator/suggestions")
def import_form(file: UploadFile, db: Session = DB, user: User = Depends(coordinator)):
    suggestions.import_file(db, user, file.file, file.filename or "candidates.tsv")
    return RedirectResponse("/coordinator/suggestions", status_code=303)


@pages.post("/coordinator/suggestions/{import_id}/withdraw")
def withdraw_form(import_id: Id, reason: str = Form(""), db: Session = DB, user: User = Depends(coordinator)):
    suggestions.withdraw_import(db, user, import_id, reason)
    return RedirectResponse("/coordinator/suggestions", status_code=303)


# -- physician --------------------------------------------------------------------------------------------
@api.get("/suggestions", response_model=list[SuggestionOut])
def my_suggestions(db: Session = DB, user: User = Depends(physician)):
    return [suggestions.public(s) for s in suggestions.for_physician(db, user)]


@api.get("/suggestions/{suggestion_id}", response_model=SuggestionOut)
def get_suggestion(s: Suggestion = Depends(suggestion_scope)):
    return suggestions.public(s)


@api.post("/suggestions/{suggestion_id}/decline", response_model=SuggestionOut)
def decline(body: Rejection, request: Request, db: Session = DB, s: Suggestion = Depends(suggestion_scope)):
    return suggestions.public(suggestions.decline(db, request.state.user, s, body.reason))


@api.post("/suggestions/{suggestion_id}/reopen", response_model=SuggestionOut)
def reopen(request: Request, db: Session = DB, s: Suggestion = Depends(suggestion_scope)):
    """The way back from a decline made by mistake."""
    return suggestions.public(suggestions.reopen(db, request.state.user, s))


@pages.get("/suggestions")
def suggestions_page(request: Request, db: Session = DB, user: User = Depends(physician)):
    found = [suggestions.public(s) for s in suggestions.for_physician(db, user)]
    return render(request, "patients/suggestions.html", {"suggestions": found})


@pages.post("/suggestions/{suggestion_id}/decline")
def decline_form(
    request: Request, reason: str = Form(""), db: Session = DB, s: Suggestion = Depends(suggestion_scope)
):
    suggestions.decline(db, request.state.user, s, reason)
    return RedirectResponse("/suggestions", status_code=303)


@pages.post("/suggestions/{suggestion_id}/reopen")
def reopen_form(request: Request, db: Session = DB, s: Suggestion = Depends(suggestion_scope)):
    suggestions.reopen(db, request.state.user, s)
    return RedirectResponse("/suggestions", status_code=303)
