"""Helpers for the annual report tests: a report on the `world` board with
data in every section Assure builds today."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from board.models import ReportingYear
from core.problems import raise_problems
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


#: Narrative the Working Together check does not read.
OTHER_WRITTEN = {
    SectionKind.INTRODUCTION: "This is the chair's **first** report to the partners.",
    SectionKind.CONTEXT: "About 60,000 children live in the area.",
    SectionKind.NEXT_YEAR: "Next year the board will audit *neglect* cases.",
}


def write_narrative(report: AnnualReport) -> None:
    """Every narrative section written: nothing stops approval."""
    for kind, text in {**WRITTEN, **OTHER_WRITTEN}.items():
        services.section_save(section=section(report, kind), body=text)


def leave_out_unwritten(
    report: AnnualReport, reason: str = "Not part of this year's report."
) -> None:
    """Every narrative section not written left out on purpose: the
    Working Together check still finds what is missing, and approval is
    not stopped by a section waiting to be written."""
    for waiting in services.unwritten(report):
        services.section_include(section=waiting, included=False, reason=reason)


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


def stored_snapshot(
    report: AnnualReport,
    *,
    version: int = 1,
    changes: str = "",
    review_ids: list[int] | None = None,
) -> Any:
    """A snapshot with small files of its own under MEDIA_ROOT, recorded
    without a build: for permission and download tests. `review_ids`: the
    case reviews it holds (a snapshot is never changed once made)."""
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
        review_ids=review_ids,
        **{f"{fmt}_path": path for fmt, (path, _) in stored.items()},
        **{f"{fmt}_sha256": sha for fmt, (_, sha) in stored.items()},
    )
    AnnualReport.objects.filter(pk=report.pk).update(
        status=AnnualReport.Status.PUBLISHED, published_at=timezone.now()
    )
    report.refresh_from_db()
    return snapshot


def tamper(snapshot: Any, fmt: str, data: bytes = b"altered after publication") -> None:
    """Change a stored file's bytes behind Assure's back, as someone with
    access to the storage might."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = snapshot.path(fmt)
    default_storage.delete(name)
    assert default_storage.save(name, ContentFile(data)) == name


def publish_without_rendering(report: AnnualReport, user: Any) -> Any:
    """Publish an approved report through the services as the build does,
    with small files in place of the rendered HTML and PDF (for tests about
    versions rather than about what the files look like)."""
    import uuid

    from reports import snapshots, versions
    from reports.models import ReportBuild, Snapshot
    from reports.sections import build_report

    # What report_publish queues, without sending it to the worker (which
    # browser tests, whose transactions commit, would run).
    raise_problems(services.report_publish_problems(report=report))
    build = ReportBuild.objects.create(
        report=report,
        purpose="correction" if report.is_correction else "publish",
        changes=report.correction_changes,
        requested_by=user,
    )
    built = build_report(report)
    changed = [c.as_dict() for c in versions.changes_since_published(report, built) or []]
    version = report.snapshots.count() + 1
    contents = {fmt: f"{fmt} of {report.title} v{version}".encode() for fmt in Snapshot.FORMATS}
    stored = snapshots.store(report, version, uuid.uuid4().int % 10**9, contents)
    snapshot = services.snapshot_record(
        build=build,
        files=stored,
        pages=1,
        sections=versions.frozen_sections(report, built),
        changed_sections=changed,
        reviews=built.reviews,
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
