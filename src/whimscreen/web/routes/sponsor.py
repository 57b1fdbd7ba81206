"""The sponsor's view (coordinator role): yield, enrollment and turnaround charts, and the de-identified
export.  Aggregates with small cells suppressed; the export carries no direct identifier (audited)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from whimscreen.program import sponsor_charts, sponsor_export, sponsor_metrics, sponsor_parquet
from whimscreen.program.storage.models import User
from whimscreen.web.deps import DB, coordinator
from whimscreen.web.schemas import ERRORS, SponsorMetrics
from whimscreen.web.templating import render

api = APIRouter(prefix="/api/sponsor", tags=["sponsor"], responses=ERRORS)
pages = APIRouter(prefix="/sponsor", include_in_schema=False)


@api.get("/metrics", response_model=SponsorMetrics)
def metrics(db: Session = DB, user: User = Depends(coordinator)):
    return sponsor_metrics.metrics(db, user)


@api.get(
    "/export.csv",
    response_class=Response,
    responses={
        200: {
            "description": "the de-identified export",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def export_csv(request: Request, db: Session = DB, user: User = Depends(coordinator)):
    body = sponsor_export.export_csv(db, user, request.app.state.secret)
    headers = {"Content-Disposition": 'attachment; filename="whimscreen-deidentified.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


@api.get(
    "/export.parquet",
    response_class=Response,
    responses={
        200: {
            "description": "the de-identified export, typed (Apache Parquet)",
            "content": {"application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def export_parquet(request: Request, db: Session = DB, user: User = Depends(coordinator)):
    body = sponsor_parquet.export_parquet(db, user, request.app.state.secret)
    headers = {"Content-Disposition": 'attachment; filename="whimscreen-deidentified.parquet"'}
    return Response(body, media_type="application/vnd.apache.parquet", headers=headers)


@api.get(
    "/phenopackets.json",
    response_class=Response,
    responses={
        200: {
            "description": "de-identified GA4GH Phenopackets (a download)",
            "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}},
        }
    },
)
def export_phenopackets(request: Request, db: Session = DB, user: User = Depends(coordinator)):
    body = sponsor_export.export_phenopackets(db, user, request.app.state.secret)
    headers = {"Content-Disposition": 'attachment; filename="whimscreen-phenopackets.json"'}
    return Response(body, media_type="application/json", headers=headers)


@pages.get("")
def sponsor_page(request: Request, db: Session = DB, user: User = Depends(coordinator)):
    m = sponsor_metrics.metrics(db, user)
    charts = {
        "enrollment": sponsor_charts.enrollment_chart(m["enrollment"], m["capacity"]),
        "criteria": sponsor_charts.yield_bars(m["yield_by_criterion"]),
        "funnels": {
            label: sponsor_charts.funnel_bars(m["funnels"][key], sponsor_metrics.FUNNEL_STEPS)
            for key, label in (
                ("screening", "Screening (cohorts)"),
                ("case_finding", "Case finding (labs)"),
            )
        },
        "width": sponsor_charts.WIDTH,
        "height": sponsor_charts.HEIGHT,
    }
    return render(request, "sponsor/view.html", {"m": m, "charts": charts})
