"""What a board still lacks before it can run in Assure: the set-up page's
checklist ("Set up <board>").

Each item says what is missing and links to the page that fills it, so a
new board's Admin and business manager work down the list, and a board that
has run for years (Luton) sees the gaps its records still have. It lives
here, above every app, because the list reads seats, plans, indicators and
people alike. The number of queries does not grow with the board's records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse

from board import terms
from board.models import Board, BoardAccess, MainGroup, Meeting, Member, ReportingYear
from core import roles
from indicators.models import Indicator
from priorities.models import ActionPlan


@dataclass(frozen=True)
class SetupItem:
    """One thing the board needs: `done` or not, what it is, and where to do
    it; `imports` are (words, address) of the imports that fill it from a
    spreadsheet the board already keeps, offered beside the page that fills
    it by hand, since a new board mostly has its records in files."""

    key: str
    title: str
    detail: str
    url: str
    link_text: str
    done: bool
    imports: tuple[tuple[str, str], ...] = ()


def _url(name: str, board: Board, **kwargs: object) -> str:
    return reverse(name, kwargs={"board": board.slug, **kwargs})


def _people_items(board: Board, admin_view: bool) -> list[SetupItem]:
    """Who is on the board, by role: one query."""
    by_role = dict(
        BoardAccess.objects.filter(board=board, user__is_active=True)
        .values_list("user__groups__name")
        .annotate(n=Count("user", distinct=True))
        .values_list("user__groups__name", "n")
    )
    manager_url = _url("board:access", board) if admin_view else _url("people:people", board)
    return [
        SetupItem(
            "business-manager",
            "Give the board a business manager",
            "Nobody in the Business manager role can see this board yet: an Admin gives "
            "someone access, or invites them."
            if not by_role.get(roles.BUSINESS_MANAGER)
            else "A business manager can see this board.",
            manager_url,
            "People on this board" if admin_view else "People",
            bool(by_role.get(roles.BUSINESS_MANAGER)),
        ),
        SetupItem(
            "action-leads",
            "Invite the action leads",
            "Nobody in the Action lead role is on this board, so nobody outside the "
            "business manager's office can update an action."
            if not by_role.get(roles.ACTION_LEAD)
            else f"{by_role[roles.ACTION_LEAD]} action lead(s) are on this board.",
            _url("people:invite", board),
            "Invite someone",
            bool(by_role.get(roles.ACTION_LEAD)),
        ),
    ]


def _record_items(board: Board, today: datetime.date) -> list[SetupItem]:
    """Groups, the main group, seats, agencies, the reporting year and its
    meetings: five queries."""
    groups = board.groups.count()
    main = MainGroup.objects.filter(board=board).values_list("group_id", flat=True).first()
    held = terms.held_on_q(today)
    seats = terms.with_term(Member.objects.filter(board=board)).aggregate(
        held=Count("id", filter=held),
        with_agency=Count("id", filter=held & Q(agency__isnull=False)),
    )
    year = ReportingYear.objects.containing(today)
    met = (
        main is not None
        and year is not None
        and Meeting.objects.filter(group_id=main, date__range=(year.start, year.end)).exists()
    )
    return [
        SetupItem(
            "groups",
            "Add the board's groups",
            f"{groups} group(s) serve this board."
            if groups
            else "No group serves this board: "
            "add the board itself, its executive and its sub-groups.",
            _url("board:group_create", board),
            "Add a group",
            groups > 0,
        ),
        SetupItem(
            "main-group",
            "Mark the main group",
            "The main group is marked."
            if main
            else "No group is marked as the board's main "
            "one (its strategic board): the meetings page and the chair's dashboard start from it.",
            _url("board:group_list", board),
            "Groups",
            main is not None,
        ),
        SetupItem(
            "agencies",
            "Add the partner agencies",
            "The seats held today name their agencies."
            if seats["with_agency"]
            else "No seat held today names an agency: add the partnership's agencies, then "
            "their seats.",
            _url("board:agency_list", board),
            "Agencies",
            seats["with_agency"] > 0,
        ),
        SetupItem(
            "seats",
            "Record the seats",
            f"{seats['held']} seat(s) are held today."
            if seats["held"]
            else "No seat is held today: record who sits on the board and its groups.",
            _url("board:member_create", board),
            "Add a seat",
            seats["held"] > 0,
            (
                (
                    "Import seats and their agencies from the board's own membership list",
                    _url("board:import_upload", board, kind="seats"),
                ),
            ),
        ),
        SetupItem(
            "reporting-year",
            "Start this reporting year",
            f"The reporting year {year.label} is recorded."
            if year
            else "This reporting year is not recorded yet, so nothing can be entered in it.",
            _url("board:year_list", board),
            "Reporting years",
            year is not None,
        ),
        SetupItem(
            "meetings",
            "Record this year's meetings",
            "The main group has met this reporting year."
            if met
            else "The main group has no meeting recorded this reporting year.",
            _url("board:meeting_create", board),
            "Add a meeting",
            met,
            (
                (
                    "Import an attendance record of the main group's meetings",
                    _url("board:import_upload", board, kind="attendance"),
                ),
            ),
        ),
    ]


def _plan_items(board: Board, today: datetime.date) -> list[SetupItem]:
    """The business plan in force, its priorities and its actions (three
    items always listed, so the list only shrinks as a new board fills
    them), then each other plan still running with no actions: one query."""
    plans = list(
        ActionPlan.objects.not_closed_on(today)
        .filter(board=board)
        .annotate(
            in_force=Count("pk", filter=Q(starts_on__isnull=True) | Q(starts_on__lte=today)),
            n_priorities=Count("priorities", distinct=True),
            n_actions=Count("actions", distinct=True),
        )
        .order_by("-starts_on", "title")
    )
    business = next(
        (p for p in plans if p.kind == ActionPlan.Kind.BUSINESS_PLAN and p.in_force), None
    )
    add_plan = _url("priorities:plan_create", board)
    items = [
        SetupItem(
            "business-plan",
            "Add the business plan in force",
            f"{business.title} is in force today."
            if business
            else "No business plan is in force today: add it with its kind and period.",
            business.get_absolute_url() if business else add_plan,
            business.title if business else "Add an action plan",
            business is not None,
        ),
        SetupItem(
            "business-plan-priorities",
            "Add the business plan's priorities",
            f"{business.title} has {business.n_priorities} priorities."
            if business and business.n_priorities
            else "The business plan in force has no priorities yet.",
            _url("priorities:priority_create", board, plan=business.slug) if business else add_plan,
            "Add a priority",
            bool(business and business.n_priorities),
        ),
        SetupItem(
            "business-plan-actions",
            "Add the business plan's actions",
            f"{business.title} has {business.n_actions} actions."
            if business and business.n_actions
            else "The business plan in force has no actions yet.",
            _url("priorities:action_create", board, plan=business.slug) if business else add_plan,
            "Add an action",
            bool(business and business.n_actions),
            (
                (
                    "Import them from the board's own action tracker",
                    _url("board:import_upload", board, kind="action-tracker"),
                ),
            )
            if business
            else (),
        ),
    ]
    for plan in plans:
        if plan is not business and not plan.n_actions:
            items.append(
                SetupItem(
                    f"actions-{plan.slug}",
                    f"Add the actions of {plan.title}",
                    "This plan is not closed and has no actions yet.",
                    _url("priorities:action_create", board, plan=plan.slug),
                    "Add an action",
                    False,
                )
            )
    return items


def _indicator_items(board: Board) -> list[SetupItem]:
    """The scorecard's indicators, and each one that serves no priority:
    one query."""
    indicators = list(
        Indicator.objects.filter(board=board)
        .order_by("position", "name")
        .only("code", "name", "priority_id", "board_id")
    )
    items = [
        SetupItem(
            "indicators",
            "Add the scorecard's indicators",
            f"The scorecard has {len(indicators)} indicator(s)."
            if indicators
            else "The scorecard has no indicators yet.",
            _url("indicators:indicator_create", board),
            "Add an indicator",
            bool(indicators),
        )
    ]
    for indicator in indicators:
        if indicator.priority_id is None:
            items.append(
                SetupItem(
                    f"indicator-{indicator.code}",
                    f"Link {indicator.name} to a priority",
                    "This indicator serves no priority, so the scorecard cannot show it under one.",
                    _url("indicators:indicator_edit", board, indicator=indicator.code),
                    f"Change {indicator.name}",
                    False,
                )
            )
    return items


def setup_items(*, board: Board, today: datetime.date, admin_view: bool) -> list[SetupItem]:
    """Everything the set-up page lists, done or not, in the order a new
    board would do them. Ten queries, whatever the board holds.
    `admin_view` points the business manager's item at the Admin's page."""
    return [
        *_people_items(board, admin_view),
        *_record_items(board, today),
        *_plan_items(board, today),
        *_indicator_items(board),
    ]
