"""Impact evaluation: follow-up evidence of what training changed in practice,
for a course or a period, linked to the business plan action it serves."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from board.models import ReportingYear
from core.spreadsheets import read_table
from tests.factories import ActionFactory, GroupFactory, PlanFactory
from tests.html import table_rows
from training import selectors, services
from training.models import ImpactEvaluation, Mode, TrainingCourse


@pytest.fixture
def year(db):
    return ReportingYear.for_start_year(2020)


def record(world, year, **values):
    values.setdefault("subject", "Neglect and GCP2 training")
    return services.impact_record(
        owner=values.pop("owner", world.board),
        year=year,
        quarter=values.pop("quarter", 2),
        mode=values.pop("mode", Mode.VIRTUAL_CLASSROOM),
        values=values,
    )


def problems_of(world, year, **values):
    with pytest.raises(ValidationError) as refused:
        record(world, year, **values)
    assert ImpactEvaluation.objects.count() == 0
    return refused.value.message_dict


def test_it_refuses_more_replies_than_delegates_asked(world, year):
    assert problems_of(world, year, delegates_asked=40, replies=41)["replies"] == [
        "The replies (41) cannot be more than the delegates asked (40)."
    ]


def test_it_refuses_more_reporting_a_change_than_replied(world, year):
    assert problems_of(world, year, replies=18, reporting_change=19)["reporting_change"] == [
        "The replies reporting a change (19) cannot be more than the replies (18)."
    ]


def test_it_refuses_a_share_outside_0_to_100(world, year):
    assert problems_of(world, year, reporting_change_pct=Decimal("100.01"))[
        "reporting_change_pct"
    ] == ["A percentage lies between 0 and 100."]


def test_it_refuses_an_evaluation_with_no_evidence_and_no_subject(world, year):
    problems = problems_of(world, year, subject="  ", months_after=3)
    assert problems["subject"] == ["Say what was evaluated, for example the course's title."]
    assert problems["replies"] == [
        "Give the follow-up evidence: the replies and how many report a change in practice, "
        "the share reporting a change, or what changed."
    ]


def test_it_refuses_another_boards_action(world, year):
    other = ActionFactory(plan=PlanFactory(board=world.other_board), ref="4b")
    assert problems_of(world, year, replies=10, action=other)["action"] == [
        "Action 4b belongs to another board's plan: link an action of a board this training serves."
    ]


def test_a_group_serving_several_boards_may_link_any_of_their_actions(world, year):
    group = GroupFactory(slug="pan-unit", name="Pan Unit", boards=[world.board, world.other_board])
    other = ActionFactory(plan=PlanFactory(board=world.other_board), ref="4b")
    saved = record(world, year, owner=group, replies=10, action=other)
    assert (saved.group, saved.action) == (group, other)


def test_it_refuses_a_course_of_another_mode(world, year):
    course = TrainingCourse.objects.create(
        board=world.board,
        year=year,
        quarter=2,
        mode=Mode.FACE_TO_FACE,
        title="Neglect",
        date=datetime.date(2020, 7, 14),
        places_offered=10,
        delegates_attended=9,
    )
    assert problems_of(world, year, replies=5, course=course)["course"] == [
        f"The course {course} is not one of {world.board}'s virtual classroom courses."
    ]


def test_a_course_sets_the_period_and_recording_again_changes_it(world, year):
    course = TrainingCourse.objects.create(
        board=world.board,
        year=year,
        quarter=3,
        mode=Mode.FACE_TO_FACE,
        title="Neglect",
        date=datetime.date(2020, 11, 2),
        places_offered=20,
        delegates_attended=18,
    )
    first = record(
        world,
        year,
        quarter=None,
        mode=Mode.FACE_TO_FACE,
        course=course,
        months_after=3,
        delegates_asked=18,
        replies=12,
        reporting_change=9,
    )
    assert (first.quarter, first.year.label) == (3, "2020-21")
    again = record(
        world,
        year,
        quarter=None,
        mode=Mode.FACE_TO_FACE,
        course=course,
        months_after=3,
        delegates_asked=18,
        replies=13,
        reporting_change=9,
    )
    assert again.pk == first.pk
    assert ImpactEvaluation.objects.get().replies == 13


def test_the_selector_computes_the_share_and_marks_a_stated_share_that_differs(world, year):
    action = ActionFactory(plan=world.plan, ref="2c", description="Embed GCP2 across agencies")
    record(
        world,
        year,
        months_after=3,
        delegates_asked=120,
        replies=54,
        reporting_change=41,
        reporting_change_pct=Decimal("75"),
        action=action,
        finding="More GCP2 assessments.",
    )
    record(
        world,
        year,
        subject="Briefings",
        quarter=None,
        mode=Mode.BRIEFING_OR_CONFERENCE,
        reporting_change_pct=Decimal("80"),
    )
    record(world, ReportingYear.for_start_year(2019), subject="Last year", replies=3)
    rows = selectors.training_impact_for_year(board=world.board, year=year)
    assert [(r.subject, r.where) for r in rows] == [
        ("Briefings", "2020-21"),
        ("Neglect and GCP2 training", "2020-21 Q2"),
    ]
    briefing, neglect = rows
    assert (briefing.change_share.text, briefing.change_share.as_stated) == ("80%", True)
    assert neglect.response_rate == "45% of 120 asked"
    assert neglect.change_share.text == "76%"  # 41 of 54 is 75.9%
    assert neglect.change_share.note == "the report states 75%"
    assert neglect.difference.text == (
        "Reporting a change in practice (Neglect and GCP2 training): the report states 75%; "
        "41 of 54 is 75.9%, which rounds to 76%. The report cut the decimals off instead of "
        "rounding."
    )
    assert neglect.follow_up == "3 months on"
    assert neglect.action == action


def test_the_selector_reads_in_one_query_whatever_the_number(
    world, year, django_assert_num_queries
):
    for n in range(30):
        record(world, year, subject=f"Course {n}", replies=n, action=world.action)
    with django_assert_num_queries(1):
        rows = selectors.training_impact_for_year(board=world.board, year=year)
        assert [r.action.plan.board for r in rows] == [world.board] * 30


def test_a_manager_records_an_evaluation_and_sees_it_on_the_page_and_in_the_export(
    world, client_for
):
    ReportingYear.for_start_year(2020)
    client = client_for("manager")
    url = reverse("training:impact_record", kwargs={"board": world.board.slug})
    form = client.get(url, {"year": "2020-21"})
    assert form.status_code == 200
    posted = {
        "owner": "board",
        "year": "2020-21",
        "quarter": "2",
        "mode": Mode.VIRTUAL_CLASSROOM,
        "course": "",
        "subject": "Neglect and GCP2 training",
        "months_after": "3",
        "delegates_asked": "120",
        "replies": "54",
        "reporting_change": "41",
        "reporting_change_pct": "",
        "finding": "Practitioners use GCP2 in supervision.",
        "action": str(world.action.pk),
    }
    refused = client.post(url, {**posted, "reporting_change": "55"})
    assert refused.status_code == 400
    assert "The replies reporting a change (55) cannot be more than the replies (54)." in (
        refused.content.decode()
    )
    assert ImpactEvaluation.objects.count() == 0
    done = client.post(url, posted)
    assert done.status_code == 302
    assert done["Location"].endswith("?year=2020-21#impact")
    html = client.get(
        reverse("training:training", kwargs={"board": world.board.slug}), {"year": "2020-21"}
    ).content.decode()
    assert table_rows(html, "training-impact")[1] == [
        "Neglect and GCP2 trainingPractitioners use GCP2 in supervision.",
        "Virtual classroom, 2020-21 Q2",
        "3 months on",
        "54 (45% of 120 asked)",
        "41: 76%",
        f"{world.action.ref} {world.action.description}",
    ]
    export = client.get(
        reverse("training:export", kwargs={"board": world.board.slug, "fmt": "xlsx"}),
        {"year": "2020-21"},
    )
    rows = read_table("t.xlsx", export.content, max_rows=100, max_unpacked_bytes=10**7)
    assert rows[-1] == [
        world.board.name,
        "2020-21 Q2",
        "Virtual classroom",
        "Neglect and GCP2 training",
        "3 months on",
        120,
        54,
        41,
        "76%",
        f"{world.action.ref}: {world.action.description}",
        "Practitioners use GCP2 in supervision.",
    ]


def test_a_page_with_no_evaluations_says_so(world, client_for):
    html = (
        client_for("chair")
        .get(reverse("training:training", kwargs={"board": world.board.slug}))
        .content.decode()
    )
    assert "No follow-up evidence is recorded for" in html
