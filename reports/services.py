"""Every write to annual reports: keyword-only, typed, one transaction each.
Each rule lives in a `*_problems` function beside its write, so the pages,
the admin and any later import refuse the same things.

The life of a report: draft -> approved -> published. Editing an approved
report's content sends it back to draft (what was approved is no longer what
would be published). Publishing enqueues a background build (reports.tasks);
the build, not the request, freezes the snapshot and marks the report
published, so a failed build leaves the report as it was.

A published report is frozen: every write here refuses it, reading the
report's status under a row lock (and the models refuse below that, see
reports.models). A correction starts the next version: the report becomes a
draft again, saying what the correction changes, and goes through approval
and publication as the first version did; partners keep the published
version until the new one is published. Cancelling a correction puts the
sections back as they were published.

Nothing unwritten is published: approval and publication are refused while
an included narrative section is empty, naming each, until it is written or
left out with a reason.
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
from reports import narrative, versions
from reports.checklist import checklist, missing
from reports.models import (
    NARRATIVE_KINDS,
    AnnualReport,
    Frozen,
    ReportBuild,
    Section,
    SectionKind,
    Snapshot,
)
from reports.sections import BuiltReport, available_kinds, build_report

#: Sent to the national Panel and the What Works centre within this many days.
SEND_WITHIN_DAYS = 7
#: The longest reason for leaving a section out, and description of a correction.
MAX_REASON = 1000
MAX_CHANGES = 2000

FROZEN = str(Frozen().message)


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
    if report.is_frozen:
        add_problem(problems, "__all__", FROZEN)
        return problems
    if approver not in AnnualReport.Approver.values:
        add_problem(problems, "approver", "Choose who approves the report from the list.")
    if report.is_published and approver != report.approver:
        add_problem(
            problems,
            "approver",
            "Who approves cannot change once a version is published: a correction is "
            "approved as the first version was.",
        )
    elif report.status != AnnualReport.Status.DRAFT and approver != report.approver:
        add_problem(
            problems, "approver", "Who approves can change only while the report is a draft."
        )
    return problems


@transaction.atomic
def report_update(*, report: AnnualReport, title: str, approver: str) -> AnnualReport:
    report = _locked(report)
    raise_problems(report_update_problems(report=report, title=title, approver=approver))
    if (title.strip(), approver) != (report.title, report.approver):
        report.title = title.strip()
        report.approver = approver
        report.save(update_fields=["title", "approver", "updated"])
        _back_to_draft(report)
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


def _section_problems(section: Section) -> Problems:
    """What every change to a section needs: a report not published as it
    stands. `section.report` must be the report as just read under lock."""
    problems: Problems = {}
    if section.report.is_frozen:
        add_problem(problems, "__all__", FROZEN)
    return problems


def _locked_section(section: Section) -> Section:
    """The section afresh, with its report locked and read afresh: what the
    rules are checked against, whatever copy the caller held."""
    report = _locked(section.report)
    fresh = Section.objects.get(pk=section.pk)
    fresh.report = report
    return fresh


def section_save_problems(*, section: Section, body: str) -> Problems:
    problems = _section_problems(section)
    if problems:
        return problems
    if not section.is_narrative:
        add_problem(problems, "body", "Assure builds this section from the year's data.")
    if len(body) > narrative.MAX_LENGTH:
        add_problem(
            problems, "body", f"A section must be {narrative.MAX_LENGTH:,} characters or fewer."
        )
    unsafe = narrative.unsafe_links(body)
    if unsafe:
        add_problem(
            problems,
            "body",
            "A link must start with https://, http:// or mailto:. Change or remove: "
            + "; ".join(unsafe)
            + ".",
        )
    return problems


@transaction.atomic
def section_save(*, section: Section, body: str) -> Section:
    """Keep a narrative section's Markdown, cleaned of any HTML."""
    fresh = _locked_section(section)
    raise_problems(section_save_problems(section=fresh, body=body))
    cleaned = narrative.clean_source(body)
    if cleaned != fresh.body:
        fresh.body = cleaned
        fresh.save(update_fields=["body"])
        _back_to_draft(fresh.report)
    section.body, section.report = fresh.body, fresh.report
    return section


def section_include_problems(*, section: Section, included: bool, reason: str) -> Problems:
    problems = _section_problems(section)
    if problems or included:
        return problems
    if not reason.strip():
        add_problem(
            problems,
            "reason",
            "Say why this section is left out. The approver sees it, and it is kept with "
            "the published version.",
        )
    elif len(reason.strip()) > MAX_REASON:
        add_problem(problems, "reason", f"Give the reason in {MAX_REASON:,} characters or fewer.")
    return problems


@transaction.atomic
def section_include(*, section: Section, included: bool, reason: str = "") -> Section:
    """Include a section, or leave it out on purpose, saying why. A narrative
    section left out is no longer waiting to be written."""
    fresh = _locked_section(section)
    raise_problems(section_include_problems(section=fresh, included=included, reason=reason))
    wanted = "" if included else narrative.clean_source(reason)
    if (fresh.included, fresh.left_out_reason) != (included, wanted):
        fresh.included = included
        fresh.left_out_reason = wanted
        fresh.save(update_fields=["included", "left_out_reason"])
        _back_to_draft(fresh.report)
    section.included, section.left_out_reason = fresh.included, fresh.left_out_reason
    section.report = fresh.report
    return section


def section_move_problems(*, section: Section, direction: str) -> Problems:
    problems = _section_problems(section)
    if problems:
        return problems
    if direction not in ("up", "down"):
        add_problem(problems, "direction", "A section moves up or down.")
    return problems


@transaction.atomic
def section_move(*, section: Section, direction: str) -> Section:
    """Swap the section with its neighbour; at either end, nothing moves."""
    fresh = _locked_section(section)
    raise_problems(section_move_problems(section=fresh, direction=direction))
    siblings = Section.objects.filter(report=fresh.report).select_for_update()
    if direction == "up":
        neighbour = siblings.filter(position__lt=fresh.position).order_by("-position").first()
    else:
        neighbour = siblings.filter(position__gt=fresh.position).order_by("position").first()
    if neighbour is None:
        return section
    mine, theirs = fresh.position, neighbour.position
    # Through a free position, so the swap never holds two rows in one place.
    free = (siblings.aggregate(top=Max("position"))["top"] or 0) + 1
    Section.objects.filter(pk=fresh.pk).update(position=free)
    Section.objects.filter(pk=neighbour.pk).update(position=mine)
    Section.objects.filter(pk=fresh.pk).update(position=theirs)
    section.position = theirs
    _back_to_draft(fresh.report)
    return section


def unwritten(report: AnnualReport) -> list[Section]:
    """The included narrative sections with nothing written, in order: each
    stops approval and publication until it is written or left out."""
    offered = set(available_kinds())
    return [
        s
        for s in Section.objects.filter(report=report, kind__in=NARRATIVE_KINDS).order_by(
            "position"
        )
        if s.kind in offered and s.is_unwritten
    ]


def _unwritten_problems(report: AnnualReport, problems: Problems, doing: str) -> None:
    for section in unwritten(report):
        add_problem(
            problems,
            "__all__",
            f"“{section.get_kind_display()}” has not been written. Write it, or leave it out "
            f"and say why, before {doing}.",
        )


# Approval ----------------------------------------------------------------------------------


def may_approve(report: AnnualReport, user: Any) -> bool:
    """The chair or the business manager of the report's board, as the
    report's approver setting says."""
    if not on_board(user, report.board):
        return False
    if report.approver == AnnualReport.Approver.CHAIR:
        return bool(is_chair(user))
    return bool(is_business_manager(user))


def report_approve_problems(
    *, report: AnnualReport, user: Any, reason: str, built: BuiltReport | None = None
) -> Problems:
    problems: Problems = {}
    if report.status != AnnualReport.Status.DRAFT:
        add_problem(
            problems,
            "__all__",
            f"Only a draft can be approved; this report is {report.state_label.lower()}.",
        )
        return problems
    if not may_approve(report, user):
        who = report.get_approver_display().lower()
        add_problem(problems, "__all__", f"On this board {who} approves the annual report.")
        return problems
    _unwritten_problems(report, problems, "it is approved")
    if problems:
        return problems
    built = built or build_report(report)
    if report.is_correction and pending_changes(report, built) == []:
        add_problem(
            problems,
            "__all__",
            "Nothing differs from the published version yet: change what needs correcting, "
            "or cancel the correction.",
        )
        return problems
    gaps = missing(checklist(report, built))
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
    built = build_report(report)
    raise_problems(report_approve_problems(report=report, user=user, reason=reason, built=built))
    gaps = missing(checklist(report, built))
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
    if report.board.synthetic_as_of is not None:
        # A demonstration board's report is synthetic: publishing it would
        # freeze made-up figures as a partnership's record, and the
        # demonstration could no longer be rebuilt (docs/adr/0013).
        add_problem(
            problems,
            "__all__",
            "This is a demonstration board: its report is synthetic and is never published.",
        )
    elif report.status != AnnualReport.Status.APPROVED:
        add_problem(problems, "__all__", "Only an approved report can be published.")
    elif _build_running(report):
        add_problem(problems, "__all__", "This report is already being built.")
    else:
        _unwritten_problems(report, problems, "it is published")
    return problems


def _enqueue(build: ReportBuild) -> None:
    from reports.tasks import build_snapshot

    def send() -> None:
        result = build_snapshot.enqueue(build_id=build.pk)
        ReportBuild.objects.filter(pk=build.pk, task_id="").update(task_id=str(result.id)[:64])

    transaction.on_commit(send)


@transaction.atomic
def report_publish(*, report: AnnualReport, user: Any) -> ReportBuild:
    """Start building the report's next snapshot: its first version, or the
    correction the approver approved. The report becomes published when the
    build has stored every file."""
    report = _locked(report)
    raise_problems(report_publish_problems(report=report))
    build = ReportBuild.objects.create(
        report=report,
        purpose=ReportBuild.Purpose.CORRECTION
        if report.is_correction
        else ReportBuild.Purpose.PUBLISH,
        changes=report.correction_changes,
        requested_by=user,
    )
    _enqueue(build)
    return build


def _changes_problems(problems: Problems, changes: str) -> None:
    if not changes.strip():
        add_problem(problems, "changes", "Say what this correction changes.")
    elif len(changes.strip()) > MAX_CHANGES:
        add_problem(
            problems, "changes", f"Describe the changes in {MAX_CHANGES:,} characters or fewer."
        )


def correction_start_problems(*, report: AnnualReport, changes: str) -> Problems:
    problems: Problems = {}
    if not report.is_frozen:
        add_problem(
            problems,
            "__all__",
            "A correction is started from a published report."
            if not report.is_published
            else "A correction of this report is already being drafted.",
        )
    elif _build_running(report):
        add_problem(problems, "__all__", "This report is already being built.")
    _changes_problems(problems, changes)
    return problems


@transaction.atomic
def correction_start(*, report: AnnualReport, user: Any, changes: str) -> AnnualReport:
    """Open the next version of a published report as a draft, saying what
    it will correct. The published version stays as it is (its snapshot
    keeps its files and sections) and partners keep reading it; the new
    version is approved again and published as the first was."""
    report = _locked(report)
    raise_problems(correction_start_problems(report=report, changes=changes))
    report._history_user = user  # type: ignore[attr-defined]  # who started it, in history
    report.status = AnnualReport.Status.DRAFT
    report.correction_changes = narrative.clean_source(changes)
    report.approved_by = None
    report.approved_at = None
    report.approval_reason = ""
    report.missing_at_approval = []
    report.save()
    return report


def correction_describe_problems(*, report: AnnualReport, changes: str) -> Problems:
    problems: Problems = {}
    if not report.is_correction:
        add_problem(problems, "__all__", "Only a correction being drafted says what it changes.")
    _changes_problems(problems, changes)
    return problems


@transaction.atomic
def correction_describe(*, report: AnnualReport, changes: str) -> AnnualReport:
    """Change what the correction says it changes; an approved correction
    goes back to draft, since its approver read the words before."""
    report = _locked(report)
    raise_problems(correction_describe_problems(report=report, changes=changes))
    cleaned = narrative.clean_source(changes)
    if cleaned != report.correction_changes:
        report.correction_changes = cleaned
        report.save(update_fields=["correction_changes", "updated"])
        _back_to_draft(report)
    return report


def correction_cancel_problems(*, report: AnnualReport) -> Problems:
    problems: Problems = {}
    if not report.is_correction:
        add_problem(problems, "__all__", "There is no correction of this report to cancel.")
    elif _build_running(report):
        add_problem(problems, "__all__", "The correction is being published.")
    else:
        latest = versions.latest_snapshot(report)
        if latest is None or not latest.sections:
            add_problem(
                problems,
                "__all__",
                "The published version was published before Assure kept each version's "
                "sections, so they cannot be put back: change them back by hand and publish "
                "the correction.",
            )
    return problems


@transaction.atomic
def correction_cancel(*, report: AnnualReport, user: Any) -> AnnualReport:
    """Drop the correction: the sections, the title and the approval go back
    to the published version's, and the report is published as it was."""
    report = _locked(report)
    raise_problems(correction_cancel_problems(report=report))
    latest = versions.latest_snapshot(report)
    assert latest is not None  # checked above
    published = {s["kind"]: s for s in latest.sections}
    for section in Section.objects.filter(report=report, kind__in=published):
        kept = published[section.kind]
        wanted = (kept["position"], kept["included"], kept["left_out_reason"], kept["body"])
        if (section.position, section.included, section.left_out_reason, section.body) != wanted:
            section.position, section.included, section.left_out_reason, section.body = wanted
            section.save(update_fields=["position", "included", "left_out_reason", "body"])
    report.title = latest.title or report.title
    report.approved_by = latest.approved_by
    report.approved_at = latest.approved_at
    report.approval_reason = latest.approval_reason
    report.missing_at_approval = latest.missing_at_approval
    report.correction_changes = ""
    report.status = AnnualReport.Status.PUBLISHED
    report._history_user = user  # type: ignore[attr-defined]
    report.save()
    return report


def pending_changes(
    report: AnnualReport, built: BuiltReport | None = None
) -> list[versions.SectionChange] | None:
    """How the correction being drafted differs from the published version,
    section by section; None when there is no correction, or the published
    version predates Assure keeping its sections."""
    if not report.is_correction:
        return None
    return versions.changes_since_published(report, built or build_report(report))


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
    sections: list[dict[str, Any]],
    changed_sections: list[dict[str, str]],
    reviews: Iterable[Any] = (),
) -> Snapshot:
    """Record the files a build stored as the report's next snapshot version,
    with the sections as they were built and what changed since the version
    before, and publish the report. `files` maps each format to (name in the
    storage, SHA-256); `reviews` are the case reviews its files hold, kept
    with it so every read of it is recorded for them."""
    report = AnnualReport.objects.select_for_update().get(pk=build.report_id)
    problems: Problems = {}
    if set(files) != set(Snapshot.FORMATS):
        add_problem(
            problems, "__all__", "A snapshot holds the HTML, the PDF, the CSV and the JSON."
        )
    if report.status != report.Status.APPROVED:
        add_problem(
            problems, "__all__", "The report is no longer approved, so it was not published."
        )
    for kept in sections:
        if kept["kind"] in NARRATIVE_KINDS and kept["included"] and not kept["body"].strip():
            add_problem(
                problems,
                "__all__",
                f"“{kept['title']}” has not been written, so the report was not published.",
            )
    raise_problems(problems)
    version = (report.snapshots.aggregate(top=Max("version"))["top"] or 0) + 1
    snapshot = Snapshot.objects.create(
        report=report,
        version=version,
        title=report.title,
        changes=build.changes,
        changed_sections=changed_sections,
        sections=sections,
        created_by=build.requested_by,
        approved_by=report.approved_by,
        approved_at=report.approved_at,
        approval_reason=report.approval_reason,
        missing_at_approval=report.missing_at_approval,
        pages=pages,
        review_ids=sorted({review.pk for review in reviews}),
        **{f"{fmt}_path": path for fmt, (path, _) in files.items()},
        **{f"{fmt}_sha256": sha for fmt, (_, sha) in files.items()},
    )
    report.status = AnnualReport.Status.PUBLISHED
    report.correction_changes = ""
    if report.published_at is None:
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
    if report.published_at is None:
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
    report = _locked(report)
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
