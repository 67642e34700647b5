"""Section builders against real data on more than one board: exact values,
edges of the year, and links back to where each figure comes from."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from board.models import Attendance, PublishedTotal
from priorities.models import Rating
from reports.checklist import checklist
from reports.models import SectionKind
from reports.sections import Context, build_report, glossary, little_progress
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    AttendanceFactory,
    ContributionFactory,
    GroupFactory,
    MeetingFactory,
    MemberFactory,
    PriorityFactory,
)
from tests.reports.annual_helpers import complete_data, draft, write_narrative, year_2016

pytestmark = pytest.mark.django_db


def built_section(report, kind):
    built = build_report(report)
    return next(s for s in built.sections if s.kind == kind)


def cells(table):
    return [[c.text for c in row] for row in table.rows]


def test_the_budget_shows_each_line_with_the_computed_and_the_stated_totals(world):
    year = year_2016()
    ContributionFactory(board=world.board, year=year, label="Council", amount=Decimal("100000"))
    ContributionFactory(board=world.board, year=year, label="Police", amount=Decimal("20000.50"))
    ContributionFactory(
        board=world.board, year=type(year).for_start_year(2015), label="Council", amount=90000
    )
    ContributionFactory(board=world.other_board, year=year, label="Elsewhere", amount=5)
    PublishedTotal.objects.create(board=world.board, year=year, amount=Decimal("120500.00"))
    section = built_section(draft(world), SectionKind.BUDGET)
    (table,) = section.tables
    assert table.head == ["Contributor", "2016-17", "2015-16"]
    assert cells(table) == [["Council", "£100,000", "£90,000"], ["Police", "£20,000.50", ""]]
    assert [c.text for c in table.foot] == [
        "Total (computed from the lines)",
        "£120,000.50",
        "£90,000",
    ]
    assert table.source == "/boards/alpha/budget/?year=2016-17"
    (paragraph,) = [b for b in section.blocks if b.kind == "paragraph"]
    assert paragraph.text == (
        "The total stated in the published report: £120,500. The lines recorded add up to "
        "£120,000.50, a difference of £499.50."
    )


def test_attendance_counts_deputies_and_leaves_out_seats_not_yet_members(world):
    year = year_2016()
    other = MemberFactory(board=world.board, groups=[world.group], person="A Deputy")
    second = MeetingFactory(group=world.group, date=datetime.date(2016, 9, 1))
    third = MeetingFactory(group=world.group, date=datetime.date(2017, 3, 31))
    MeetingFactory(group=world.group, date=datetime.date(2017, 4, 1))  # next year
    AttendanceFactory(meeting=second, member=world.member, status=Attendance.Status.DEPUTY)
    AttendanceFactory(meeting=third, member=world.member, status=Attendance.Status.APOLOGIES)
    AttendanceFactory(meeting=world.meeting, member=other, status=Attendance.Status.NOT_APPLICABLE)
    AttendanceFactory(meeting=second, member=other, status=Attendance.Status.ABSENT)
    AttendanceFactory(meeting=third, member=other, status=Attendance.Status.ATTENDED)
    world.group.kind = "strategic-board"
    world.group.save()
    report = draft(world)
    (table,) = built_section(report, SectionKind.ATTENDANCE).tables
    assert table.head[1:] == ["19 May 2016", "1 Sep 2016", "31 Mar 2017", "Attended", "Attendance"]
    rows = {row[0]: row[1:] for row in cells(table)}
    assert rows[world.member.label] == [
        "Attended",
        "Deputy attended",
        "Apologies",
        "2 of 3",
        "67%",
    ]
    assert rows[other.label] == ["Not yet a member", "Absent", "Attended", "1 of 2", "50%"]
    assert table.source == f"/boards/alpha/meetings/?group={world.group.slug}&year={year.label}"


def test_priorities_are_rated_as_at_the_end_of_the_year(world):
    AssessmentFactory(
        action=world.action,
        assessed_on=datetime.date(2017, 3, 31),
        process=Rating.AMBER,
        impact=Rating.RED,
        evidence="",
    )
    AssessmentFactory(
        action=world.action,
        assessed_on=datetime.date(2017, 4, 1),  # the next year: not in this report
        process=Rating.BLUE,
        impact=Rating.GREEN,
        evidence="Later audit",
    )
    unrated = ActionFactory(plan=world.plan, priority=world.action.priority, ref="1b")
    section = built_section(draft(world), SectionKind.PRIORITIES)
    ratings, table = section.tables
    assert cells(table) == [
        ["1a", world.action.description, "Amber", "Red", "None recorded"],
        ["1b", unrated.description, "Not rated", "Not rated", "None recorded"],
    ]
    assert table.rows[0][0].href == "/boards/alpha/plans/business-plan/actions/1a/"
    # The counts by rating at the end of the year, charted process beside impact.
    assert ratings.key == "priority-ratings"
    assert ratings.head == ["Priority", "Red", "Amber", "Green", "Blue", "Grey", "Not rated"]
    assert cells(ratings) == [
        ["1, process", "0", "1", "0", "0", "0", "1"],
        ["1, impact", "1", "0", "0", "0", "0", "1"],
    ]
    (chart,) = section.figures
    assert chart.table == "priority-ratings"
    assert chart.plot is not None
    assert chart.summary.startswith(
        "A chart of the 2 actions of 1 priority by their rating at the end of 2016-17, "
        "process beside impact: 1 rated, 0 green or blue for impact, 1 ratings red."
    )


def test_little_progress_names_each_priority_and_why(world):
    plan = world.plan
    second = PriorityFactory(plan=plan, number=2, title="Neglect")
    third = PriorityFactory(plan=plan, number=3, title="Exploitation")
    fourth = PriorityFactory(plan=plan, number=4, title="Voice")
    AssessmentFactory(
        action=ActionFactory(plan=plan, priority=second, ref="2a"),
        assessed_on=datetime.date(2016, 6, 1),
        impact=Rating.GREEN,
        evidence="",
    )
    AssessmentFactory(
        action=ActionFactory(plan=plan, priority=third, ref="3a"),
        assessed_on=datetime.date(2016, 6, 1),
        impact=Rating.AMBER,
        evidence="Case audit",
    )
    AssessmentFactory(
        action=ActionFactory(plan=plan, priority=fourth, ref="4a"),
        assessed_on=datetime.date(2016, 6, 1),
        impact=Rating.BLUE,
        evidence="Survey of 40 children",
    )
    ctx = Context(board=world.board, year=year_2016())
    found = {item.priority.number: reason for item, reason in little_progress(ctx)}
    assert found == {
        1: "no action was rated by the end of the year",
        2: "no rating rests on recorded evidence",
        3: "no action's impact with evidence was rated green or blue",
    }


def test_the_glossary_lists_only_the_abbreviations_the_report_uses(world):
    GroupFactory(
        slug="sag", name="Safeguarding and Assurance Group", short_name="S&AG", boards=[world.board]
    )
    GroupFactory(slug="pag", name="Performance Group", short_name="PAG", boards=[world.board])
    ctx = Context(board=world.board, year=year_2016())
    terms = glossary(ctx, ["The S&AG reviewed (CSE) cases", "An NHS trust"])
    assert terms == [
        ("CSE", "Child sexual exploitation"),
        ("NHS", "National Health Service"),
        ("S&AG", "Safeguarding and Assurance Group"),
    ]


def test_the_glossary_section_reads_the_words_of_the_whole_report(world):
    report = draft(world)
    from reports import services

    services.section_save(
        section=report.sections.get(kind=SectionKind.CONTEXT), body="Work with the **CQC**."
    )
    (table,) = built_section(report, SectionKind.GLOSSARY).tables
    assert ["CQC", "Care Quality Commission"] in cells(table)
    assert ["SCR", "Serious case review"] not in cells(table)


def test_the_training_section_uses_the_training_tables(world):
    complete_data(world)
    section = built_section(draft(world), SectionKind.TRAINING)
    (table,) = section.tables
    assert table.caption == "Face to face training"
    assert table.head == ["Measure", "2016-17", "Total 2015-16"]
    assert cells(table)[:3] == [
        ["Courses delivered", "12", ""],
        ["Places offered", "300", ""],
        ["Delegates attended", "240", ""],
    ]
    assert [
        "Places filled % (booked ÷ places)",
        "80% (attended ÷ places: no bookings recorded)",
        "",
    ] in cells(table)
    assert table.source == "/boards/alpha/training/?year=2016-17"


def test_an_excluded_section_is_neither_built_nor_counted_by_the_checklist(world):
    complete_data(world)
    report = draft(world)
    write_narrative(report)
    present = {item.key: item.present for item in checklist(report)}
    assert present == {
        "effectiveness": True,
        "impact": True,
        "little-progress": True,
        "review-actions": True,  # the record is included, even with no reviews that year
        "voice": True,
        "scrutiny": True,
        "funding": True,
    }
    from reports import services

    services.section_include(
        section=report.sections.get(kind="budget"), included=False, reason="Left out for this test"
    )
    services.section_include(
        section=report.sections.get(kind="voice"), included=False, reason="Left out for this test"
    )
    assert SectionKind.BUDGET not in [s.kind for s in build_report(report).sections]
    present = {item.key: item.present for item in checklist(report)}
    assert present["funding"] is False
    assert present["voice"] is False


def test_an_empty_narrative_section_is_unwritten_and_prints_no_placeholder(world):
    """It stops approval and publication instead (tests/reports/test_versions.py)."""
    section = built_section(draft(world), SectionKind.SCRUTINY)
    assert section.html is None
    assert section.unwritten
    assert section.empty == ""


def test_building_a_report_reads_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    complete_data(world)
    report = draft(world)
    for n in range(2, 12):
        priority = PriorityFactory(plan=world.plan, number=n)
        for letter in "abc":
            AssessmentFactory(
                action=ActionFactory(plan=world.plan, priority=priority, ref=f"{n}{letter}"),
                assessed_on=datetime.date(2016, 6, 1),
            )
    # 30: the priorities' progress is read once, though two sections show it.
    with django_assert_max_num_queries(32):
        build_report(report)


def test_audits_are_listed_with_their_findings_and_links(world):
    from tests.factories import AgencyFactory, AuditFactory, FindingFactory

    police = AgencyFactory(slug="police", name="Bedfordshire Police", short_name="Police")
    audit = AuditFactory(board=world.board, year=world.year, theme="Neglect", cases_audited=12)
    audit.agencies.add(police)
    FindingFactory(audit=audit, position=1, kind="strength", text="Good sharing")
    AuditFactory(board=world.other_board, year=world.year, theme="Elsewhere")
    section = built_section(draft(world), SectionKind.AUDITS)
    (table,) = section.tables
    assert cells(table) == [["Neglect", "Multi-agency", "12", "Police", "1"]]
    assert table.rows[0][0].href == f"/boards/alpha/audits/{audit.slug}/"
    lists = [b for b in section.blocks if b.kind == "list"]
    assert lists[0].items == ["Strength: Good sharing"]


def test_inspections_of_the_year_show_their_judgements(world):
    from tests.factories import InspectionFactory, JudgementFactory

    inspection = InspectionFactory(
        board=world.board,
        year=world.year,
        start=datetime.date(2016, 5, 1),
        end=datetime.date(2016, 5, 20),
    )
    JudgementFactory(inspection=inspection, position=1, area="Overall", grade="Good")
    InspectionFactory(board=world.board, start=datetime.date(2016, 1, 11))  # 2015-16
    section = built_section(draft(world), SectionKind.INSPECTIONS)
    (table,) = section.tables
    assert cells(table) == [["Overall", "Good"]]


def _review(world, name, published):
    from reviews.models import CaseReview, Recommendation

    review = CaseReview.objects.create(
        board=world.board,
        slug=name.lower().replace(" ", "-"),
        name=name,
        kind="cspr",
        year=world.year,
        publication_status="published" if published else "not-published",
    )
    rec = Recommendation.objects.create(
        review=review, number=1, text=f"Recommendation of {name}", to_partnership=True
    )
    rec.actions.add(world.action)
    return review


def test_the_record_of_decisions_never_names_an_unpublished_review(world):
    _review(world, "Child A", published=True)
    _review(world, "Child B", published=False)
    section = built_section(draft(world), SectionKind.REVIEWS)
    summary, detail = section.tables
    names = [row[0] for row in cells(summary)]
    assert "Child A" in names
    assert "A review not published" in names
    assert "Child B" not in str([cells(t) for t in section.tables])
    assert detail.caption == "Actions on the recommendations of Child A"
    assert cells(detail) == [
        ["1. Recommendation of Child A", "The partnership", "1a", "Not rated", "Not rated", "Open"]
    ]


def test_training_impact_gives_the_share_reporting_a_change(world):
    from training.models import ImpactEvaluation, Mode

    ImpactEvaluation.objects.create(
        board=world.board,
        year=world.year,
        mode=Mode.FACE_TO_FACE,
        subject="Neglect toolkit",
        months_after=3,
        delegates_asked=40,
        replies=20,
        reporting_change=15,
        finding="Staff use the toolkit in supervision.",
    )
    (table,) = built_section(draft(world), SectionKind.TRAINING_IMPACT).tables
    assert cells(table) == [
        [
            "Neglect toolkit",
            "2016-17",
            "3 months on",
            "50% of 40 asked",
            "75%",
            "Staff use the toolkit in supervision.",
        ]
    ]


def test_a_review_a_published_document_names_is_named_with_its_true_publication_status(world):
    from board.models import SourceDocument
    from reviews.models import CaseReview

    review = _review(world, "Child C", published=False)
    review.publication_status = CaseReview.Publication.ON_HOLD_CRIMINAL
    review.source = SourceDocument.objects.create(key="annual-report", title="Annual report")
    review.save()
    _review(world, "Child D", published=False)  # named in no published document
    section = built_section(draft(world), SectionKind.REVIEWS)
    (summary,) = section.tables  # no recommendation of an unpublished report is given
    rows = {row[0]: row for row in cells(summary)}
    assert rows["Child C"][1:3] == [
        "Child safeguarding practice review",
        "On hold for criminal proceedings",
    ]
    assert rows["A review not published"][2] == ""
    assert "Child D" not in str(cells(summary))


def test_the_years_stated_review_counts_sit_beside_assures_own_with_the_difference_named(world):
    from reviews.models import StatedCount

    StatedCount.objects.create(
        board=world.board, year=world.year, measure="learning-reviews", value=3
    )
    StatedCount.objects.create(board=world.board, year=world.year, measure="contributed", value=2)
    section = built_section(draft(world), SectionKind.REVIEWS)
    (counts,) = [t for t in section.tables if t.key == "review-counts"]
    assert cells(counts) == [
        [
            "Reviews of other partnerships contributed to",
            "2",
            "No records kept",
            "Assure keeps no records of these.",
        ],
        [
            "Learning reviews undertaken",
            "3",
            "0",
            "The report states 3 more than Assure holds records of.",
        ],
    ]
    assert section.empty == ""
