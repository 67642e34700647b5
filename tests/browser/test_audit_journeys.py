"""A business manager records an audit with two findings and turns one into
an action, and records an agency's Section 11 return and sees the matrix
change; a chair reads an inspection's judgements and the RAG of its
recommendations. Every page is checked with axe."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from audits.models import Audit, Finding, Section11Rating
from board.models import ReportingYear
from core import roles
from priorities.models import ActionPlan
from tests.browser.conftest import check_accessibility
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AssessmentFactory,
    FocusFactory,
    InspectionFactory,
    JudgementFactory,
    MemberFactory,
    PlanFactory,
    ReturnFactory,
    RoundFactory,
    StandardFactory,
    UserFactory,
)


@pytest.fixture
def manager(world):
    return UserFactory(username="manager", role=roles.BUSINESS_MANAGER, boards=[world.board])


@pytest.fixture
def chair(world):
    return UserFactory(username="chair", role=roles.INDEPENDENT_CHAIR, boards=[world.board])


def open_audits(page, world):
    nav = page.get_by_role("navigation", name=f"{world.board.short_name} pages")
    nav.get_by_role("link", name="Audits and inspections", exact=True).click()


def test_a_manager_records_an_audit_with_two_findings_and_turns_one_into_an_action(
    page, live_server, manager, world, sign_in
):
    ReportingYear.for_start_year(2020)
    sign_in("manager")
    open_audits(page, world)
    expect(page.get_by_role("heading", name="Audit programme")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Add an audit").click()
    expect(page.get_by_role("heading", name="Add an audit")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Reporting year").select_option("2020-21")
    page.get_by_label("Theme").fill("Referrals into the MASH")
    page.get_by_label("Multi-agency").check()
    page.get_by_label("The report gives the month").check()
    # November 2020 belongs to 2020-21; a month of the next year is refused.
    page.locator("#id_start_0").fill("1")
    page.locator("#id_start_1").fill("4")
    page.locator("#id_start_2").fill("2021")
    page.get_by_label("Reported").check()
    page.get_by_role("button", name="Save audit").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("April 2021 is not in the reporting year 2020-21"))
    ).to_be_visible()
    check_accessibility(page)
    assert Audit.objects.count() == 0

    page.locator("#id_start_1").fill("11")
    page.locator("#id_start_2").fill("2020")
    page.get_by_role("button", name="Save audit").click()
    expect(page.get_by_role("heading", name="Referrals into the MASH")).to_be_visible()
    expect(page.locator("#audit-summary")).to_contain_text("November 2020")
    check_accessibility(page)

    for kind, text in (
        ("Strength", "Good partnership working"),
        ("Concern", "Recording was inconsistent"),
    ):
        page.get_by_role("button", name="Add a finding").click()
        page.get_by_label(kind, exact=True).check()
        page.get_by_label("What the audit found").fill(text)
        check_accessibility(page)
        page.get_by_role("button", name="Save finding").click()
        expect(page.get_by_text(text, exact=True)).to_be_visible()

    page.get_by_role(
        "link", name="Turn this finding into an action (concern: Recording was inconsistent)"
    ).click()
    expect(page.get_by_role("heading", name="Turn a finding into an action")).to_be_visible()
    expect(page.get_by_label("Action")).to_have_value("Recording was inconsistent")
    check_accessibility(page)
    page.get_by_label("Reference").fill("1")
    page.get_by_label("Lead (optional)").fill("MASH manager")
    page.get_by_role("button", name="Add action").click()

    expect(page.get_by_text("Action 1 added to Audit: Referrals into the MASH")).to_be_visible()
    concern = page.locator("#finding-2")
    expect(concern).to_contain_text("Process not assessed")
    expect(concern).to_contain_text("Impact not assessed")
    expect(page.locator("#finding-1")).to_contain_text("Turn this finding into an action")
    expect(page.locator("#recommendation-table")).to_contain_text("Recording was inconsistent")
    check_accessibility(page)
    finding = Finding.objects.get(position=2)
    assert finding.action.plan.kind == ActionPlan.Kind.AUDIT
    assert finding.action.lead == "MASH manager"


def test_a_manager_records_an_agencys_section_11_return_and_sees_the_matrix_change(
    page, live_server, manager, world, sign_in
):
    section11 = RoundFactory(
        board=world.board, year=world.year, slug="s11-2016", title="Section 11 2016-17"
    )
    standards = {}
    for number, title in (
        (5, "Training"),
        (7, "Effective inter-agency working"),
        (8, "Information sharing"),
    ):
        standards[number] = StandardFactory(board=world.board, number=number, title=title)
        FocusFactory(round=section11, standard=standards[number])
    ccg = AgencyFactory(name="Luton CCG", slug="luton-ccg")
    MemberFactory(board=world.board, agency=ccg)
    ReturnFactory(round=section11, agency=ccg, submitted=False, submitted_on=None)
    police = ReturnFactory(round=section11, agency=AgencyFactory(name="Bedfordshire Police"))
    Section11Rating.objects.create(ret=police, standard=standards[5], level="met")

    sign_in("manager")
    open_audits(page, world)
    page.get_by_role("link", name="Section 11 self-assessments").click()
    page.get_by_role("link", name="Section 11 2016-17").click()
    # At 320px (400% zoom) the page itself must not scroll sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    expect(page.get_by_role("heading", name="Section 11 2016-17")).to_be_visible()
    matrix = page.locator("#section11-matrix")
    expect(matrix.get_by_role("row", name=re.compile("^Luton CCG"))).to_contain_text("Not returned")
    # The wide matrix scrolls in its own region, which the keyboard reaches.
    region = page.get_by_role("region", name="Agencies by standard")
    region.focus()
    expect(region).to_be_focused()
    check_accessibility(page)

    page.get_by_role("link", name="record its return for Luton CCG").click()
    expect(page.get_by_role("heading", name="Record an agency's return")).to_be_visible()
    expect(page.get_by_label("Agency")).to_have_value("luton-ccg")
    check_accessibility(page)
    page.get_by_label("The return has been submitted").check()
    page.locator("#id_submitted_on_0").fill("30")
    page.locator("#id_submitted_on_1").fill("11")
    page.locator("#id_submitted_on_2").fill("2016")
    page.get_by_label("Standard 5: rating").select_option(label="Partially met")
    page.get_by_label("Standard 5: evidence").fill("Training compliance reports")
    page.get_by_label("Standard 7: rating").select_option(label="Met")
    page.get_by_role("button", name="Save return").click()

    expect(page.get_by_text("Luton CCG's return saved.")).to_be_visible()
    row = page.locator("#section11-matrix").get_by_role("row", name=re.compile("^Luton CCG"))
    cells = row.get_by_role("cell")
    expect(cells.nth(0)).to_have_text("Partially met")
    expect(cells.nth(1)).to_have_text("Met")
    expect(cells.nth(2)).to_have_text("Not rated")
    expect(page.locator("#returns-in")).to_have_text("2 of 2")
    expect(page.locator("#all-returned")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Luton CCG").click()
    expect(page.get_by_role("heading", name="Luton CCG's return")).to_be_visible()
    expect(page.get_by_text("Training compliance reports")).to_be_visible()
    expect(page.get_by_text(f"Yes, {datetime.date(2016, 11, 30):%-d %B %Y}")).to_be_visible()
    check_accessibility(page)


def test_a_chair_sees_an_inspections_judgements_and_the_rag_of_its_recommendations(
    page, live_server, chair, world, sign_in
):
    plan = PlanFactory(
        board=world.board,
        kind=ActionPlan.Kind.INSPECTION,
        slug="ofsted-recs",
        title="Ofsted recommendations",
    )
    first = ActionFactory(plan=plan, ref="129", description="Extend the programme of audits")
    AssessmentFactory(action=first, process="AMBER", impact="RED", commentary="Capacity")
    ActionFactory(plan=plan, ref="130", description="Carry out a multi-agency audit of early help")
    inspection = InspectionFactory(
        board=world.board, slug="ofsted-2016", kind="Review of the effectiveness of the LSCB"
    )
    inspection.plans.add(plan)
    JudgementFactory(
        inspection=inspection, position=1, area="The LSCB", grade="Requires improvement"
    )

    sign_in("chair")
    open_audits(page, world)
    page.get_by_role("link", name="Inspections", exact=True).click()
    check_accessibility(page)
    page.get_by_role("link", name="Review of the effectiveness of the LSCB").click()
    judgements = page.locator("#judgements")
    expect(judgements.get_by_role("row", name=re.compile("^The LSCB"))).to_contain_text(
        "Requires improvement"
    )
    recommendations = page.locator('table[data-plan="ofsted-recs"]')
    rated = recommendations.get_by_role("row", name=re.compile("^129"))
    expect(rated.get_by_role("cell").nth(1)).to_have_text("Amber")
    expect(rated.get_by_role("cell").nth(2)).to_have_text("Red")
    unrated = recommendations.get_by_role("row", name=re.compile("^130"))
    expect(unrated.get_by_role("cell").nth(1)).to_have_text("Not assessed")
    check_accessibility(page)
    # A chair reads: nothing here offers to change the record.
    expect(page.get_by_role("button", name=re.compile("Record|Add|Change"))).to_have_count(0)
