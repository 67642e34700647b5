"""The chair on today's date: the demonstration board, made for today as
`make run` makes it, and Luton as its past reports left it. The clock is the
real one (a live server answers in its own thread), so what is asserted is
what the demonstration puts relative to today, and what the past reports
fixed."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from board.models import Board
from core import roles
from reports.demonstration import NAME, SLUG, demonstration_board_make
from tests.browser.conftest import check_accessibility
from tests.factories import UserFactory

BANNER = "Demonstration data: synthetic, not a real partnership."


@pytest.fixture
def boards(settings):
    settings.DEBUG = True
    call_command("load_past_reports", stdout=StringIO())
    today = timezone.localdate()
    demonstration = demonstration_board_make(today=today).board
    settings.DEBUG = False
    luton = Board.objects.get(slug="luton")
    UserFactory(
        username="chair",
        first_name="Chris",
        last_name="Chair",
        role=roles.INDEPENDENT_CHAIR,
        boards=[demonstration, luton],
    )
    return today


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_the_chair_sees_what_needs_attention_on_the_demonstration_board_today(
    page, live_server, boards, sign_in
):
    today = boards
    sign_in("chair")
    page.goto(f"{live_server.url}/boards/{SLUG}/dashboard/")
    expect(page.get_by_role("heading", name="Chair's dashboard", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="Demonstration")).to_contain_text(BANNER)
    expect(page.locator("#as-of")).to_contain_text(f"As of {_day(today)}.")
    last_met = today - datetime.timedelta(days=21)
    expect(page.locator("#as-of")).to_contain_text(f"last met on {_day(last_met)}")
    check_accessibility(page)

    summary = page.locator("#summary")
    expect(summary).to_contain_text("5 actions rated red or amber")
    expect(summary).to_contain_text("2 actions overdue")
    expect(summary).to_contain_text("2 actions not assessed for more than 90 days")
    expect(summary).to_contain_text("2 statutory review deadlines")

    first = today.year - (1 if today.month < 4 else 0) - 1
    plan = f"Business plan {first}-{str(first + 2)[-2:]} (synthetic)"
    neglect = page.get_by_role("region", name=f"{plan}, priority 1: actions needing attention")
    red = neglect.get_by_role("row").filter(has_text="multi-agency neglect strategy")
    expect(red).to_contain_text("Red")
    overdue = neglect.get_by_role("row").filter(has_text="recognising neglect in adolescents")
    expect(overdue).to_contain_text("Overdue")
    exploitation = page.get_by_role("region", name=f"{plan}, priority 2: actions needing attention")
    expect(exploitation.get_by_role("row")).to_have_count(3)  # the heading, 2a and 2b
    expect(exploitation).not_to_contain_text("exploitation hub")  # completed

    deadlines = page.get_by_role("region", name="Statutory review deadlines")
    expect(deadlines.get_by_role("row").filter(has_text="Child E (synthetic)")).to_contain_text(
        "Overdue"
    )
    due_soon = deadlines.get_by_role("row").filter(has_text="Child D (synthetic)")
    expect(due_soon).to_contain_text("Rapid review")
    expect(due_soon).to_contain_text("working day")

    # The same chair's Luton: no banner, none of the demonstration's records.
    page.goto(f"{live_server.url}/boards/luton/dashboard/")
    expect(page.get_by_role("heading", name="Chair's dashboard", level=1)).to_be_visible()
    expect(page.get_by_text(BANNER)).to_have_count(0)
    expect(page.locator("#as-of")).to_contain_text(f"As of {_day(today)}.")
    expect(page.get_by_text("(synthetic)")).to_have_count(0)
    expect(page.locator("#summary")).to_contain_text("0 actions rated red or amber")
    expect(page.locator("#summary")).to_contain_text("0 actions overdue")
    check_accessibility(page)
    assert NAME in page.locator("#board-switcher").inner_text()
