"""Every write to annual reports: keyword-only, typed, one transaction each.
Each rule lives in a `*_problems` function beside its write, so the pages,
the admin and any later import refuse the same things.

The life of a report: draft -> approved -> published. Editing an approved
report's content sends it back to draft (what was approved is no longer what
would be published). Publishing and correcting enqueue a background build
(reports.tasks); the build, not the request, freezes the snapshot and marks
the report published, so a failed build leaves the report as it was.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from board.models import Board, ReportingYear
from board.rules import is_business_manager, is_chair, on_board
from core.problems import Problems, add_problem, raise_problems
from reports import narrative
from reports.checklist import checklist, missing
from reports.models import AnnualReport, ReportBuild, Section, SectionKind, Snapshot

#: Sent to the national Panel and the What Works centre within this many days.
SEND_WITHIN_DAYS = 7


def _locked(report: AnnualReport) -> AnnualReport:
    """Lock the report's row for this transaction and read it afresh into
    the caller's own object, so the caller sees what was written."""
    AnnualReport.objects.select_for_update().filter(pk=report.pk).first()
    report.refresh_from_db()
    return report


# Creating and settings ---------------------------------------------------------------------


def report_create_problems(*, board: Board, year: ReportingYear, approver: str) -> Problems:
    problems: Problems = {}
    if approver not in AnnualReport.Approver.values:
        add_problem(problems, "approver", "Choose who approves the report from the list.")
    if AnnualReport.objects.filter(board=board, year__label=year.label).exists():
        add_problem(problems, "year", f"This board already has an annual report for {year.label}.")
    return problems


@transaction.atomic
def report_create(
    *, board: Board, year: ReportingYear, approver: str = AnnualReport.Approver.CHAIR
) -> AnnualReport:
    """A draft report with every section in the usual order, all included;
    pages and builds show those Assure can offer (sections.available_kinds)."""
    raise_problems(report_create_problems(board=board, year=year, approver=approver))
    saved_year = ReportingYear.for_start_year(year.start.year)
    report = AnnualReport.objects.create(
        board=board,
        year=saved_year,
        approver=approver,
        title=f"{board.name} annual report {saved_year.label}",
    )
    # Every kind, offered or not yet: a section whose app provides its data
    # later appears in its place without anyone adding it.
    Section.objects.bulk_create(
        Section(report=report, kind=kind, position=i)
        for i, kind in enumerate(SectionKind.values, 1)
    )
    return report


def report_update_problems(*, report: AnnualReport, title: str, approver: str) -> Problems:
    problems: Problems = {}
    if not title.strip():
        add_problem(problems, "title", "Enter the report's title.")
    elif len(title.strip()) > 200:
        add_problem(problems, "title", "The title must be 200 characters or fewer.")
    if approver not in AnnualReport.Approver.values:
        add_problem(problems, "approver", "Choose who approves the report from the list.")
    if report.status != AnnualReport.Status.DRAFT and approver != report.approver:
        add_problem(
            problems, "approver", "Who approves can change only while the report is a draft."
        )
    return problems


@transaction.atomic
def report_update(*, report: AnnualReport, title: str, approver: str) -> AnnualReport:
    report = _locked(report)
    raise_problems(report_update_problems(report=report, title=title, approver=approver))
    report.title = title.strip()
    report.approver = approver
    report.save(update_fields=["title", "approver", "updated"])
    return report


def _back_to_draft(report: AnnualReport) -> None:
    """What was approved is no longer what would be published. A conditional
    update, never a save of the object in hand: that object may be stale (a
    build may have published the report since it was read), and saving it
    would undo the publication."""
    changed = AnnualReport.objects.filter(pk=report.pk, status=AnnualReport.Status.APPROVED).update(
        status=AnnualReport.Status.DRAFT,
        approved_by=None,
        approved_at=None,
        approval_reason="",
        missing_at_approval=[],
        updated=timezone.now(),
    )
    if changed:
        report.refresh_from_db()


# Sections ----------------------------------------------------------------------------------


def section_save_problems(*, section: Section, body: str) -> Problems:
    problems: Problems = {}
    if not section.is_narrative:
        add_problem(problems, "body", "Assure builds this section from the year's data.")
    if len(body) > narrative.MAX_LENGTH:
        add_problem(
            problems, "body", f"A section must be {narrative.MAX_LENGTH:,} characters or fewer."
        )
    return problems


@transaction.atomic
def section_save(*, section: Section, body: str) -> Section:
    """Keep a narrative section's Markdown, cleaned of any HTML."""
    raise_problems(section_save_problems(section=section, body=body))
    cleaned = narrative.clean_source(body)
    if cleaned != section.body:
        section.body = cleaned
        section.save(update_fields=["body"])
        _back_to_draft(section.report)
    return section


@transaction.atomic
def section_include(*, section: Section, included: bool) -> Section:
    if section.included != included:
        section.included = included
        section.save(update_fields=["included"])
        _back_to_draft(section.report)
    return section


def section_move_problems(*, section: Section, direction: str) -> Problems:
    problems: Problems = {}
    if direction not in ("up", "down"):
        add_problem(problems, "direction", "A section moves up or down.")
    return problems


@transaction.atomic
def section_move(*, section: Section, direction: str) -> Section:
    """Swap the section with its neighbour; at either end, nothing moves."""
    raise_problems(section_move_problems(section=section, direction=direction))
    siblings = Section.objects.filter(report=section.report).select_for_update()
    if direction == "up":
        neighbour = siblings.filter(position__lt=section.position).order_by("-position").first()
    else:
        neighbour = siblings.filter(position__gt=section.position).order_by("position").first()
    if neighbour is None:
        return section
    mine, theirs = section.position, neighbour.position
    # Through a free position, so the swap never holds two rows in one place.
    free = (siblings.aggregate(top=Max("position"))["top"] or 0) + 1
    Section.objects.filter(pk=section.pk).update(position=free)
    Section.objects.filter(pk=neighbour.pk).update(position=mine)
    Section.objects.filter(pk=section.pk).update(position=theirs)
    section.position = theirs
    _back_to_draft(section.report)
    return section


# Approval ----------------------------------------------------------------------------------


def may_approve(report: AnnualReport, user: Any) -> bool:
    """The chair or the business manager of the report's board, as the
    report's approver setting says."""
    if not on_board(user, report.board):
        return False
    if report.approver == AnnualReport.Approver.CHAIR:
        return bool(is_chair(user))
    return bool(is_business_manager(user))


def report_approve_problems(*, report: AnnualReport, user: Any, reason: str) -> Problems:
    problems: Problems = {}
    if report.status != AnnualReport.Status.DRAFT:
        add_problem(
            problems, "__all__", f"Only a draft can be approved; this report is {report.status}."
        )
        return problems
    if not may_approve(report, user):
        who = report.get_approver_display().lower()
        add_problem(problems, "__all__", f"On this board {who} approves the annual report.")
        return problems
    gaps = missing(checklist(report))
    if gaps and not reason.strip():
        names = "; ".join(item.label for item in gaps)
        add_problem(
            problems,
            "reason",
            f"Give the reason for approving with items missing from the checklist: {names}.",
        )
    return problems


@transaction.atomic
def report_approve(*, report: AnnualReport, user: Any, reason: str = "") -> AnnualReport:
    """Approve a draft, recording who, when, and (when the Working Together
    check finds items missing) which items and why."""
    report = _locked(report)
    raise_problems(report_approve_problems(report=report, user=user, reason=reason))
    gaps = missing(checklist(report))
    report.status = AnnualReport.Status.APPROVED
    report.approved_by = user
    report.approved_at = timezone.now()
    report.approval_reason = reason.strip() if gaps else ""
    report.missing_at_approval = [item.label for item in gaps]
    report.save()
    return report


# Publication and correction ----------------------------------------------------------------


def _build_running(report: AnnualReport) -> bool:
    return ReportBuild.objects.filter(
        report=report, status__in=[ReportBuild.Status.QUEUED, ReportBuild.Status.RUNNING]
    ).exists()


def report_publish_problems(*, report: AnnualReport) -> Problems:
    problems: Problems = {}
    if report.status != AnnualReport.Status.APPROVED:
        add_problem(problems, "__all__", "Only an approved report can be published.")
    elif _build_running(report):
        add_problem(problems, "__all__", "This report is already being built.")
    return problems


def _enqueue(build: ReportBuild) -> None:
    from reports.tasks import build_snapshot

    def send() -> None:
        result = build_snapshot.enqueue(build_id=build.pk)
        ReportBuild.objects.filter(pk=build.pk, task_id="").update(task_id=str(result.id)[:64])

    transaction.on_commit(send)


@transaction.atomic
def report_publish(*, report: AnnualReport, user: Any) -> ReportBuild:
    """Start building the report's first snapshot. The report becomes
    published when the build has stored every file."""
    report = _locked(report)
    raise_problems(report_publish_problems(report=report))
    build = ReportBuild.objects.create(
        report=report, purpose=ReportBuild.Purpose.PUBLISH, requested_by=user
    )
    _enqueue(build)
    return build


def report_correct_problems(*, report: AnnualReport, changes: str) -> Problems:
    problems: Problems = {}
    if report.status != AnnualReport.Status.PUBLISHED:
        add_problem(problems, "__all__", "Only a published report can be corrected.")
    elif _build_running(report):
        add_problem(problems, "__all__", "This report is already being built.")
    if not changes.strip():
        add_problem(problems, "changes", "Say what this correction changes.")
    elif len(changes) > 2000:
        add_problem(problems, "changes", "Describe the changes in 2,000 characters or fewer.")
    return problems


@transaction.atomic
def report_correct(*, report: AnnualReport, user: Any, changes: str) -> ReportBuild:
    """Start building a new snapshot version of a published report, saying
    what changed. Earlier versions stay as they are."""
    report = _locked(report)
    raise_problems(report_correct_problems(report=report, changes=changes))
    build = ReportBuild.objects.create(
        report=report,
        purpose=ReportBuild.Purpose.CORRECTION,
        changes=changes.strip(),
        requested_by=user,
    )
    _enqueue(build)
    return build


def build_start(*, build: ReportBuild) -> bool:
    """Mark a queued build running; False if it was not waiting (a worker
    picked it up twice, or it was already finished)."""
    updated = ReportBuild.objects.filter(pk=build.pk, status=ReportBuild.Status.QUEUED).update(
        status=ReportBuild.Status.RUNNING, step="Starting", progress=1
    )
    return bool(updated)


def build_progress(*, build: ReportBuild, step: str, progress: int) -> None:
    ReportBuild.objects.filter(pk=build.pk, status=ReportBuild.Status.RUNNING).update(
        step=step[:100], progress=max(0, min(progress, 99))
    )


def build_fail(*, build: ReportBuild, error: str) -> None:
    ReportBuild.objects.filter(pk=build.pk).update(
        status=ReportBuild.Status.FAILED, error=error[:2000], finished=timezone.now()
    )


@transaction.atomic
def snapshot_record(
    *,
    build: ReportBuild,
    files: dict[str, tuple[str, str]],
    pages: int | None,
    reviews: Iterable[Any] = (),
) -> Snapshot:
    """Record the files a build stored as the report's next snapshot version,
    and publish the report if this was its publication. `files` maps each
    format to (path under MEDIA_ROOT, SHA-256); `reviews` are the case reviews
    its files hold, kept with it so every read of it is recorded for them."""
    report = AnnualReport.objects.select_for_update().get(pk=build.report_id)
    problems: Problems = {}
    if set(files) != set(Snapshot.FORMATS):
        add_problem(
            problems, "__all__", "A snapshot holds the HTML, the PDF, the CSV and the JSON."
        )
    if build.purpose == ReportBuild.Purpose.PUBLISH and report.status != report.Status.APPROVED:
        add_problem(
            problems, "__all__", "The report is no longer approved, so it was not published."
        )
    if build.purpose == ReportBuild.Purpose.CORRECTION and report.status != report.Status.PUBLISHED:
        add_problem(problems, "__all__", "Only a published report can be corrected.")
    raise_problems(problems)
    version = (report.snapshots.aggregate(top=Max("version"))["top"] or 0) + 1
    snapshot = Snapshot.objects.create(
        report=report,
        version=version,
        changes=build.changes,
        created_by=build.requested_by,
        pages=pages,
        review_ids=sorted({review.pk for review in reviews}),
        **{f"{fmt}_path": path for fmt, (path, _) in files.items()},
        **{f"{fmt}_sha256": sha for fmt, (_, sha) in files.items()},
    )
    if report.status != AnnualReport.Status.PUBLISHED:
        report.status = AnnualReport.Status.PUBLISHED
        report.published_at = timezone.now()
        report.save()
    ReportBuild.objects.filter(pk=build.pk).update(
        status=ReportBuild.Status.SUCCEEDED,
        step="Finished",
        progress=100,
        snapshot=snapshot,
        finished=timezone.now(),
        error="",
    )
    return snapshot


# Sending to the Panel and the What Works centre ---------------------------------------------


def report_sent_problems(
    *,
    report: AnnualReport,
    sent_to_panel: datetime.date | None,
    sent_to_what_works: datetime.date | None,
) -> Problems:
    problems: Problems = {}
    if report.status != AnnualReport.Status.PUBLISHED or report.published_at is None:
        add_problem(problems, "__all__", "A report is sent once it is published.")
        return problems
    published = timezone.localdate(report.published_at)
    today = timezone.localdate()
    for name, day in (("sent_to_panel", sent_to_panel), ("sent_to_what_works", sent_to_what_works)):
        if day is None:
            continue
        if day < published:
            add_problem(
                problems, name, f"The date cannot be before publication on {published:%-d %B %Y}."
            )
        if day > today:
            add_problem(problems, name, "The date cannot be in the future.")
    return problems


@transaction.atomic
def report_sent_record(
    *,
    report: AnnualReport,
    sent_to_panel: datetime.date | None,
    sent_to_what_works: datetime.date | None,
) -> AnnualReport:
    raise_problems(
        report_sent_problems(
            report=report, sent_to_panel=sent_to_panel, sent_to_what_works=sent_to_what_works
        )
    )
    report.sent_to_panel = sent_to_panel
    report.sent_to_what_works = sent_to_what_works
    report.save(update_fields=["sent_to_panel", "sent_to_what_works", "updated"])
    return report


def sending_due(report: AnnualReport) -> datetime.date | None:
    """The day by which the report is due at the Panel and the What Works
    centre: 7 days after publication."""
    if report.published_at is None:
        return None
    return timezone.localdate(report.published_at) + datetime.timedelta(days=SEND_WITHIN_DAYS)
