"""Every write of an update round: opening and closing it, the lead's
proposals and their files, the manager's review, the reminders. Keyword-only,
typed, one transaction each; every email goes through the outbox in the same
transaction, so it is sent after the commit and never lost."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from board.models import Board, Meeting
from core.problems import Problems, add_problem, raise_problems
from outbox.models import Message
from outbox.services import message_queue, site_link
from priorities.models import Action, ActionPlan, EvidenceType, Rating
from priorities.rounds import selectors
from priorities.rounds.evidence import EvidenceRefused, check_evidence
from priorities.rounds.models import EvidenceFile, Proposal, UpdateRequest, UpdateRound
from priorities.services import assessment_problems, assessment_record

#: The most days before the deadline a reminder may go.
MAX_REMIND_DAYS = 60
#: The most files one proposal may carry.
MAX_FILES = 10


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _date(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


# Opening and closing a round --------------------------------------------------------------


def round_problems(
    *,
    board: Board,
    meeting: Meeting | None,
    plans: Sequence[ActionPlan],
    deadline: datetime.date | None,
    remind_days_before: int,
    today: datetime.date,
) -> Problems:
    """The rules for opening a round, as field errors."""
    problems: Problems = {}
    current = selectors.open_round(board=board)
    if current is not None:
        add_problem(
            problems,
            "__all__",
            f"The round for the {current.meeting} is still open: close it before opening another.",
        )
    _meeting_problems(problems, board, meeting, today)
    if not plans:
        add_problem(problems, "plans", "Choose at least one action plan.")
    else:
        allowed = set(
            selectors.plans_for_round(board=board, today=today).values_list("pk", flat=True)
        )
        for plan in plans:
            if plan.pk not in allowed:
                add_problem(problems, "plans", f"{plan} is not one of this board's plans in force.")
    _deadline_problems(problems, meeting, deadline, today)
    if not 0 <= remind_days_before <= MAX_REMIND_DAYS:
        add_problem(
            problems,
            "remind_days_before",
            f"Remind between 0 and {MAX_REMIND_DAYS} days before the deadline.",
        )
    return problems


def _meeting_problems(
    problems: Problems, board: Board, meeting: Meeting | None, today: datetime.date
) -> None:
    if meeting is None:
        add_problem(problems, "meeting", "Choose the meeting the updates are for.")
    elif not meeting.group.boards.filter(pk=board.pk).exists():
        add_problem(problems, "meeting", "Choose a meeting of one of this board's groups.")
    elif meeting.date <= today:
        add_problem(problems, "meeting", "Choose a meeting still to come.")


def _deadline_problems(
    problems: Problems,
    meeting: Meeting | None,
    deadline: datetime.date | None,
    today: datetime.date,
) -> None:
    """Not in the past (today is allowed), and before the meeting's day."""
    if deadline is None:
        add_problem(problems, "deadline", "Enter the date updates are due.")
    elif deadline < today:
        add_problem(problems, "deadline", "The deadline cannot be in the past.")
    elif meeting is not None and deadline >= meeting.date:
        add_problem(
            problems,
            "deadline",
            f"The deadline must be before the meeting on {_date(meeting.date)}.",
        )


@transaction.atomic
def round_open(
    *,
    board: Board,
    meeting: Meeting | None,
    plans: Sequence[ActionPlan],
    deadline: datetime.date | None,
    remind_days_before: int,
    opened_by: Any,
    today: datetime.date | None = None,
) -> UpdateRound:
    """Open a round and email each lead once, listing their actions and the
    link to answer. Refused when no action of the plans has a lead in
    Assure: the round would ask nobody."""
    today = today or timezone.localdate()
    plans = list(plans)
    problems = round_problems(
        board=board,
        meeting=meeting,
        plans=plans,
        deadline=deadline,
        remind_days_before=remind_days_before,
        today=today,
    )
    raise_problems(problems)
    assert meeting is not None
    assert deadline is not None
    asked = selectors.round_actions(board=board, plans=plans)
    if not asked.by_lead:
        raise_problems(
            {
                "plans": [
                    "No action still to complete in these plans has a lead in Assure: name the "
                    "actions' leads first."
                ]
            }
        )
    unreachable = sorted(_name(lead) for lead in asked.by_lead if not lead.email)
    if unreachable:
        raise_problems(
            {
                "__all__": [
                    f"{', '.join(unreachable)} {'has' if len(unreachable) == 1 else 'have'} no "
                    "email address in Assure: add one (or name another lead) first."
                ]
            }
        )
    round = UpdateRound.objects.create(
        board=board,
        meeting=meeting,
        deadline=deadline,
        remind_days_before=remind_days_before,
        opened_by=opened_by,
        opened_at=timezone.now(),
    )
    round.plans.set(plans)
    for lead, actions in asked.by_lead.items():
        request = UpdateRequest.objects.create(round=round, lead=lead)
        request.actions.set(actions)
        request.message = _message(
            request,
            Message.Reason.ROUND,
            f"Update for the {meeting.group} on {_date(meeting.date)}: please reply by "
            f"{_date(deadline)}",
            _invitation_text(request, actions),
            by=opened_by,
        )
        request.save(update_fields=["message"])
    return round


def _lead_link(request: UpdateRequest) -> str:
    return site_link(
        reverse(
            "priorities:lead_request",
            kwargs={"board": request.round.board.slug, "round": request.round.pk},
        )
    )


def _invitation_text(request: UpdateRequest, actions: Iterable[Action]) -> str:
    round = request.round
    lines = [
        f"Dear {_name(request.lead)},",
        "",
        f"Before the {round.meeting.group} meets on {_date(round.meeting.date)}, "
        f"{_name(round.opened_by) if round.opened_by else 'the business manager'} asks for an "
        f"update on the actions you lead for {round.board.name}.",
        "",
        f"Please reply by {_date(round.deadline)}. For each action, propose its process and "
        "impact ratings, say why, and add your evidence:",
        "",
    ]
    for action in actions:
        lines.append(f"- {action.ref} ({action.plan.title}): {_short(action.description)}")
    lines += ["", f"Answer in Assure: {_lead_link(request)}", "", round.board.name]
    return "\n".join(lines)


def _short(text: str, words: int = 25) -> str:
    parts = " ".join(text.split()).split(" ")
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def _message(request: UpdateRequest, reason: str, subject: str, body: str, *, by: Any) -> Message:
    round = request.round
    return message_queue(
        board=round.board,
        reason=reason,
        about=f"{Message.Reason(reason).label} for the {round.meeting}",
        to_address=request.lead.email,
        subject=subject[:200],
        body=body,
        to_user=request.lead,
        queued_by=by,
        reply_to=getattr(by, "email", "") or "",
    )


@transaction.atomic
def round_close(*, round: UpdateRound, by: Any) -> UpdateRound:
    """Close a round: leads can no longer answer it and it leaves the
    chair's dashboard. What waits for review is accepted or returned first,
    so a closed round is a finished record."""
    round = UpdateRound.objects.select_for_update().get(pk=round.pk)
    if round.status != UpdateRound.Status.OPEN:
        raise ValidationError("This round is already closed.")
    waiting = Proposal.objects.filter(request__round=round, status=Proposal.Status.SUBMITTED)
    if waiting.exists():
        raise ValidationError(
            f"{waiting.count()} proposals still wait for review: accept or return them first."
        )
    round.status = UpdateRound.Status.CLOSED
    round.closed_at = timezone.now()
    round._change_reason = f"Closed by {_name(by)}"  # type: ignore[attr-defined]
    round.save()
    return round


# The lead's proposal -------------------------------------------------------------------------


@dataclass
class Upload:
    """A file as a lead sent it: its name and its bytes."""

    name: str
    data: bytes
    size: int | None = None  # when the data was not read: over the limit


def proposal_problems(
    *,
    process: str,
    impact: str,
    commentary: str,
    evidence_types: Iterable[EvidenceType],
    evidence: str,
    file_names: Iterable[str],
    submit: bool,
) -> Problems:
    """A draft may be half done, but every rating in it is a rating; a
    proposal submitted meets every rule of an assessment (its files count as
    evidence), so accepting it cannot be refused for what the lead could fix."""
    problems: Problems = {}
    if submit:
        found = assessment_problems(
            process=process,
            impact=impact,
            commentary=commentary,
            evidence_types=list(evidence_types),
            evidence=_evidence_text(evidence, file_names),
        )
        for name, message in found.items():
            add_problem(problems, name, message)
        return problems
    for name, value in (("process", process), ("impact", impact)):
        if value and value not in Rating.values:
            add_problem(problems, name, f"{value!r} is not a rating; choose one from the list.")
    return problems


def _evidence_text(evidence: str, file_names: Iterable[str]) -> str:
    lines = [evidence.strip()] if evidence.strip() else []
    lines += [f"Evidence file: {name}" for name in file_names]
    return "\n".join(lines)


def _editable(proposal: Proposal) -> None:
    if proposal.status == Proposal.Status.SUBMITTED:
        raise ValidationError(
            "This proposal is waiting for the business manager's review: it can be changed "
            "again if they return it."
        )
    if proposal.status == Proposal.Status.ACCEPTED:
        raise ValidationError("This proposal was accepted: it is now the action's assessment.")


def _lead_may_answer(request: UpdateRequest, action: Action, by: Any) -> None:
    """The lead of the request, for one of its actions that they still lead
    (PermissionDenied, which the pages show as 404, for anything else)."""
    if (
        by.pk != request.lead_id
        or not request.actions.filter(pk=action.pk).exists()
        or not by.has_perm("priorities.lead_action", action)
    ):
        raise PermissionDenied("Not an action of this request.")


@transaction.atomic
def proposal_save(
    *,
    request: UpdateRequest,
    action: Action,
    by: Any,
    process: str = "",
    impact: str = "",
    commentary: str = "",
    evidence_types: Iterable[EvidenceType] = (),
    evidence: str = "",
    uploads: Sequence[Upload] = (),
    remove_files: Iterable[int] = (),
    submit: bool = False,
    now: datetime.datetime | None = None,
) -> Proposal:
    """Save the lead's proposal for one action, as a draft or submitted for
    review, with new files and without the ones they remove. All or nothing:
    one refused file refuses the whole save."""
    now = now or timezone.now()
    _lead_may_answer(request, action, by)
    round = UpdateRound.objects.select_for_update().get(pk=request.round_id)
    if round.status != UpdateRound.Status.OPEN:
        raise ValidationError("This round is closed: the business manager is no longer asking.")
    proposal, _ = Proposal.objects.select_for_update().get_or_create(request=request, action=action)
    _editable(proposal)
    evidence_types = list(evidence_types)
    removing = set(remove_files)
    kept = [f for f in proposal.files.all() if f.pk not in removing]
    if len(kept) + len(uploads) > MAX_FILES:
        raise_problems({"evidence_files": [f"A proposal can carry {MAX_FILES} files at most."]})
    problems = proposal_problems(
        process=process,
        impact=impact,
        commentary=commentary,
        evidence_types=evidence_types,
        evidence=evidence,
        file_names=[f.name for f in kept] + [u.name for u in uploads],
        submit=submit,
    )
    checked = []
    for upload in uploads:
        try:
            found = check_evidence(
                name=upload.name,
                data=upload.data,
                limit=settings.ASSURE_EVIDENCE_MAX_BYTES,
                size=upload.size,
            )
            checked.append((upload, found))
        except EvidenceRefused as refused:
            add_problem(problems, "evidence_files", str(refused))
    raise_problems(problems)
    proposal.process, proposal.impact = process, impact
    proposal.commentary, proposal.evidence = commentary.strip(), evidence.strip()
    if submit:
        proposal.status = Proposal.Status.SUBMITTED
        proposal.submitted_at = now
        proposal.late = timezone.localdate(now) > round.deadline
    proposal.version += 1
    proposal.save()
    proposal.evidence_types.set(evidence_types)
    for gone in [f for f in proposal.files.all() if f.pk in removing]:
        stored = gone.file.name
        gone.delete()
        if stored:
            transaction.on_commit(partial(default_storage.delete, stored))
    for upload, found in checked:
        _store(proposal, upload, found.kind, found.suffix, by, now)
    return proposal


def _store(
    proposal: Proposal, upload: Upload, kind: str, suffix: str, by: Any, now: datetime.datetime
) -> EvidenceFile:
    """Keep the file through the storage API under a random name, so nobody
    reaches one by guessing. Every check has passed before a file is stored,
    so a refused save stores nothing."""
    stored = default_storage.save(
        f"evidence/{secrets.token_urlsafe(24)}{suffix}", ContentFile(upload.data)
    )
    return EvidenceFile.objects.create(
        proposal=proposal,
        file=stored,
        name=upload.name[-200:],
        kind=kind,
        size=len(upload.data),
        uploaded_by=by,
        uploaded_at=now,
    )


# The manager's review ------------------------------------------------------------------------


def _waiting(proposal: Proposal) -> Proposal:
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("request", "request__lead", "request__round", "request__round__board")
        .get(pk=proposal.pk)
    )
    if proposal.request.round.status != UpdateRound.Status.OPEN:
        raise ValidationError("This round is closed.")
    if proposal.status != Proposal.Status.SUBMITTED:
        raise ValidationError(
            f"This proposal is {proposal.get_status_display().lower()}, not waiting for review."
        )
    return proposal


@transaction.atomic
def proposal_accept(*, proposal: Proposal, by: Any) -> Proposal:
    """Accept a proposal: it becomes the action's assessment, dated the day
    the lead submitted it, recorded as the lead's and accepted by `by`, under
    every rule of an assessment (a refusal says why and changes nothing)."""
    proposal = _waiting(proposal)
    files = [f.name for f in proposal.files.all()]
    assert proposal.submitted_at is not None
    proposal.assessment = assessment_record(
        action=proposal.action,
        process=proposal.process,
        impact=proposal.impact,
        assessed_on=min(timezone.localdate(proposal.submitted_at), timezone.localdate()),
        recorded_by=proposal.request.lead,
        accepted_by=by,
        commentary=proposal.commentary,
        evidence_types=proposal.evidence_types.all(),
        evidence=_evidence_text(proposal.evidence, files),
    )
    proposal.status = Proposal.Status.ACCEPTED
    proposal.reviewed_by, proposal.reviewed_at = by, timezone.now()
    proposal.review_comment = ""
    proposal.save()
    return proposal


@transaction.atomic
def proposal_return(*, proposal: Proposal, by: Any, comment: str) -> Proposal:
    """Send a proposal back to its lead with the manager's comment, by email;
    the lead changes it and submits it again."""
    if not comment.strip():
        raise_problems({"comment": ["Say what the lead should change."]})
    proposal = _waiting(proposal)
    proposal.status = Proposal.Status.RETURNED
    proposal.review_comment = comment.strip()
    proposal.reviewed_by, proposal.reviewed_at = by, timezone.now()
    proposal.save()
    request = proposal.request
    _message(
        request,
        Message.Reason.ROUND,
        f"Your update on action {proposal.action.ref} was returned",
        "\n".join(
            [
                f"Dear {_name(request.lead)},",
                "",
                f"{_name(by)} returned your update on action {proposal.action.ref} "
                f"({proposal.action.plan.title}) with this comment:",
                "",
                proposal.review_comment,
                "",
                f"Please change it and submit it again by {_date(request.round.deadline)}: "
                f"{_lead_link(request)}",
                "",
                request.round.board.name,
            ]
        ),
        by=by,
    )
    return proposal


@dataclass
class BulkOutcome:
    accepted: list[Proposal]
    refused: list[tuple[Proposal, str]]


def proposals_accept_all(*, round: UpdateRound, by: Any) -> BulkOutcome:
    """Accept every proposal of the round waiting for review, each in its
    own transaction: one the rules refuse stays waiting, with the reason,
    and does not stop the others."""
    outcome = BulkOutcome([], [])
    waiting = Proposal.objects.filter(
        request__round=round, status=Proposal.Status.SUBMITTED
    ).select_related("action")
    for proposal in waiting:
        try:
            outcome.accepted.append(proposal_accept(proposal=proposal, by=by))
        except ValidationError as refused:
            outcome.refused.append((proposal, " ".join(refused.messages)))
    return outcome


# Reminders ----------------------------------------------------------------------------------


def reminders_send(*, today: datetime.date | None = None, by: Any = None) -> int:
    """Remind the leads of open rounds who still owe a reply: once a set
    number of days before the deadline (when the round was opened before
    then), once on the day. Safe to run as often as you like: each reminder
    goes once, and none goes after the deadline. Returns how many were queued."""
    today = today or timezone.localdate()
    sent = 0
    rounds = UpdateRound.objects.filter(
        status=UpdateRound.Status.OPEN, deadline__gte=today
    ).select_related("board", "meeting", "meeting__group", "opened_by")
    for round in rounds:
        on_day = today == round.deadline
        first_day = round.deadline - datetime.timedelta(days=round.remind_days_before)
        before = (
            round.remind_days_before > 0
            and first_day <= today < round.deadline
            and timezone.localdate(round.opened_at) < first_day
        )
        if on_day or before:
            sent += _remind(round, on_day=on_day, by=by)
    return sent


@transaction.atomic
def _remind(round: UpdateRound, *, on_day: bool, by: Any) -> int:
    field = "reminder_on_day" if on_day else "reminder_before"
    overview = selectors.round_overview(round=round)
    sent = 0
    for line in overview.not_replied:
        request = UpdateRequest.objects.select_for_update().get(pk=line.request.pk)
        if getattr(request, f"{field}_id") is not None:
            continue
        request.round = round
        when = "today" if on_day else f"on {_date(round.deadline)}"
        message = _message(
            request,
            Message.Reason.REMINDER,
            f"Reminder: your update is due {when}",
            "\n".join(
                [
                    f"Dear {_name(request.lead)},",
                    "",
                    f"Your update for the {round.meeting.group} on {_date(round.meeting.date)} "
                    f"is due {when}: {line.owing} of your {line.actions} actions still need "
                    "your reply.",
                    "",
                    f"Answer in Assure: {_lead_link(request)}",
                    "",
                    round.board.name,
                ]
            ),
            by=by,
        )
        setattr(request, field, message)
        request.save(update_fields=[field])
        sent += 1
    return sent
