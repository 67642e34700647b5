"""The past reports' plans on the day a new user first opened Assure (7
December 2026): each plan's period as its source states it, the chair's
dashboard, the plan list and all actions of Luton and Bedford Borough, and
the last day of the 2015-17 business plan against the day after. The
periods' expected values come from the fixture files, read here."""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from board.models import Board, ReportingYear
from core import roles
from priorities import selectors
from priorities.models import ActionPlan
from reports.dashboard import dashboard
from reports.sections import Context, priority_progress
from tests.clock import on_day
from tests.factories import UserFactory
from tests.html import table_rows

pytestmark = pytest.mark.django_db

D = datetime.date
FIRST_SEEN = D(2026, 12, 7)


@pytest.fixture
def loaded(db):
    call_command("load_past_reports", verbosity=0, stdout=StringIO())
    return {board.slug: board for board in Board.objects.all()}


def fixture_plans() -> dict[tuple[str, str], dict]:
    found = {}
    for path in sorted(Path(settings.BASE_DIR, "fixtures").glob("*.json")):
        for obj in json.loads(path.read_text()):
            if obj["model"] == "priorities.actionplan":
                fields = obj["fields"]
                found[(fields["board"][0], fields["slug"])] = fields
    return found


def test_every_plan_is_loaded_with_the_period_its_fixture_states(loaded):
    stated = fixture_plans()
    assert len(stated) == 8
    for (board, slug), fields in stated.items():
        plan = ActionPlan.objects.get(board__slug=board, slug=slug)
        as_loaded = (plan.period, str(plan.starts_on), plan.ends_on and str(plan.ends_on))
        assert as_loaded == (fields["period"], fields["starts_on"], fields["ends_on"]), slug
        assert (plan.extended_to, plan.closed_on) == (None, None)
        assert "Period:" in fields["notes"], f"{slug}: its notes say how the period was read"
    # The business plan 2015-17 as the issue states it; the inspections open-ended.
    assert stated[("luton", "business-plan-2015-17")]["starts_on"] == "2015-04-01"
    assert stated[("luton", "business-plan-2015-17")]["ends_on"] == "2017-03-31"
    for slug in ("ofsted-2016-lscb-recommendations", "ofsted-2016-local-authority-recommendations"):
        assert stated[("luton", slug)]["ends_on"] is None


def test_loading_the_past_reports_again_changes_no_plan(loaded):
    out = StringIO()
    call_command("load_past_reports", stdout=out)
    assert "0 created, 0 updated, 0 kept" in out.getvalue()
    assert ActionPlan.objects.count() == 8


def attention(board, day) -> Counter:
    found = dashboard(board=board, today=day)
    return Counter({group.plan.slug: group.counts.actions for group in found.plans})


def test_on_7_december_2026_the_dashboard_lists_none_of_the_2015_17_plans_actions(loaded):
    luton = attention(loaded["luton"], FIRST_SEEN)
    assert "business-plan-2015-17" not in luton
    # The 2016 Ofsted plans run until their actions are complete, and no
    # source says they were: they stay until the business manager closes them.
    assert luton == Counter(
        {"ofsted-2016-lscb-recommendations": 7, "ofsted-2016-local-authority-recommendations": 12}
    )
    assert attention(loaded["bedford-borough"], FIRST_SEEN) == Counter(
        {"ofsted-2017-lscb-recommendations": 2}
    )


def test_the_2015_17_plan_is_on_the_dashboard_on_31_march_2017_and_not_on_1_april(loaded):
    assert attention(loaded["luton"], D(2017, 3, 31))["business-plan-2015-17"] == 22
    assert "business-plan-2015-17" not in attention(loaded["luton"], D(2017, 4, 1))


def test_the_chairs_dashboard_page_on_7_december_2026(loaded, client):
    chair = UserFactory(role=roles.INDEPENDENT_CHAIR, boards=list(loaded.values()))
    client.force_login(chair)
    with on_day(FIRST_SEEN):
        page = client.get(reverse("reports:dashboard", kwargs={"board": "luton"}))
    html = page.content.decode()
    headings = re.findall(r'<h3 class="govuk-heading-m" id="plan-\d+"><a [^>]*>(.*?)</a>', html)
    assert headings == [
        "Ofsted inspection of Luton children&#x27;s services (2016): recommendations for the "
        "local authority",
        "Ofsted review of the effectiveness of the LSCB (2016): recommendations",
    ]
    assert "Period: from 29 March 2016 until its actions are complete." in html
    assert "Business Plan 2015-2017" not in html


def test_the_plan_lists_on_7_december_2026(loaded, client):
    chair = UserFactory(role=roles.INDEPENDENT_CHAIR, boards=list(loaded.values()))
    client.force_login(chair)

    def standing(board):
        with on_day(FIRST_SEEN):
            html = client.get(reverse("priorities:plans", kwargs={"board": board})).content
        html = html.decode()
        return {
            table: [row[0] for row in table_rows(html, table)[1:]]
            for table in ("plans-in-force", "plans-not-started", "plans-closed")
        }

    assert standing("luton") == {
        "plans-in-force": [
            "Ofsted inspection of Luton children's services (2016): recommendations for the "
            "local authority",
            "Ofsted review of the effectiveness of the LSCB (2016): recommendations",
        ],
        "plans-not-started": [],
        "plans-closed": [
            "Luton Safeguarding Children Board Business Plan 2020-2022: priorities",
            "Luton Safeguarding Children Board priorities for 2017-2018",
            "Luton Safeguarding Children Board Priorities for 2016-2017",
            "Luton Safeguarding Children Board Business Plan 2015-2017",
        ],
    }
    assert standing("bedford-borough") == {
        "plans-in-force": [
            "Ofsted review of the effectiveness of the LSCB (2017): recommendations"
        ],
        "plans-not-started": [],
        "plans-closed": [
            "Bedford Borough Safeguarding Children Board strategic priorities 2016-2017"
        ],
    }


def test_the_luton_business_plans_say_which_superseded_which(loaded):
    plans = list(ActionPlan.objects.filter(board__slug="luton"))
    found = {
        plan.slug: successor.slug
        for plan, successor in ((p, selectors.superseding(plans).get(p.pk)) for p in plans)
        if successor
    }
    assert found == {
        "business-plan-2015-17": "priorities-2017-18",
        "priorities-2016-17": "priorities-2017-18",
        "priorities-2017-18": "priorities-2020-22",
    }


def test_all_actions_on_7_december_2026_lists_the_plans_in_force_and_the_rest_on_request(
    loaded, client
):
    chair = UserFactory(role=roles.INDEPENDENT_CHAIR, boards=list(loaded.values()))
    client.force_login(chair)

    def plans_listed(**params):
        with on_day(FIRST_SEEN):
            html = client.get(reverse("priorities:actions", kwargs={"board": "luton"}), params)
        return re.findall(r'assure-actions__plan"><a [^>]*>(.*?)</a>', html.content.decode())

    assert len(plans_listed()) == 2
    assert "Luton Safeguarding Children Board Business Plan 2015-2017" in plans_listed(
        closed="include", per_page=100
    )


@pytest.mark.parametrize(
    ("board", "year", "plans"),
    [
        ("luton", "2016-17", ["priorities-2016-17", "business-plan-2015-17"]),
        ("luton", "2020-21", ["priorities-2020-22"]),
        ("bedford-borough", "2016-17", ["priorities-2016-17"]),
    ],
)
def test_a_years_annual_report_lists_the_business_plans_in_force_during_it(
    loaded, board, year, plans
):
    context = Context(board=loaded[board], year=ReportingYear.objects.get(label=year))
    listed = list(dict.fromkeys(item.plan.slug for item in priority_progress(context)))
    assert listed == plans
