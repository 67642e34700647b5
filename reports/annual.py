"""Reads of annual reports for the pages: what a person may see of a
board's reports (partners: published ones only), a report's sections and
snapshots, and its latest build."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from board.models import Board, ReportingYear
from board.selectors import last_ended_year, year_choices
from reports.models import AnnualReport, ReportBuild, Section, Snapshot
from reviews.models import CaseReview
from reviews.selectors import record_of_decisions


def reports_for_board(*, board: Board, published_only: bool) -> QuerySet[AnnualReport]:
    """The board's reports, latest year first, each with its snapshots
    (newest version first): two queries whatever the number. Published only:
    those with a version published, even while a correction is drafted."""
    reports = AnnualReport.objects.filter(board=board).select_related("board", "year")
    if published_only:
        reports = reports.filter(published_at__isnull=False)
    return reports.prefetch_related(
        Prefetch(
            "snapshots",
            queryset=Snapshot.objects.select_related("report__board", "report__year").order_by(
                "-version"
            ),
        )
    ).order_by("-year__start")


def report_or_404(*, board: Board, year: str, published_only: bool = False) -> AnnualReport:
    reports = AnnualReport.objects.filter(board=board, year__label=year).select_related(
        "board", "year", "approved_by"
    )
    if published_only:
        reports = reports.filter(published_at__isnull=False)
    report = reports.first()
    if report is None:
        raise Http404("No such annual report.")
    return report


def section_or_404(*, report: AnnualReport, kind: str) -> Section:
    section = Section.objects.filter(report=report, kind=kind).select_related("report").first()
    if section is None:
        raise Http404("No such section.")
    section.report = report
    return section


def sections_for_report(*, report: AnnualReport) -> list[Section]:
    return list(Section.objects.filter(report=report).order_by("position"))


def snapshot_or_404(*, report: AnnualReport, version: int) -> Snapshot:
    snapshot = Snapshot.objects.filter(report=report, version=version).first()
    if snapshot is None:
        raise Http404("No such version.")
    snapshot.report = report
    return snapshot


def snapshots_of(*, report: AnnualReport) -> list[Snapshot]:
    """The report's published versions, newest first, each knowing its report."""
    found = list(Snapshot.objects.filter(report=report).order_by("-version"))
    for snapshot in found:
        snapshot.report = report
    return found


def latest_snapshot(*, report: AnnualReport) -> Snapshot | None:
    found = Snapshot.objects.filter(report=report).order_by("-version").first()
    if found is not None:
        found.report = report
    return found


def snapshot_reviews(*, snapshot: Snapshot) -> list[CaseReview]:
    """The case reviews a snapshot holds, as frozen with it (one query). A
    snapshot published before Assure kept them is taken to hold its year's
    record of decisions and actions as it stands now."""
    report = snapshot.report
    if snapshot.review_ids is None:
        return [r.review for r in record_of_decisions(board=report.board, year=report.year)]
    return list(CaseReview.objects.filter(pk__in=snapshot.review_ids).order_by("name"))


def latest_build(*, report: AnnualReport) -> ReportBuild | None:
    return ReportBuild.objects.filter(report=report).order_by("-created", "-id").first()


def build_or_404(*, report: AnnualReport, build_id: int) -> ReportBuild:
    build = (
        ReportBuild.objects.filter(report=report, pk=build_id).select_related("snapshot").first()
    )
    if build is None:
        raise Http404("No such build.")
    build.report = report
    if build.snapshot is not None:
        build.snapshot.report = report
    return build


def years_without_report(*, board: Board) -> list[ReportingYear]:
    """The years a new report may be for: every offered year without one."""
    taken = set(AnnualReport.objects.filter(board=board).values_list("year__label", flat=True))
    return [y for y in year_choices() if y.label not in taken]


def default_report_year(*, years: list[ReportingYear], today: datetime.date) -> str | None:
    """The year a new report's form proposes: the last year that has ended
    (in December 2026, 2025-26: the report a board writes then), when it has
    no report yet; otherwise none, and the form starts on its first year."""
    label = last_ended_year(day=today).label
    return label if any(y.label == label for y in years) else None


def published_snapshots(*, board: Board) -> list[dict[str, Any]]:
    """For the board's home page: each published report's latest version."""
    result = []
    for report in reports_for_board(board=board, published_only=True):
        snapshots = list(report.snapshots.all())
        if snapshots:
            result.append({"report": report, "snapshot": snapshots[0]})
    return result
