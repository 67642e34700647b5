"""Helpers for the annual report tests: a report on the `world` board with
data in every section Assure builds today."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from board.models import ReportingYear
from priorities.models import Rating
from reports import services
from reports.models import AnnualReport, Section, SectionKind
from tests.factories import (
    AssessmentFactory,
    ContributionFactory,
    EvidenceTypeFactory,
)
from training.models import Mode, TrainingFigures

#: Narrative that satisfies the Working Together items a person writes.
WRITTEN = {
    SectionKind.EFFECTIVENESS: "The partners met **six** times and agreed the plan.",
    SectionKind.VOICE: "Children told us about their *experience* of help.",
    SectionKind.SCRUTINY: "The independent scrutineer reviewed the board's work.",
}


def year_2016() -> ReportingYear:
    return ReportingYear.for_start_year(2016)


def draft(world: Any, **kwargs: Any) -> AnnualReport:
    return services.report_create(board=world.board, year=year_2016(), **kwargs)


def section(report: AnnualReport, kind: str) -> Section:
    return report.sections.get(kind=kind)


def write_narrative(report: AnnualReport) -> None:
    for kind, text in WRITTEN.items():
        services.section_save(section=section(report, kind), body=text)


def complete_data(world: Any) -> None:
    """Budget lines, an impact rating resting on evidence, and the year's
    training: every checklist item Assure reads from data today."""
    year = year_2016()
    ContributionFactory(
        board=world.board, year=year, label="Luton Council", amount=Decimal("100000")
    )
    ContributionFactory(board=world.board, year=year, label="Police", amount=Decimal("25000.50"))
    evidence = EvidenceTypeFactory(slug="pi", name="PI")
    assessment = AssessmentFactory(
        action=world.action,
        assessed_on=datetime.date(2016, 10, 1),
        process=Rating.GREEN,
        impact=Rating.GREEN,
        evidence="Audit of 20 cases",
    )
    assessment.evidence_types.add(evidence)
    TrainingFigures.objects.create(
        board=world.board,
        year=year,
        mode=Mode.FACE_TO_FACE,
        courses_delivered=12,
        places_offered=300,
        delegates_attended=240,
    )


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    """A MEDIA_ROOT of the test's own: snapshot files outlive the database
    rollback between tests."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_snapshot(report: AnnualReport, *, version: int = 1, changes: str = "") -> Any:
    """A snapshot with small files of its own under MEDIA_ROOT, recorded
    without a build: for permission and download tests."""
    import uuid

    from django.utils import timezone

    from reports import snapshots
    from reports.models import Snapshot

    contents = {fmt: f"{fmt} of {report.title} v{version}".encode() for fmt in Snapshot.FORMATS}
    stored = snapshots.store(report, version, uuid.uuid4().int % 10**9, contents)
    snapshot = Snapshot.objects.create(
        report=report,
        version=version,
        changes=changes,
        **{f"{fmt}_path": path for fmt, (path, _) in stored.items()},
        **{f"{fmt}_sha256": sha for fmt, (_, sha) in stored.items()},
    )
    AnnualReport.objects.filter(pk=report.pk).update(
        status=AnnualReport.Status.PUBLISHED, published_at=timezone.now()
    )
    report.refresh_from_db()
    return snapshot


def png(width: int = 40, height: int = 20) -> bytes:
    """A small PNG in the report's blue: a chart as the tests' fake export
    draws it, without Chromium."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (29, 112, 184)).save(out, format="PNG")
    return out.getvalue()
