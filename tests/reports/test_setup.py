"""The set-up page: what a board still lacks, each linked to its page, in a
number of queries that does not grow with the board."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from board.models import MainGroup
from core import roles
from reports.setup import setup_items
from tests.clock import on_day
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    BoardFactory,
    GroupFactory,
    MeetingFactory,
    MemberFactory,
    PlanFactory,
    PriorityFactory,
    UserFactory,
    YearFactory,
)
from tests.indicators.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


def _missing(board, today=TODAY, admin_view=False):
    return [
        i.key for i in setup_items(board=board, today=today, admin_view=admin_view) if not i.done
    ]


def test_a_new_board_lacks_everything_and_each_item_links_to_its_page():
    board = BoardFactory()
    items = setup_items(board=board, today=TODAY, admin_view=True)
    assert [i.key for i in items if not i.done] == [
        "business-manager",
        "action-leads",
        "groups",
        "main-group",
        "agencies",
        "seats",
        "reporting-year",
        "meetings",
        "business-plan",
        "business-plan-priorities",
        "business-plan-actions",
        "indicators",
    ]
    urls = {i.key: i.url for i in items}
    assert urls["business-manager"] == reverse("board:access", kwargs={"board": board.slug})
    assert urls["business-plan"] == reverse("priorities:plan_create", kwargs={"board": board.slug})


def test_the_list_shrinks_as_the_board_is_set_up():
    board = BoardFactory()
    UserFactory(username="bm", role=roles.BUSINESS_MANAGER, boards=[board])
    group = GroupFactory(boards=[board])
    MainGroup.objects.create(board=board, group=group)
    MemberFactory(board=board, agency=AgencyFactory(), groups=[group], start=None, end=None)
    YearFactory(label="2026-27", start=datetime.date(2026, 4, 1), end=datetime.date(2027, 3, 31))
    MeetingFactory(group=group, date=datetime.date(2026, 9, 1))
    plan = PlanFactory(
        board=board,
        kind="business-plan",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2028, 3, 31),
    )
    assert "business-plan" not in _missing(board)
    assert "business-plan-priorities" in _missing(board)
    assert "business-plan-actions" in _missing(board)
    assert f"actions-{plan.slug}" not in _missing(board)
    priority = PriorityFactory(plan=plan, number=1)
    ActionFactory(plan=plan, priority=priority, ref="1a")
    IndicatorFactory(board=board, code="loose", name="Loose")
    assert _missing(board) == ["action-leads", "indicator-loose"]
    IndicatorFactory(board=board, code="linked", priority=priority)
    UserFactory(username="lead", role=roles.ACTION_LEAD, boards=[board])
    assert _missing(board) == ["indicator-loose"]


def test_a_closed_plan_is_no_gap_and_a_plan_not_started_is_not_in_force():
    board = BoardFactory()
    PlanFactory(
        board=board,
        slug="old",
        kind="business-plan",
        starts_on=datetime.date(2015, 4, 1),
        ends_on=datetime.date(2017, 3, 31),
    )
    PlanFactory(board=board, slug="next", kind="business-plan", starts_on=datetime.date(2027, 4, 1))
    missing = _missing(board)
    assert "business-plan" in missing
    assert "actions-old" not in missing
    assert "actions-next" in missing


def test_a_business_plan_ending_today_is_in_force_and_gone_the_day_after():
    board = BoardFactory()
    PlanFactory(
        board=board,
        kind="business-plan",
        starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2027, 3, 31),
    )
    assert "business-plan" not in _missing(board, today=datetime.date(2027, 3, 31))
    assert "business-plan" in _missing(board, today=datetime.date(2027, 4, 1))


def test_the_set_up_page_reads_the_same_queries_however_much_the_board_holds(
    client, django_assert_max_num_queries
):
    board = BoardFactory()
    client.force_login(UserFactory(username="bm", role=roles.BUSINESS_MANAGER, boards=[board]))
    url = reverse("reports:setup", kwargs={"board": board.slug})
    for n in range(20):
        plan = PlanFactory(board=board, slug=f"plan-{n}", kind="business-plan")
        IndicatorFactory(board=board, code=f"i{n}")
        MemberFactory(board=board)
        del plan
    with on_day(TODAY), django_assert_max_num_queries(22):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Set up" in html
    assert html.count('data-item="indicator-') == 20
    # The manager's item points at the People page: only an Admin gives access.
    assert reverse("people:people", kwargs={"board": board.slug}) in html


def test_the_seats_meetings_and_actions_items_offer_the_imports_of_the_boards_own_files(client):
    """A new board keeps its members, its attendance and its tracker in
    spreadsheets: the set-up page offers their imports beside the forms (the
    new-partnership journey found them only pages away)."""
    board = BoardFactory()
    client.force_login(UserFactory(username="bm", role=roles.BUSINESS_MANAGER, boards=[board]))
    url = reverse("reports:setup", kwargs={"board": board.slug})
    seats = reverse("board:import_upload", kwargs={"board": board.slug, "kind": "seats"})
    tracker = reverse("board:import_upload", kwargs={"board": board.slug, "kind": "action-tracker"})
    with on_day(TODAY):
        html = client.get(url).content.decode()
        assert f'href="{seats}"' in html
        attendance = reverse(
            "board:import_upload", kwargs={"board": board.slug, "kind": "attendance"}
        )
        assert f'href="{attendance}"' in html
        # No plan in force yet: the actions item leads to adding the plan first.
        assert tracker not in html
        PlanFactory(
            board=board,
            kind="business-plan",
            starts_on=datetime.date(2026, 4, 1),
            ends_on=datetime.date(2027, 3, 31),
        )
        html = client.get(url).content.decode()
    assert f'href="{tracker}"' in html
    assert f'Or <a class="govuk-link" href="{tracker}">import them from the board' in html
