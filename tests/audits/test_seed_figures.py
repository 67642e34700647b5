"""The seeds' audits, Section 11 rounds and inspections, read back through
the pages a business manager of both Bedfordshire boards opens."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from audits.models import Audit, Inspection
from board.models import Board
from core import roles
from priorities.models import ActionPlan
from tests.core.test_load_past_reports import seeds_dir
from tests.factories import UserFactory
from tests.html import table_rows


@pytest.fixture
def manager(db, client):
    call_command("load_past_reports", verbosity=0, stdout=StringIO())
    user = UserFactory(
        username="manager",
        role=roles.BUSINESS_MANAGER,
        boards=list(Board.objects.filter(slug__in=["luton", "bedford-borough"])),
    )
    client.force_login(user)
    return client


def page(client, name, board, **kwargs):
    response = client.get(reverse(f"audits:{name}", kwargs={"board": board, **kwargs}))
    assert response.status_code == 200
    return response.content.decode()


def test_lutons_2020_21_audit_programme_reads_back(manager):
    html = manager.get(
        reverse("audits:audits", kwargs={"board": "luton"}), {"year": "2020-21"}
    ).content.decode()
    rows = table_rows(html, "audit-programme")
    assert rows[1:] == [
        [
            "2020-21",
            "Children under 1 on a child protection plan for neglect: the impact of COVID-19 "
            "on practice",
            "Pan Bedfordshire Learning and Improvement Group",
            "Multi-agency",
            "July 2020",
            "—",
            "Reported",
            "14",
        ],
        [
            "2020-21",
            "Referrals into the MASH",
            "Luton Safeguarding Children Board",
            "Multi-agency",
            "November 2020",
            "—",
            "Reported",
            "7",
        ],
        [
            "2020-21",
            "Domestic abuse: MARAC cases",
            "Pan Bedfordshire Learning and Improvement Group",
            "Multi-agency",
            "January to February 2021",
            "6",
            "Reported",
            "3",
        ],
    ]


def test_the_marac_audit_states_its_6_cases_and_the_neglect_audit_no_count(manager):
    marac = page(manager, "audit", "luton", audit="pan-bedfordshire-marac-domestic-abuse-2021")
    assert 'id="cases-audited">6<' in marac
    neglect = page(manager, "audit", "luton", audit="pan-bedfordshire-neglect-under-ones-2020")
    assert 'id="cases-audited">Not given<' in neglect
    assert "no GCP2 assessments were undertaken" in neglect


def test_the_pan_bedfordshire_audits_are_bedford_boroughs_too(manager):
    html = manager.get(
        reverse("audits:audits", kwargs={"board": "bedford-borough"}), {"year": "2020-21"}
    ).content.decode()
    themes = [row[1] for row in table_rows(html, "audit-programme")[1:]]
    assert themes == [
        "Children under 1 on a child protection plan for neglect: the impact of COVID-19 "
        "on practice",
        "Domestic abuse: MARAC cases",
    ]


def test_bedford_boroughs_2016_17_audits_read_back(manager):
    html = manager.get(
        reverse("audits:audits", kwargs={"board": "bedford-borough"}), {"year": "2016-17"}
    ).content.decode()
    rows = [(row[1], row[3], row[4]) for row in table_rows(html, "audit-programme")[1:]]
    assert sorted(rows) == sorted(
        [
            ("Child sexual exploitation and domestic abuse", "Multi-agency", "Not given"),
            ("Voice of fathers", "Single-agency, shared with the board", "Not given"),
            (
                "Referrals to children's social care from Bedfordshire & Luton Mental Health "
                "& Wellbeing Services",
                "Single-agency, shared with the board",
                "Not given",
            ),
            (
                "Re-audit of compliance with the Child Protection Medical Pathway: referral "
                "documentation and reporting processes",
                "Single-agency, shared with the board",
                "Not given",
            ),
            (
                "Management of children and young people who miss their clinical appointments",
                "Single-agency, shared with the board",
                "Not given",
            ),
            (
                "Children subject to child protection plans for 18 months or more",
                "Single-agency, shared with the board",
                "Not given",
            ),
        ]
    )


def test_the_2020_21_section_11_round_focused_on_standards_5_7_and_8(manager):
    html = page(manager, "round", "luton", round="pan-bedfordshire-section-11-2020-21")
    assert 'id="standard-5"' in html
    assert "Standard 5: Training" in html
    assert "Standard 7: Effective inter-agency working" in html
    assert "Standard 8: Information sharing" in html
    assert "pre-birth panels" in html
    # No agency's return or rating is stated, so none is shown.
    assert 'id="no-returns"' in html
    rounds = page(manager, "rounds", "bedford-borough")
    rows = table_rows(rounds, "round-table")
    assert [r[:3] for r in rows[1:]] == [
        [
            "Pan Bedfordshire Section 11 self-assessment 2020-21, Pan Beds Coordinating Group",
            "2020-21",
            "5, 7, 8",
        ],
        ["Section 11 audit 2016-17", "2016-17", "None chosen"],
    ]


def test_ofsted_luton_2016_reads_back_with_its_judgements_and_both_plans(manager):
    html = page(manager, "inspection", "luton", inspection="ofsted-luton-2016")
    assert table_rows(html, "judgements") == [
        ["Area", "Judgement"],
        ["Children's services (overall effectiveness)", "Require improvement to be good"],
        ["1. Children who need help and protection", "Requires improvement"],
        ["2. Children looked after and achieving permanence", "Requires improvement"],
        ["2.1 Adoption performance", "Requires improvement"],
        ["2.2 Experiences and progress of care leavers", "Good"],
        ["3. Leadership, management and governance", "Requires improvement"],
        ["The Local Safeguarding Children Board", "Requires improvement"],
    ]
    assert "11 January 2016 to 4 February 2016" in html
    assert "Carry out a multi-agency audit of early help." in html
    assert "Significantly reduce the average size of social workers" in html
    # The two plans fixture 004 loaded are the inspection's, not copies.
    inspection = Inspection.objects.get(slug="ofsted-luton-2016")
    assert sorted(p.slug for p in inspection.plans.all()) == [
        "ofsted-2016-local-authority-recommendations",
        "ofsted-2016-lscb-recommendations",
    ]
    assert ActionPlan.objects.filter(board__slug="luton", kind="inspection").count() == 2


def test_bedford_boroughs_ofsted_2017_review_was_good_with_two_recommendations(manager):
    html = page(
        manager, "inspection", "bedford-borough", inspection="ofsted-bedford-borough-lscb-2017"
    )
    assert table_rows(html, "judgements")[1:] == [["The Local Safeguarding Children Board", "Good"]]
    # The source gives the month the report was published, not the review's
    # dates: each under its own heading, never the one for the other.
    rows = dict(
        re.findall(
            r'summary-list__key">([^<]+)</dt><dd class="govuk-summary-list__value">([^<]+)</dd>',
            html,
        )
    )
    assert rows["Inspected"] == "Not given"
    assert rows["Report published"] == "April 2017"
    seed = (seeds_dir() / "002_f37755e3edfd8c21.txt").read_text()
    assert "report published in April 2017" in seed
    plan = Inspection.objects.get(slug="ofsted-bedford-borough-lscb-2017").plans.get()
    assert list(plan.actions.values_list("ref", flat=True)) == ["1", "2"]
    assert "Ensure that action plans arising from multi-agency audits are monitored" in html


def test_no_seed_audit_carries_a_date_outside_its_year_or_an_invented_count(manager):
    counts = dict(Audit.objects.values_list("slug", "cases_audited"))
    assert {slug: n for slug, n in counts.items() if n is not None} == {
        "pan-bedfordshire-marac-domestic-abuse-2021": 6
    }
    for audit in Audit.objects.select_related("year"):
        if audit.start:
            assert audit.year.start <= audit.start <= audit.year.end
