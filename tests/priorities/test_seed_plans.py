"""The plans transcribed from the Luton 2020-21 annual report and the 2016
Ofsted inspection, read back through Assure's pages as the documents state
them: every recommendation by its paragraph or number, and its opening words."""

import datetime
import html as htmllib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from board.models import Board
from core import roles
from priorities import selectors
from priorities.models import ActionPlan
from tests.clock import on_day
from tests.factories import UserFactory
from tests.html import table_rows

# Ofsted, Luton 2016, review of the LSCB: recommendations, paragraphs 129-135.
LSCB_RECOMMENDATIONS = [
    ("129", "Significantly extend the programme of joint- and single-agency audits"),
    ("130", "Carry out a multi-agency audit of early help."),
    ("131", "Ensure that the board regularly reviews the effectiveness of partner"),
    ("132", "Agree and adopt an appropriate range of performance measures"),
    ("133", "Ensure that all action plans produced by the board"),
    ("134", "Increase the level of engagement with faith groups"),
    ("135", "Take steps to ensure that the board is able to exercise significant"),
]

# Ofsted, Luton 2016: the twelve recommendations for the local authority.
LOCAL_AUTHORITY_RECOMMENDATIONS = [
    ("1", "Significantly reduce the average size of social workers' caseloads"),
    ("2", "Ensure that professionals routinely receive feedback"),
    ("3", "Ensure that all staff receive regular, high-quality supervision"),
    ("4", "Ensure that, as key agents of change, the chairs of child protection"),
    ("5", "Ensure that all assessments: are of a consistently good standard"),
    ("6", "Ensure that all plans are easily accessible, focused on outcomes"),
    ("7", "Ensure that strategy discussions include an appropriate range of"),
    ("8", "Ensure a more robust approach to the use of the Public Law Outline"),
    ("9", "Ensure that there is a suitable range of placements available"),
    ("10", "Ensure that senior managers and leaders make best use of existing"),
    ("11", "Ensure that adoption performance data and trends are rigorously"),
    ("12", "Ensure that life story work is completed with children"),
]

# Luton Safeguarding Children Board Annual Report 2020-21: the priorities for 2020-22.
PRIORITIES_2020_22 = [
    "Priority 1: Domestic abuse (joint with the LSAB)",
    "Priority 2: Implementing learning from reviews (Pan Beds)",
    "Priority 3: Neglect (Pan Beds)",
    "Priority 4: Children’s Emotional Wellbeing and Mental Health (Pan Beds)",
]


@pytest.fixture
def chair_client(client, db):
    call_command("load_past_reports", verbosity=0, stdout=StringIO())
    chair = UserFactory(
        username="chair", role=roles.INDEPENDENT_CHAIR, boards=list(Board.objects.all())
    )
    client.force_login(chair)
    return client


def plan_url(slug):
    return reverse("priorities:plan", kwargs={"board": "luton", "plan": slug})


def action_rows(page):
    """(ref, action text) of every action row on a plan page, in order."""
    found = re.findall(
        r'<tr class="govuk-table__row" id="ref-([^"]+)">.*?'
        r'<td class="govuk-table__cell">(.*?)</td>',
        page,
        re.S,
    )
    return [(ref, htmllib.unescape(text)) for ref, text in found]


@pytest.mark.parametrize(
    ("slug", "recommendations"),
    [
        ("ofsted-2016-lscb-recommendations", LSCB_RECOMMENDATIONS),
        ("ofsted-2016-local-authority-recommendations", LOCAL_AUTHORITY_RECOMMENDATIONS),
    ],
)
def test_the_ofsted_recommendations_read_back_by_ref_and_text(chair_client, slug, recommendations):
    page = chair_client.get(plan_url(slug)).content.decode()
    rows = action_rows(page)
    assert [ref for ref, _ in rows] == [ref for ref, _ in recommendations]
    for (ref, text), (_, start) in zip(rows, recommendations, strict=True):
        assert text.startswith(start), ref
    assert "Actions not under a priority" in page
    assert "Inspection, 2016" in page
    assert "Not assessed" in page


def test_the_2020_22_priorities_read_back_in_order_with_no_invented_actions(chair_client):
    page = chair_client.get(plan_url("priorities-2020-22")).content.decode()
    headings = [
        # The heading's words, whether or not they link to the priority's page.
        htmllib.unescape(re.sub(r"<[^>]+>", "", h))
        for h in re.findall(r'<h2 class="govuk-heading-m" id="priority-\d+">(.*?)</h2>', page)
    ]
    assert headings == PRIORITIES_2020_22
    assert action_rows(page) == []
    assert page.count("No actions are recorded under this priority") == 4
    plan = ActionPlan.objects.get(board__slug="luton", slug="priorities-2020-22")
    blocks = selectors.plan_detail(plan=plan)
    assert [(b.priority.number, b.actions) for b in blocks] == [(1, []), (2, []), (3, []), (4, [])]


def test_the_luton_plans_list_counts_every_plans_actions(chair_client):
    with on_day(datetime.date(2026, 12, 7)):
        page = chair_client.get(reverse("priorities:plans", kwargs={"board": "luton"}))
    page = page.content.decode()
    rows = {
        row[0]: row[1:]
        for table in ("plans-in-force", "plans-closed")
        for row in table_rows(page, table)[1:]
    }
    by_slug = {p.slug: rows[p.title] for p in ActionPlan.objects.filter(board__slug="luton")}
    assert by_slug["priorities-2020-22"] == [
        "Business plan",
        "2020-2022 1 April 2020 to 31 March 2022",
        "Closed: its period ended on 31 March 2022",
        "0",
        "No actions",
    ]
    assert by_slug["ofsted-2016-lscb-recommendations"] == [
        "Inspection",
        "2016 From 29 March 2016 until its actions are complete",
        "In force since 29 March 2016, until its actions are complete",
        "7",
        "7 not assessed",
    ]
    assert by_slug["ofsted-2016-local-authority-recommendations"][3:] == ["12", "12 not assessed"]
    assert by_slug["business-plan-2015-17"][1:] == [
        "2015-2017 1 April 2015 to 31 March 2017",
        "Closed: its period ended on 31 March 2017 Superseded by Luton Safeguarding Children "
        "Board priorities for 2017-2018",
        "22",
        "22 not assessed",
    ]
