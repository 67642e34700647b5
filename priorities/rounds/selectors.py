"""Reads of update rounds, each a fixed number of queries whatever the size."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from board.models import Board, Meeting
from board.selectors import main_group
from priorities.models import Action, ActionPlan, Rating
from priorities.rounds.models import EvidenceFile, Proposal, UpdateRequest, UpdateRound
from priorities.selectors import with_current_ratings
from priorities.services import lead_accounts

#: A proposal in these states is the lead's reply; any other leaves the lead owing one.
REPLIED = (Proposal.Status.SUBMITTED, Proposal.Status.ACCEPTED)


def plans_for_round(*, board: Board, today: datetime.date) -> QuerySet[ActionPlan]:
    """The plans a round may ask about: the board's plans in force."""
    return ActionPlan.objects.filter(board=board).in_force_on(today).order_by("title")


def meetings_for_round(*, board: Board, today: datetime.date) -> QuerySet[Meeting]:
    """Meetings of the board's groups still to come: what a round may be for."""
    return (
        Meeting.objects.filter(group__boards=board, date__gt=today)
        .select_related("group")
        .order_by("date", "group__name")
        .distinct()
    )


def default_meeting(*, board: Board, today: datetime.date) -> Meeting | None:
    """The meeting a round is usually for: the main group's next one."""
    group = main_group(board=board)
    if group is None:
        return None
    return Meeting.objects.filter(group=group, date__gt=today).order_by("date").first()


def actions_to_update(*, plans: Any) -> QuerySet[Action]:
    """The actions of the plans a round asks about: every one not completed
    (its current process rating Blue), with its current ratings."""
    return (
        with_current_ratings(Action.objects.filter(plan__in=plans))
        .filter(Q(current_process__isnull=True) | ~Q(current_process=Rating.BLUE))
        .select_related("plan", "lead_account")
        .order_by("plan__title", "position", "ref")
    )


@dataclass
class RoundActions:
    """What opening a round for some plans would ask, and of whom."""

    by_lead: dict[Any, list[Action]] = field(default_factory=dict)
    without_lead: list[Action] = field(default_factory=list)


def round_actions(*, board: Board, plans: Any) -> RoundActions:
    """The actions a round would ask about, by lead; those whose lead is no
    action lead of the board in Assure are listed apart, to be given one. Two
    queries."""
    leads = {user.pk: user for user in lead_accounts(board=board)}
    found = RoundActions()
    for action in actions_to_update(plans=plans):
        lead = leads.get(action.lead_account_id) if action.lead_account_id else None
        if lead is None:
            found.without_lead.append(action)
        else:
            found.by_lead.setdefault(lead, []).append(action)
    return found


def open_round(*, board: Board) -> UpdateRound | None:
    return (
        UpdateRound.objects.filter(board=board, status=UpdateRound.Status.OPEN)
        .select_related("meeting", "meeting__group", "opened_by")
        .first()
    )


def rounds_for_board(*, board: Board) -> QuerySet[UpdateRound]:
    return UpdateRound.objects.filter(board=board).select_related("meeting", "meeting__group")


@dataclass
class RequestLine:
    """One lead in a round: what they were asked and where they are."""

    request: UpdateRequest
    actions: int = 0
    drafts: int = 0
    waiting: int = 0
    returned: int = 0
    accepted: int = 0
    late: int = 0

    @property
    def replied(self) -> bool:
        return self.actions > 0 and self.waiting + self.accepted >= self.actions

    @property
    def owing(self) -> int:
        return self.actions - self.waiting - self.accepted


@dataclass
class RoundOverview:
    round: UpdateRound
    lines: list[RequestLine]
    waiting: list[Proposal]

    @property
    def replied(self) -> list[RequestLine]:
        return [line for line in self.lines if line.replied]

    @property
    def not_replied(self) -> list[RequestLine]:
        return [line for line in self.lines if not line.replied]


def round_overview(*, round: UpdateRound) -> RoundOverview:
    """Who was asked, who has replied, and what waits for review. Four
    queries whatever the size of the round."""
    requests = list(
        UpdateRequest.objects.filter(round=round)
        .select_related("lead", "message", "reminder_before", "reminder_on_day")
        .order_by("lead__first_name", "lead__last_name", "lead__username")
    )
    lines = {r.pk: RequestLine(r) for r in requests}
    through = UpdateRequest.actions.through
    for request_id in through.objects.filter(updaterequest__round=round).values_list(
        "updaterequest_id", flat=True
    ):
        lines[request_id].actions += 1
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for request_id, status, late in Proposal.objects.filter(request__round=round).values_list(
        "request_id", "status", "late"
    ):
        counts[request_id][status] += 1
        if late and status in REPLIED:
            counts[request_id]["late"] += 1
    for request_id, line in lines.items():
        c = counts[request_id]
        line.drafts = c[Proposal.Status.DRAFT]
        line.waiting = c[Proposal.Status.SUBMITTED]
        line.returned = c[Proposal.Status.RETURNED]
        line.accepted = c[Proposal.Status.ACCEPTED]
        line.late = c["late"]
    waiting = list(
        Proposal.objects.filter(request__round=round, status=Proposal.Status.SUBMITTED)
        .select_related("action", "action__plan", "request__lead")
        .order_by("submitted_at", "id")
    )
    return RoundOverview(round=round, lines=list(lines.values()), waiting=waiting)


def dashboard_round(*, board: Board) -> RoundOverview | None:
    """The chair's view: the round open now, else none. Five queries."""
    current = open_round(board=board)
    return round_overview(round=current) if current is not None else None


def proposal_for_review(*, round: UpdateRound, proposal_id: int) -> Proposal | None:
    """A proposal of the round with its action's current rating and its files."""
    found = (
        Proposal.objects.filter(request__round=round, pk=proposal_id)
        .select_related("request", "request__lead", "action", "action__plan", "reviewed_by")
        .prefetch_related("evidence_types", "files")
        .first()
    )
    if found is not None:
        found.current = (  # type: ignore[attr-defined]
            with_current_ratings(Action.objects.filter(pk=found.action_id)).first()
        )
    return found


@dataclass
class LeadItem:
    action: Action
    proposal: Proposal | None


@dataclass
class LeadRequest:
    request: UpdateRequest
    items: list[LeadItem]

    @property
    def owing(self) -> int:
        return sum(1 for i in self.items if i.proposal is None or i.proposal.status not in REPLIED)


def lead_requests(*, user: Any, board: Board) -> list[LeadRequest]:
    """The open rounds' requests addressed to a lead, each with its actions
    and the lead's proposals. Three queries."""
    requests = list(
        UpdateRequest.objects.filter(
            lead=user, round__board=board, round__status=UpdateRound.Status.OPEN
        )
        .select_related("round", "round__meeting", "round__meeting__group")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=with_current_ratings(Action.objects.select_related("plan")).order_by(
                    "plan__title", "position", "ref"
                ),
            ),
            Prefetch("proposals", queryset=Proposal.objects.all()),
        )
    )
    found = []
    for request in requests:
        proposals = {p.action_id: p for p in request.proposals.all()}
        items = [LeadItem(a, proposals.get(a.pk)) for a in request.actions.all()]
        found.append(LeadRequest(request, items))
    return found


def lead_request(*, user: Any, board: Board, round_id: int) -> UpdateRequest | None:
    return (
        UpdateRequest.objects.filter(lead=user, round__board=board, round_id=round_id)
        .select_related("round", "round__meeting", "round__meeting__group", "round__board")
        .first()
    )


def evidence_file_for(*, board: Board, file_id: int) -> EvidenceFile | None:
    return (
        EvidenceFile.objects.filter(pk=file_id, proposal__request__round__board=board)
        .select_related("proposal__action__plan__board")
        .first()
    )


def files_of(proposal: Proposal | None) -> list[EvidenceFile]:
    if proposal is None or proposal.pk is None:
        return []
    return list(proposal.files.all())
