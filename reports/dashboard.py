"""The chair's dashboard: what needs the chair's attention before a board
meeting, read through the other apps' selectors in a fixed number of queries.

- Actions rated RED or AMBER (process or impact), overdue, or not assessed
  for more than ASSURE_STALE_ACTION_DAYS days, by plan and priority.
- What changed since the strategic board last met, or since a date the
  chair picks.
- Indicators off target or getting worse, and statutory review deadlines,
  from the indicator and case review selectors.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from board import selectors as board_selectors
from board.models import Board, Group, Meeting
from indicators.selectors import (
    IndicatorLine,
    ValueChanges,
    indicator_values_changed_since,
    indicators_needing_attention,
)
from priorities import dashboard_selectors
from priorities.models import Rating
from priorities.periods import period_in_words
from reviews.selectors import Deadline, ReviewChange, review_changes_since, review_deadlines

#: Statutory review deadlines this many working days ahead are shown, with
#: every overdue one.
DEADLINE_WORKING_DAYS = 10


#: Each list of changes, and the indicators off target or getting worse, shows
#: at most this many entries and says how many more there are and where they
#: are listed: a page of thousands of rows is read by no one, and costs time.
LISTED = 50


@dataclass(frozen=True)
class Capped[T]:
    """The first LISTED entries of a list and how many there were in all."""

    listed: list[T]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.listed)

    def __len__(self) -> int:
        return self.total

    @classmethod
    def of(cls, rows: Sequence[T]) -> Capped[T]:
        return cls(list(rows[:LISTED]), len(rows))


@dataclass
class Counts:
    """How many actions in a group need attention, for each reason. An action
    can be counted under more than one reason, and once in `actions`."""

    actions: int = 0
    worrying: int = 0
    overdue: int = 0
    stale: int = 0

    def add(self, row: ActionLine) -> None:
        self.actions += 1
        self.worrying += row.worrying
        self.overdue += row.overdue
        self.stale += row.stale


@dataclass
class ActionLine:
    """One action as the dashboard shows it: plain values read in one query."""

    ref: str
    description: str
    due_date: datetime.date | None
    process: str | None
    impact: str | None
    last_assessed: datetime.date | None
    plan_id: int
    plan_title: str
    url: str
    worrying: bool = False
    overdue: bool = False
    stale: bool = False

    @property
    def never_assessed(self) -> bool:
        return self.last_assessed is None


@dataclass
class PlanRef:
    pk: int
    slug: str
    title: str
    #: "Period: 1 April 2025 to 31 March 2027", "Period: from 29 March 2016
    #: until its actions are complete": why a plan of another year is listed.
    period: str = ""


@dataclass
class PriorityRef:
    pk: int
    number: int
    title: str


@dataclass
class PriorityGroup:
    priority: PriorityRef | None
    rows: list[ActionLine] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


@dataclass
class PlanGroup:
    plan: PlanRef
    url: str
    priorities: list[PriorityGroup] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


@dataclass
class RatingChange:
    """A new assessment with the action's rating before and after it
    (before is None for an action's first assessment)."""

    ref: str
    description: str
    plan_title: str
    url: str
    assessed_on: datetime.date
    process: str
    impact: str
    before_process: str | None
    before_impact: str | None

    @property
    def closed(self) -> bool:
        """This assessment completed the action: BLUE for process now, and
        not before."""
        return self.process == Rating.BLUE and self.before_process != Rating.BLUE

    @property
    def process_moved(self) -> bool:
        return self.process != self.before_process

    @property
    def impact_moved(self) -> bool:
        return self.impact != self.before_impact


def a_year_before(day: datetime.date) -> datetime.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass
class Since:
    """Where "what changed" starts: the day after the strategic board last
    met, a day the chair chose (included), or, when the board has not met
    for a year or never has, a year ago, saying so."""

    date: datetime.date
    meeting: Meeting | None = None
    chosen: bool = False
    #: A year ago, because the strategic board (`group`, when known) has not
    #: met since `meeting` more than a year ago, or has never met.
    a_year: bool = False
    group: Group | None = None

    @property
    def start(self) -> datetime.datetime:
        """The first moment of `date` where Assure runs, for things stamped
        with a time rather than dated."""
        return timezone.make_aware(datetime.datetime.combine(self.date, datetime.time.min))

    @property
    def since_meeting(self) -> bool:
        """Whether changes start the day after the last meeting."""
        return not self.chosen and not self.a_year and self.meeting is not None

    @property
    def heading(self) -> str:
        if self.chosen:
            return f"What changed from {self.date:%-d %B %Y}"
        if self.since_meeting:
            assert self.meeting is not None
            return f"What changed since the strategic board met on {self.meeting.date:%-d %B %Y}"
        return "What changed in the last year"

    @property
    def explained(self) -> str:
        if self.chosen:
            return f"Changes dated on or after {self.date:%-d %B %Y}, to today."
        if self.since_meeting:
            return f"Changes dated after the meeting: from {self.date:%-d %B %Y} to today."
        board = "The strategic board" + (f" ({self.group.name})" if self.group else "")
        if self.meeting is not None:
            return (
                f"{board} has not met since {self.meeting.date:%-d %B %Y}; showing changes "
                f"since {self.date:%-d %B %Y}."
            )
        return (
            f"{board} has no meeting recorded before today; showing changes since "
            f"{self.date:%-d %B %Y}."
        )


@dataclass
class Changes:
    """What changed, each list capped at LISTED entries with its full count."""

    since: Since
    assessments: Capped[RatingChange]
    closed: Capped[RatingChange]
    added: Capped[ActionLine]
    values: ValueChanges
    reviews: Capped[ReviewChange]


@dataclass
class Dashboard:
    board: Board
    today: datetime.date
    stale_days: int
    plans: list[PlanGroup]
    totals: Counts
    last_meeting: Meeting | None
    changes: Changes | None  # None when the chosen date was refused
    indicators: Capped[IndicatorLine]
    deadlines: list[Deadline]


def stale_days() -> int:
    return int(settings.ASSURE_STALE_ACTION_DAYS)


class _Urls:
    """Each plan's URL reversed once; an action's URL is its plan's plus
    its ref, as priorities.urls names it, so a long list reverses nothing
    per row."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.plans: dict[str, str] = {}

    def plan(self, slug: str) -> str:
        if slug not in self.plans:
            self.plans[slug] = reverse(
                "priorities:plan", kwargs={"board": self.board.slug, "plan": slug}
            )
        return self.plans[slug]

    def action(self, plan_slug: str, ref: str) -> str:
        return f"{self.plan(plan_slug)}actions/{quote(ref)}/"


def _line(row: dict[str, Any], urls: _Urls, today: datetime.date, days: int) -> ActionLine:
    process, impact = row["current_process"], row["current_impact"]
    return ActionLine(
        ref=row["ref"],
        description=row["description"],
        due_date=row["due_date"],
        process=process,
        impact=impact,
        last_assessed=row["last_assessed"],
        plan_id=row["plan_id"],
        plan_title=row["plan__title"],
        url=urls.action(row["plan__slug"], row["ref"]),
        worrying=dashboard_selectors.is_worrying(process, impact),
        overdue=dashboard_selectors.is_overdue(row["due_date"], process, today),
        stale=dashboard_selectors.is_stale(
            process, row["last_assessed"], today=today, stale_days=days
        ),
    )


def group_by_plan(
    rows: Iterable[dict[str, Any]], urls: _Urls, today: datetime.date, days: int
) -> tuple[list[PlanGroup], Counts]:
    """Actions grouped by plan (in the order they come), then by priority in
    number order with the actions under no priority last; counts at every
    level."""
    plans: dict[int, PlanGroup] = {}
    blocks: dict[tuple[int, int | None], PriorityGroup] = {}
    totals = Counts()
    for row in rows:
        line = _line(row, urls, today, days)
        group = plans.get(line.plan_id)
        if group is None:
            plan = PlanRef(line.plan_id, row["plan__slug"], line.plan_title, _period(row))
            group = plans[plan.pk] = PlanGroup(plan, urls.plan(plan.slug))
        key = (line.plan_id, row["priority_id"])
        block = blocks.get(key)
        if block is None:
            priority = (
                PriorityRef(row["priority_id"], row["priority__number"], row["priority__title"])
                if row["priority_id"] is not None
                else None
            )
            block = blocks[key] = PriorityGroup(priority)
            group.priorities.append(block)
        block.rows.append(line)
        block.counts.add(line)
        group.counts.add(line)
        totals.add(line)
    for group in plans.values():
        group.priorities.sort(key=_priority_order)
    return list(plans.values()), totals


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _period(row: dict[str, Any]) -> str:
    words = period_in_words(
        _day(row["plan_starts_on"]), _day(row["plan_ends_on"]), _day(row["plan_extended_to"])
    )
    return f"Period: {words[0].lower()}{words[1:]}"


def _priority_order(block: PriorityGroup) -> tuple[bool, int]:
    return (block.priority is None, block.priority.number if block.priority else 0)


def strategic_groups(*, board: Board) -> list[Group]:
    """The groups whose meetings are "the last meeting": the board's main
    group when one is marked (board.selectors.main_group); otherwise its own
    strategic boards (serving it alone), or, when it has none, the pan-area
    ones (the Pan-Bedfordshire leaders' group, say). One or two queries."""
    main = board_selectors.main_group(board=board)
    if main is not None:
        return [main]
    strategic = [
        g
        for g in board_selectors.groups_for_board(board=board)
        if g.kind == Group.Kind.STRATEGIC_BOARD
    ]
    return [g for g in strategic if getattr(g, "board_count", 1) == 1] or strategic


def last_strategic_meeting(
    *, board: Board, today: datetime.date, groups: list[Group] | None = None
) -> Meeting | None:
    """The last meeting before today of the board's strategic board
    (strategic_groups, unless given)."""
    if groups is None:
        groups = strategic_groups(board=board)
    if not groups:
        return None
    return (
        board_selectors.meetings_for_board(board=board)
        .filter(group__in=groups, date__lt=today)
        .order_by("-date", "-pk")
        .first()
    )


def default_since(
    meeting: Meeting | None, today: datetime.date, group: Group | None = None
) -> Since:
    """The day after the last meeting, when it was no more than a year ago
    (on or after the same day last year); otherwise a year ago, with the
    strategic board named so the page can say it has not met."""
    year_ago = a_year_before(today)
    if meeting is not None and meeting.date >= year_ago:
        return Since(meeting.date + datetime.timedelta(days=1), meeting=meeting)
    return Since(year_ago, meeting=meeting, a_year=True, group=meeting.group if meeting else group)


def changes_since(*, board: Board, since: Since, today: datetime.date, urls: _Urls) -> Changes:
    assessments = [
        RatingChange(
            ref=a["action__ref"],
            description=a["action__description"],
            plan_title=a["action__plan__title"],
            url=urls.action(a["action__plan__slug"], a["action__ref"]),
            assessed_on=a["assessed_on"],
            process=a["process"],
            impact=a["impact"],
            before_process=a["previous_process"],
            before_impact=a["previous_impact"],
        )
        for a in dashboard_selectors.assessments_since(board=board, since=since.date)
    ]
    days = stale_days()
    added = [
        _line(row, urls, today, days)
        for row in dashboard_selectors.actions_added_since(board=board, since=since.date)
    ]
    return Changes(
        since=since,
        assessments=Capped.of(assessments),
        closed=Capped.of([change for change in assessments if change.closed]),
        added=Capped.of(added),
        values=indicator_values_changed_since(board=board, since=since.start, limit=LISTED),
        reviews=Capped.of(review_changes_since(board=board, since=since.start)),
    )


def dashboard(
    *,
    board: Board,
    today: datetime.date,
    chosen: datetime.date | None = None,
    refused: bool = False,
) -> Dashboard:
    """Everything the chair's dashboard shows. `chosen` is a date the chair
    picked to see changes from; `refused` says the date they typed was
    refused, so no changes are shown until it is corrected."""
    days = stale_days()
    urls = _Urls(board)
    plans, totals = group_by_plan(
        dashboard_selectors.actions_needing_attention(board=board, today=today, stale_days=days),
        urls,
        today,
        days,
    )
    groups = strategic_groups(board=board)
    meeting = last_strategic_meeting(board=board, today=today, groups=groups)
    changes = None
    if not refused:
        main = groups[0] if len(groups) == 1 else None
        since = Since(chosen, chosen=True) if chosen else default_since(meeting, today, main)
        changes = changes_since(board=board, since=since, today=today, urls=urls)
    return Dashboard(
        board=board,
        today=today,
        stale_days=days,
        plans=plans,
        totals=totals,
        last_meeting=meeting,
        changes=changes,
        indicators=Capped.of(indicators_needing_attention(board=board)),
        deadlines=review_deadlines(board=board, today=today, within=DEADLINE_WORKING_DAYS),
    )
