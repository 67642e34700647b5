"""The chair's dashboard's rules at their edges: overdue, not assessed for
too long, red or amber, same-day assessments, and ratings before and after."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from board.models import Group
from priorities import dashboard_selectors as ds
from priorities.models import ActionPlan, Assessment
from reports.dashboard import a_year_before, default_since, last_strategic_meeting
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    GroupFactory,
    MeetingFactory,
    PlanFactory,
    PriorityFactory,
    UserFactory,
)

TODAY = datetime.date(2026, 12, 2)
DAYS = 90

pytestmark = pytest.mark.django_db


def day(n: int) -> datetime.date:
    """`n` days before TODAY."""
    return TODAY - datetime.timedelta(days=n)


def assess(action, on, process="GREEN", impact="GREEN", recorded=None):
    made = AssessmentFactory(action=action, assessed_on=on, process=process, impact=impact)
    if recorded is not None:
        Assessment.objects.filter(pk=made.pk).update(recorded_at=recorded)
        made.refresh_from_db()
    return made


def listed(board) -> dict[str, tuple[bool, bool, bool]]:
    """Each listed action's ref with (worrying, overdue, stale)."""
    return {
        a["ref"]: (
            ds.is_worrying(a["current_process"], a["current_impact"]),
            ds.is_overdue(a["due_date"], a["current_process"], TODAY),
            ds.is_stale(a["current_process"], a["last_assessed"], today=TODAY, stale_days=DAYS),
        )
        for a in ds.actions_needing_attention(board=board, today=TODAY, stale_days=DAYS)
    }


@pytest.fixture
def plan(world):
    return world.plan


def test_an_action_due_today_is_not_overdue_and_one_due_yesterday_is(plan):
    today = ActionFactory(plan=plan, ref="t1", due_date=TODAY)
    yesterday = ActionFactory(plan=plan, ref="t2", due_date=day(1))
    for action in (today, yesterday):
        assess(action, day(1))
    found = listed(plan.board)
    assert "t1" not in found
    assert found["t2"] == (False, True, False)


def test_an_action_rated_blue_is_not_overdue_or_stale(plan):
    done = ActionFactory(plan=plan, ref="d1", due_date=day(400))
    assess(done, day(400), process="BLUE", impact="GREEN")
    assert "d1" not in listed(plan.board)


def test_it_lists_an_action_assessed_one_day_more_than_the_setting_and_not_exactly_on_it(plan):
    exactly = ActionFactory(plan=plan, ref="s1")
    assess(exactly, day(DAYS))
    beyond = ActionFactory(plan=plan, ref="s2")
    assess(beyond, day(DAYS + 1))
    never = ActionFactory(plan=plan, ref="s3")
    found = listed(plan.board)
    assert "s1" not in found
    assert found["s2"] == (False, False, True)
    assert found["s3"] == (False, False, True)
    assert ds.stale_before(today=TODAY, stale_days=DAYS) == datetime.date(2026, 9, 3)
    assert never.assessments.count() == 0


def test_it_lists_red_or_amber_on_either_dimension_at_the_latest_assessment(plan):
    red = ActionFactory(plan=plan, ref="r1")
    assess(red, day(5), process="RED", impact="GREEN")
    amber = ActionFactory(plan=plan, ref="r2")
    assess(amber, day(5), process="GREEN", impact="AMBER")
    mended = ActionFactory(plan=plan, ref="r3")
    assess(mended, day(10), process="RED", impact="RED")
    assess(mended, day(5), process="GREEN", impact="GREY")
    found = listed(plan.board)
    assert found["r1"] == (True, False, False)
    assert found["r2"] == (True, False, False)
    assert "r3" not in found


def test_two_assessments_on_one_day_stand_in_the_order_they_were_recorded(plan):
    earlier = timezone.now() - datetime.timedelta(hours=2)
    later = timezone.now() - datetime.timedelta(hours=1)
    # Saved first but recorded later: it is the current rating.
    red = ActionFactory(plan=plan, ref="x1")
    assess(red, day(3), process="RED", impact="RED", recorded=later)
    assess(red, day(3), process="GREEN", impact="GREEN", recorded=earlier)
    green = ActionFactory(plan=plan, ref="x2")
    assess(green, day(3), process="RED", impact="RED", recorded=earlier)
    assess(green, day(3), process="GREEN", impact="GREEN", recorded=later)
    found = listed(plan.board)
    assert found["x1"] == (True, False, False)
    assert "x2" not in found


def test_it_leaves_out_closed_plans_plans_not_started_and_other_boards(world):
    closed = PlanFactory(board=world.board, closed_on=day(5), closed_reason="Superseded")
    ended = PlanFactory(board=world.board, starts_on=day(400), ends_on=day(1))
    later = PlanFactory(board=world.board, starts_on=TODAY + datetime.timedelta(days=1))
    for i, p in enumerate((closed, ended, later, world.other_plan)):
        assess(ActionFactory(plan=p, ref=f"c{i}"), day(1), process="RED")
    assert set(listed(world.board)) == {"1a"}  # the world's action, never assessed


def test_the_first_assessment_has_no_rating_before_it(plan):
    action = ActionFactory(plan=plan, ref="f1")
    first = assess(action, day(20), process="AMBER", impact="GREY")
    second = assess(action, day(10), process="RED", impact="AMBER")
    rows = {a["id"]: a for a in ds.assessments_since(board=plan.board, since=day(30))}
    assert (rows[first.pk]["previous_process"], rows[first.pk]["previous_impact"]) == (None, None)
    assert (rows[second.pk]["previous_process"], rows[second.pk]["previous_impact"]) == (
        "AMBER",
        "GREY",
    )


def test_the_rating_before_a_same_day_assessment_is_the_one_recorded_before_it(plan):
    action = ActionFactory(plan=plan, ref="f2")
    earlier = timezone.now() - datetime.timedelta(hours=2)
    later = timezone.now() - datetime.timedelta(hours=1)
    second = assess(action, day(4), process="GREEN", impact="GREEN", recorded=later)
    first = assess(action, day(4), process="RED", impact="AMBER", recorded=earlier)
    rows = {a["id"]: a for a in ds.assessments_since(board=plan.board, since=day(4))}
    assert rows[first.pk]["previous_process"] is None
    assert (rows[second.pk]["previous_process"], rows[second.pk]["previous_impact"]) == (
        "RED",
        "AMBER",
    )
    # Recorded at the same moment: the order they were saved in.
    third = assess(action, day(2), process="AMBER", impact="AMBER", recorded=later)
    fourth = assess(action, day(2), process="BLUE", impact="GREEN", recorded=later)
    rows = {a["id"]: a for a in ds.assessments_since(board=plan.board, since=day(2))}
    assert rows[third.pk]["previous_process"] == "GREEN"
    assert rows[fourth.pk]["previous_process"] == "AMBER"


def test_changes_start_on_the_day_given_and_leave_the_day_before_out(world):
    action = ActionFactory(plan=world.plan, ref="g1")
    assess(action, day(11))
    on_the_day = assess(action, day(10))
    other = assess(ActionFactory(plan=world.other_plan, ref="g2"), day(1))
    found = [a["id"] for a in ds.assessments_since(board=world.board, since=day(10))]
    assert found == [on_the_day.pk]
    assert other.pk not in found


def test_an_action_added_by_a_person_is_new_and_a_loaded_one_is_not(world):
    person = UserFactory()
    added = ActionFactory(plan=world.plan, ref="n1")
    added.history.update(history_user=person)
    loaded = ActionFactory(plan=world.plan, ref="n2")  # history without a person, as a load
    assert loaded.history.filter(history_user__isnull=True).exists()
    found = [
        a["ref"] for a in ds.actions_added_since(board=world.board, since=timezone.localdate())
    ]
    assert found == ["n1"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert list(ds.actions_added_since(board=world.board, since=tomorrow)) == []


def test_the_last_meeting_is_the_boards_own_strategic_board_before_today(world):
    board = world.board
    own = GroupFactory(slug="own-board", kind=Group.Kind.STRATEGIC_BOARD, boards=[board])
    pan = GroupFactory(
        slug="pan-board", kind=Group.Kind.STRATEGIC_BOARD, boards=[board, world.other_board]
    )
    sub = GroupFactory(slug="sub", kind=Group.Kind.SUB_GROUP, boards=[board])
    MeetingFactory(group=own, date=day(30))
    MeetingFactory(group=own, date=TODAY)  # today's meeting is the one being prepared
    MeetingFactory(group=pan, date=day(5))
    MeetingFactory(group=sub, date=day(2))
    meeting = last_strategic_meeting(board=board, today=TODAY)
    assert (meeting.group.slug, meeting.date) == ("own-board", day(30))
    since = default_since(meeting, TODAY)
    assert since.date == day(29)
    assert since.heading == "What changed since the strategic board met on 2 November 2026"


def test_without_its_own_strategic_board_the_last_meeting_is_a_pan_area_one(world):
    board = world.board
    Group.objects.filter(slug="alpha-board").update(kind=Group.Kind.SUB_GROUP)
    pan = GroupFactory(
        slug="pan-board", kind=Group.Kind.STRATEGIC_BOARD, boards=[board, world.other_board]
    )
    MeetingFactory(group=pan, date=day(5))
    assert last_strategic_meeting(board=board, today=TODAY).date == day(5)


def test_without_a_meeting_changes_cover_the_last_year_and_say_so(world):
    Group.objects.filter(slug="alpha-board").update(kind=Group.Kind.SUB_GROUP)
    assert last_strategic_meeting(board=world.board, today=TODAY) is None
    since = default_since(None, TODAY)
    assert since.date == datetime.date(2025, 12, 2)
    assert since.heading == "What changed in the last year"
    assert since.explained == (
        "The strategic board has no meeting recorded before today; showing changes since "
        "2 December 2025."
    )
    named = default_since(None, TODAY, world.group)
    assert named.explained == (
        f"The strategic board ({world.group.name}) has no meeting recorded before today; "
        "showing changes since 2 December 2025."
    )


def test_a_meeting_a_year_ago_to_the_day_is_still_the_last_meeting(world):
    met = MeetingFactory(group=world.group, date=datetime.date(2025, 12, 2))
    since = default_since(met, TODAY)
    assert since.date == datetime.date(2025, 12, 3)
    assert since.heading == "What changed since the strategic board met on 2 December 2025"


def test_a_meeting_more_than_a_year_ago_gives_way_to_a_year_and_says_so(world):
    met = MeetingFactory(group=world.group, date=datetime.date(2025, 12, 1))
    since = default_since(met, TODAY)
    assert since.date == datetime.date(2025, 12, 2)
    assert since.heading == "What changed in the last year"
    assert since.explained == (
        f"The strategic board ({world.group.name}) has not met since 1 December 2025; "
        "showing changes since 2 December 2025."
    )


@pytest.mark.parametrize(
    ("today", "year_ago"),
    [
        (datetime.date(2028, 2, 29), datetime.date(2027, 2, 28)),
        (datetime.date(2027, 3, 1), datetime.date(2026, 3, 1)),
        (datetime.date(2027, 4, 1), datetime.date(2026, 4, 1)),
    ],
)
def test_a_year_before_a_leap_day_is_the_28th_of_february(today, year_ago):
    assert a_year_before(today) == year_ago


def test_the_main_group_is_the_strategic_board_whatever_the_other_groups(world):
    from board.services import main_group_set

    board = world.board
    own = GroupFactory(slug="own-board", kind=Group.Kind.STRATEGIC_BOARD, boards=[board])
    executive = GroupFactory(slug="exec", kind=Group.Kind.EXECUTIVE, boards=[board])
    MeetingFactory(group=own, date=day(3))
    MeetingFactory(group=executive, date=day(40))
    MeetingFactory(group=executive, date=TODAY)
    assert last_strategic_meeting(board=board, today=TODAY).group == own
    main_group_set(board=board, group=executive)
    meeting = last_strategic_meeting(board=board, today=TODAY)
    assert (meeting.group, meeting.date) == (executive, day(40))


@pytest.mark.parametrize(
    ("due", "process", "overdue"),
    [
        (TODAY, "RED", False),
        (day(1), "RED", True),
        (day(1), None, True),
        (day(1), "BLUE", False),
        (None, "RED", False),
    ],
)
def test_the_overdue_rule_for_values_already_read(due, process, overdue):
    assert ds.is_overdue(due, process, TODAY) is overdue


@pytest.mark.parametrize(
    ("process", "last", "stale"),
    [
        ("GREEN", day(DAYS), False),
        ("GREEN", day(DAYS + 1), True),
        (None, None, True),
        ("BLUE", None, False),
        ("BLUE", day(DAYS + 1), False),
    ],
)
def test_the_stale_rule_for_values_already_read(process, last, stale):
    assert ds.is_stale(process, last, today=TODAY, stale_days=DAYS) is stale


@pytest.mark.parametrize(
    ("process", "impact", "worrying"),
    [
        ("RED", "GREEN", True),
        ("GREEN", "AMBER", True),
        ("GREEN", "GREEN", False),
        ("BLUE", "GREY", False),
        (None, None, False),
    ],
)
def test_the_red_or_amber_rule_for_values_already_read(process, impact, worrying):
    assert ds.is_worrying(process, impact) is worrying


def test_a_listed_action_comes_with_what_the_page_shows_of_it(world):
    red = ActionFactory(
        plan=world.plan,
        priority=world.action.priority,
        ref="p1",
        description="Audit neglect cases",
        due_date=day(2),
    )
    assess(red, day(3), process="RED", impact="GREEN")
    (row,) = [
        a
        for a in ds.actions_needing_attention(board=world.board, today=TODAY, stale_days=DAYS)
        if a["ref"] == "p1"
    ]
    assert row == {
        "id": red.pk,
        "ref": "p1",
        "description": "Audit neglect cases",
        "due_date": day(2),
        "current_process": "RED",
        "current_impact": "GREEN",
        "last_assessed": day(3),
        "plan_id": world.plan.pk,
        "plan__slug": "business-plan",
        "plan__title": world.plan.title,
        "priority_id": world.action.priority.pk,
        "priority__number": 1,
        "priority__title": world.action.priority.title,
        "plan_starts_on": None,
        "plan_ends_on": None,
        "plan_extended_to": None,
    }
    # Saved without a person (as a fixture load is): not "added" since.
    assert list(ds.actions_added_since(board=world.board, since=day(0))) == []


def test_a_new_assessment_comes_with_what_the_page_shows_of_it(world):
    action = ActionFactory(plan=world.plan, ref="p2", description="Train staff")
    made = assess(action, day(1), process="AMBER", impact="GREY")
    (row,) = ds.assessments_since(board=world.board, since=day(1))
    assert row == {
        "id": made.pk,
        "assessed_on": day(1),
        "process": "AMBER",
        "impact": "GREY",
        "previous_process": None,
        "previous_impact": None,
        "action__ref": "p2",
        "action__description": "Train staff",
        "action__plan__slug": "business-plan",
        "action__plan__title": world.plan.title,
    }


def test_three_assessments_recorded_at_one_moment_follow_the_order_they_were_saved(plan):
    action = ActionFactory(plan=plan, ref="m1")
    moment = timezone.now() - datetime.timedelta(hours=1)
    first = assess(action, day(2), process="RED", impact="RED", recorded=moment)
    second = assess(action, day(2), process="AMBER", impact="AMBER", recorded=moment)
    third = assess(action, day(2), process="GREEN", impact="GREEN", recorded=moment)
    rows = {a["id"]: a for a in ds.assessments_since(board=plan.board, since=day(2))}
    assert [rows[a.pk]["previous_process"] for a in (first, second, third)] == [
        None,
        "RED",
        "AMBER",
    ]


def test_listed_actions_come_by_plan_kind_and_title_then_priority_then_position(world):
    board = world.board
    review = PlanFactory(board=board, title="A review plan", kind=ActionPlan.Kind.CASE_REVIEW)
    second = PlanFactory(board=board, title="B business plan")
    first = PlanFactory(board=board, title="A business plan")
    p1 = PriorityFactory(plan=first, number=1)
    p2 = PriorityFactory(plan=first, number=2)
    ActionFactory(plan=first, priority=p2, ref="a2", position=1)
    ActionFactory(plan=first, priority=p1, ref="a1y", position=3)
    ActionFactory(plan=first, priority=p1, ref="a1x", position=2)
    ActionFactory(plan=second, ref="b1", position=1)
    ActionFactory(plan=review, ref="r1", position=1)
    refs = [
        a["ref"]
        for a in ds.actions_needing_attention(board=board, today=TODAY, stale_days=DAYS)
        if a["plan_id"] != world.plan.pk
    ]
    assert refs == ["a1x", "a1y", "a2", "b1", "r1"]


def test_new_assessments_come_by_plan_then_action_then_date_and_recording(world):
    later = ActionFactory(plan=world.plan, ref="z2", position=20)
    sooner = ActionFactory(plan=world.plan, ref="z1", position=10)
    moment = timezone.now() - datetime.timedelta(hours=1)
    made = [
        assess(later, day(5)),
        assess(sooner, day(3), recorded=moment),
        assess(sooner, day(6)),
        assess(sooner, day(3), recorded=moment - datetime.timedelta(minutes=5)),
        assess(sooner, day(3), recorded=moment - datetime.timedelta(minutes=5)),
    ]
    found = [a["id"] for a in ds.assessments_since(board=world.board, since=day(10))]
    assert found == [made[2].pk, made[3].pk, made[4].pk, made[1].pk, made[0].pk]


def test_added_actions_and_new_assessments_come_by_plan_kind_and_title_then_position(world):
    board = world.board
    person = UserFactory()
    review = PlanFactory(board=board, title="A review plan", kind=ActionPlan.Kind.CASE_REVIEW)
    second = PlanFactory(board=board, title="B business plan")
    first = PlanFactory(board=board, title="A business plan")
    made = [
        ActionFactory(plan=review, ref="r1", position=1),
        ActionFactory(plan=second, ref="b1", position=1),
        ActionFactory(plan=first, ref="a2", position=2),
        ActionFactory(plan=first, ref="a1", position=1),
    ]
    for action in made:
        action.history.update(history_user=person)
        assess(action, day(1))
    added = ds.actions_added_since(board=board, since=timezone.localdate())
    assert [a["ref"] for a in added] == ["a1", "a2", "b1", "r1"]
    assessed = ds.assessments_since(board=board, since=day(1))
    assert [a["action__ref"] for a in assessed] == ["a1", "a2", "b1", "r1"]


def test_ties_stand_by_the_plan_made_first_then_by_ref(world):
    """Two plans of one kind and title come in the order they were made; two
    actions at one position by their refs. In every list of the dashboard."""
    board = world.board
    person = UserFactory()
    older = PlanFactory(board=board, title="Same title")
    newer = PlanFactory(board=board, title="Same title")
    assert older.pk < newer.pk
    made = [
        ActionFactory(plan=newer, ref="n1", position=1),
        ActionFactory(plan=older, ref="t2", position=1),
        ActionFactory(plan=older, ref="t1", position=1),
    ]
    for action in made:
        action.history.update(history_user=person)
        assess(action, day(1), process="RED")
    attention = [
        a["ref"]
        for a in ds.actions_needing_attention(board=board, today=TODAY, stale_days=DAYS)
        if a["plan_id"] in (older.pk, newer.pk)
    ]
    added = [a["ref"] for a in ds.actions_added_since(board=board, since=timezone.localdate())]
    assessed = [a["action__ref"] for a in ds.assessments_since(board=board, since=day(1))]
    assert attention == added == assessed == ["t1", "t2", "n1"]
