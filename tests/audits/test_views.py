import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Audit, Finding, Section11Rating, Section11Return
from priorities.models import ActionPlan
from tests.clock import on_day
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AssessmentFactory,
    AuditFactory,
    FindingFactory,
    FocusFactory,
    GroupFactory,
    InspectionFactory,
    JudgementFactory,
    MemberFactory,
    PlanFactory,
    RatingFactory,
    ReturnFactory,
    RoundFactory,
    StandardFactory,
    YearFactory,
)

pytestmark = pytest.mark.django_db


def url(name, world, **kwargs):
    return reverse(f"audits:{name}", kwargs={"board": world.board.slug, **kwargs})


def year(label):
    start = int(label[:4])
    return YearFactory(
        label=label, start=datetime.date(start, 4, 1), end=datetime.date(start + 1, 3, 31)
    )


# The audit programme


def test_the_programme_lists_the_boards_audits_and_its_pan_area_groups(world, client_for):
    pan = GroupFactory(
        slug="pan-beds", name="Pan Bedfordshire", boards=[world.board, world.other_board]
    )
    AuditFactory(board=world.board, year=world.year, theme="MASH referrals")
    AuditFactory(board=None, group=pan, year=world.year, theme="Neglect of under ones")
    AuditFactory(board=world.other_board, year=world.year, theme="Beta's own audit")
    page = client_for("chair").get(url("audits", world)).content.decode()
    assert "MASH referrals" in page
    assert "Neglect of under ones" in page
    assert "Pan Bedfordshire" in page
    assert "Beta&#x27;s own audit" not in page
    assert "Beta's own audit" not in page


def test_the_programme_filters_by_year_theme_kind_and_status(world, client_for):
    later = year("2020-21")
    AuditFactory(board=world.board, year=world.year, theme="Neglect", status="planned")
    AuditFactory(
        board=world.board,
        year=later,
        theme="Domestic abuse",
        kind="single-agency",
        start=datetime.date(2020, 7, 1),
    )
    client = client_for("manager")

    def themes(**query):
        response = client.get(url("audits", world), query)
        rows = response.context["table"].rows
        return sorted(row.record.theme for row in rows)

    assert themes() == ["Domestic abuse", "Neglect"]
    assert themes(year="2020-21") == ["Domestic abuse"]
    assert themes(theme="negl") == ["Neglect"]
    assert themes(kind="single-agency") == ["Domestic abuse"]
    assert themes(status="planned") == ["Neglect"]
    # A value the form refuses lists nothing rather than everything.
    assert themes(status="finished") == []
    assert themes(year="1999-00") == []


def test_the_programme_exports_what_is_filtered_as_csv(world, client_for):
    AuditFactory(board=world.board, year=world.year, theme="=HYPERLINK(1)", cases_audited=6)
    AuditFactory(board=world.board, year=world.year, theme="Other", status="planned")
    response = client_for("manager").get(
        url("audits", world), {"status": "reported", "_export": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Year",
        "Theme",
        "Whose",
        "Kind",
        "When",
        "Cases audited",
        "Status",
        "Findings",
    ]
    assert rows[1:] == [
        [
            "2016-17",
            "'=HYPERLINK(1)",
            world.board.name,
            "Multi-agency",
            "July 2016",
            "6",
            "Reported",
            "0",
        ]
    ]


def audits_with_findings(board, y, count):
    audits = Audit.objects.bulk_create(
        Audit(board=board, year=y, slug=f"a-{y.label}-{n}", kind="multi-agency", theme=f"T{n}")
        for n in range(count)
    )
    Finding.objects.bulk_create(
        Finding(audit=a, position=p, kind="strength", text="x") for a in audits for p in (1, 2)
    )


def test_the_programme_reads_the_same_number_of_queries_at_10_and_1000_audits(world, client_for):
    client = client_for("chair")
    audits_with_findings(world.board, world.year, 10)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("audits", world)).status_code == 200
    audits_with_findings(world.board, year("2017-18"), 990)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("audits", world), {"per_page": 100})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 100
    assert len(many) == len(few)


def test_the_annual_reports_selector_reads_in_constant_queries(
    world, django_assert_max_num_queries
):
    from audits.selectors import audits_for_year

    audits_with_findings(world.board, world.year, 1000)
    with django_assert_max_num_queries(3):
        audits = audits_for_year(board=world.board, year=world.year)
        assert sum(len(a.findings.all()) for a in audits) == 2000


# An audit's page and its forms


def test_a_manager_adds_an_audit(world, client_for):
    agency = AgencyFactory(name="Bedfordshire Police")
    MemberFactory(board=world.board, agency=agency)
    response = client_for("manager").post(
        url("audit_create", world),
        {
            "owner": "board",
            "year": "2016-17",
            "theme": "Referrals into the MASH",
            "kind": "multi-agency",
            "scope": "Referrals in November",
            "dated_by": "month",
            "start_day": "14",
            "start_month": "11",
            "start_year": "2016",
            "cases_audited": "6",
            "agencies": [agency.pk],
            "status": "reported",
        },
    )
    audit = Audit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("audit", world, audit=audit.slug)
    assert (audit.start, audit.cases_audited, audit.board) == (
        datetime.date(2016, 11, 1),
        6,
        world.board,
    )
    assert list(audit.agencies.all()) == [agency]
    # The history keeps the audit as first saved, then with its agencies.
    assert audit.history.count() == 2


def test_the_add_form_shows_the_services_refusal(world, client_for):
    response = client_for("manager").post(
        url("audit_create", world),
        {
            "owner": "board",
            "year": "2016-17",
            "theme": "Referrals",
            "kind": "multi-agency",
            "dated_by": "month",
            "start_day": "1",
            "start_month": "5",
            "start_year": "2017",
            "status": "planned",
        },
    )
    assert response.status_code == 400
    assert "May 2017 is not in the reporting year 2016-17" in response.content.decode()
    assert Audit.objects.count() == 0


@on_day(datetime.date(2026, 12, 2))
def test_a_refused_audit_of_a_new_year_leaves_no_year_behind(world, client_for):
    from board.models import ReportingYear

    years = ReportingYear.objects.count()
    response = client_for("manager").post(
        url("audit_create", world),
        {
            "owner": "board",
            "year": "2026-27",
            "theme": "",
            "kind": "multi-agency",
            "dated_by": "month",
            "status": "planned",
        },
    )
    assert response.status_code == 400
    assert ReportingYear.objects.count() == years
    saved = client_for("manager").post(
        url("audit_create", world),
        {
            "owner": "board",
            "year": "2026-27",
            "theme": "Neglect",
            "kind": "multi-agency",
            "dated_by": "month",
            "status": "planned",
        },
    )
    assert saved.status_code == 302
    assert Audit.objects.get().year.label == "2026-27"
    assert ReportingYear.objects.count() == years + 1


def test_an_audits_page_shows_findings_and_the_current_rag_of_their_actions(world, client_for):
    plan = PlanFactory(board=world.board, kind=ActionPlan.Kind.AUDIT, slug="audit-plan")
    action = ActionFactory(plan=plan, ref="A1", description="Train officers on adult risk")
    AssessmentFactory(
        action=action,
        assessed_on=datetime.date(2021, 1, 5),
        process="GREEN",
        impact="AMBER",
        commentary="Slow",
    )
    AssessmentFactory(
        action=action,
        assessed_on=datetime.date(2021, 3, 5),
        process="BLUE",
        impact="GREEN",
        commentary="",
    )
    audit = AuditFactory(board=world.board, year=world.year, plan=plan, theme="MASH")
    FindingFactory(
        audit=audit, position=1, kind="concern", text="Adult vulnerability missed", action=action
    )
    FindingFactory(audit=audit, position=2, kind="strength", text="Good partnership working")
    page = client_for("chair").get(url("audit", world, audit=audit.slug)).content.decode()
    assert "Adult vulnerability missed" in page
    assert "Process Blue (completed)" in page
    assert "Impact Green" in page
    assert "Good partnership working" in page
    # A chair reads; only a business manager turns a finding into an action.
    assert "Turn this finding into an action" not in page


def test_a_manager_turns_a_finding_into_an_action(world, client_for):
    audit = AuditFactory(board=world.board, year=world.year, theme="MASH")
    FindingFactory(audit=audit, position=1, kind="concern", text="Recording inconsistent")
    client = client_for("manager")
    form = client.get(url("finding_action", world, audit=audit.slug, position=1))
    assert "Recording inconsistent" in form.content.decode()
    response = client.post(
        url("finding_action", world, audit=audit.slug, position=1),
        {"ref": "1", "description": "Audit recording", "lead": "MASH manager"},
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert (finding.action.ref, finding.action.plan.kind, finding.action.lead) == (
        "1",
        "audit",
        "MASH manager",
    )
    page = client.get(url("audit", world, audit=audit.slug)).content.decode()
    assert "Not assessed" in page or "not assessed" in page


def test_a_finding_number_beyond_any_column_is_not_found(world, client_for):
    audit = AuditFactory(board=world.board, year=world.year)
    response = client_for("manager").get(
        url("finding_action", world, audit=audit.slug, position=10**30)
    )
    assert response.status_code == 404


def test_another_boards_audit_is_not_found_through_this_board(world, client_for):
    theirs = AuditFactory(board=world.other_board, year=world.year)
    assert client_for("manager").get(url("audit", world, audit=theirs.slug)).status_code == 404


# Section 11


@pytest.fixture
def section11(world):
    section11 = RoundFactory(
        board=world.board, year=world.year, slug="s11", title="Section 11 2016"
    )
    standards = [
        StandardFactory(board=world.board, number=n, title=f"Standard {n}") for n in (5, 7, 8)
    ]
    for standard in standards:
        FocusFactory(round=section11, standard=standard)
    return section11, standards


def test_the_matrix_names_each_rating_in_words(world, client_for, section11):
    section11, (five, seven, _eight) = section11
    ret = ReturnFactory(round=section11, agency=AgencyFactory(name="Luton CCG", slug="ccg"))
    RatingFactory(ret=ret, standard=five, level="met")
    RatingFactory(ret=ret, standard=seven, level="not-met")
    ReturnFactory(
        round=section11,
        agency=AgencyFactory(name="Schools", slug="schools"),
        submitted=False,
        submitted_on=None,
    )
    page = client_for("chair").get(url("round", world, round="s11")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--green">Met</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--red">Not met</strong>' in page
    assert "Not rated" in page
    assert "Not returned" in page
    assert 'id="returns-in">1 of 2<' in page
    not_returned = page.split('id="not-returned"')[1]
    assert "Schools" in not_returned
    assert "Luton CCG" not in not_returned


def test_a_manager_records_a_return_and_the_matrix_changes(world, client_for, section11):
    section11, (five, seven, eight) = section11
    agency = AgencyFactory(name="Bedfordshire Police", slug="police")
    MemberFactory(board=world.board, agency=agency)
    client = client_for("manager")
    response = client.post(
        url("return_record", world, round="s11"),
        {
            "agency": "police",
            "submitted": "on",
            "submitted_on_day": "30",
            "submitted_on_month": "11",
            "submitted_on_year": "2016",
            f"standard_{five.pk}_level": "partially-met",
            f"standard_{five.pk}_evidence": "Webinars",
            f"standard_{seven.pk}_level": "met",
            f"standard_{eight.pk}_level": "",
        },
    )
    assert response.status_code == 302
    ret = Section11Return.objects.get()
    assert (ret.agency, ret.submitted_on) == (agency, datetime.date(2016, 11, 30))
    assert dict(Section11Rating.objects.values_list("standard__number", "level")) == {
        5: "partially-met",
        7: "met",
    }
    page = client.get(url("round", world, round="s11")).content.decode()
    assert "Partially met" in page
    detail = client.get(url("return", world, round="s11", agency="police")).content.decode()
    assert "Webinars" in detail


def test_a_return_refused_by_the_service_shows_why(world, client_for, section11):
    section11, (five, *_rest) = section11
    agency = AgencyFactory(slug="police")
    MemberFactory(board=world.board, agency=agency)
    response = client_for("manager").post(
        url("return_record", world, round="s11"),
        {"agency": "police", f"standard_{five.pk}_level": "met"},
    )
    assert response.status_code == 400
    assert "Ratings are recorded on a submitted return" in response.content.decode()
    assert Section11Return.objects.count() == 0


def test_the_matrix_reads_constant_queries_at_50_agencies_by_8_standards(world, client_for):
    section11 = RoundFactory(board=world.board, year=world.year, slug="big")
    standards = [StandardFactory(board=world.board, number=n) for n in range(1, 9)]
    for standard in standards:
        FocusFactory(round=section11, standard=standard)
    client = client_for("chair")

    def add_agencies(count):
        for _ in range(count):
            ret = ReturnFactory(round=section11)
            Section11Rating.objects.bulk_create(
                Section11Rating(ret=ret, standard=s, level="met") for s in standards
            )

    add_agencies(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url("round", world, round="big"))
    add_agencies(48)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url("round", world, round="big")).content.decode()
    assert page.count(">Met</strong>") == 400
    assert len(many) == len(few)


# Inspections


def test_an_inspection_shows_its_judgements_and_its_recommendations_rag(world, client_for):
    plan = PlanFactory(
        board=world.board, kind=ActionPlan.Kind.INSPECTION, title="Ofsted recommendations"
    )
    action = ActionFactory(plan=plan, ref="129", description="Extend the audit programme")
    AssessmentFactory(action=action, process="AMBER", impact="RED", commentary="Behind")
    inspection = InspectionFactory(board=world.board, slug="ofsted-2016")
    inspection.plans.add(plan)
    JudgementFactory(
        inspection=inspection, position=1, area="The LSCB", grade="Requires improvement"
    )
    page = (
        client_for("chair").get(url("inspection", world, inspection="ofsted-2016")).content.decode()
    )
    assert (
        '<th scope="row" class="govuk-table__header">The LSCB</th><td class="govuk-table__cell">Requires improvement</td>'
        in page
    )
    assert "Extend the audit programme" in page
    assert "Process Amber" not in page  # the table heads the column; the tag names the rating
    assert ">Amber</strong>" in page
    assert ">Red</strong>" in page


def test_inspections_of_another_board_are_not_listed(world, client_for):
    InspectionFactory(board=world.other_board, kind="Their inspection")
    InspectionFactory(board=world.board, kind="Our inspection")
    page = client_for("chair").get(url("inspections", world)).content.decode()
    assert "Our inspection" in page
    assert "Their inspection" not in page


def test_the_board_navigation_leads_to_audits_for_readers_only(world, client_for):
    page = client_for("chair").get(reverse("board:home", kwargs={"board": world.board.slug}))
    assert url("audits", world) in page.content.decode()
    page = client_for("partner").get(reverse("board:home", kwargs={"board": world.board.slug}))
    assert url("audits", world) not in page.content.decode()


def test_a_pan_area_audit_is_seen_from_each_board_it_serves(world, client_for, users):
    pan = GroupFactory(boards=[world.board, world.other_board])
    audit = AuditFactory(board=None, group=pan, year=world.year)
    mine = client_for("manager").get(url("audit", world, audit=audit.slug))
    theirs = client_for("other_manager").get(
        reverse("audits:audit", kwargs={"board": world.other_board.slug, "audit": audit.slug})
    )
    assert (mine.status_code, theirs.status_code) == (200, 200)
