"""The reads behind the action pages, pinned to exact values: which rating is
current, the counts on the plans list and the plan page, the order of
everything, and the overdue rule on either side of its date."""

import datetime

import pytest
from django.utils import timezone

from priorities import selectors
from priorities.models import Action, ActionPlan, Assessment
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    BoardFactory,
    EvidenceTypeFactory,
    PlanFactory,
    PriorityFactory,
    UserFactory,
)

DAY = datetime.date(2016, 9, 1)
TODAY = datetime.date(2026, 12, 2)


def current(action):
    return selectors.with_current_ratings(Action.objects.filter(pk=action.pk)).get()


def assess(action, process, *, on=DAY, recorded_at=None, impact="GREY"):
    assessment = AssessmentFactory(action=action, process=process, impact=impact, assessed_on=on)
    if recorded_at is not None:
        Assessment.objects.filter(pk=assessment.pk).update(recorded_at=recorded_at)
    return assessment


def at(hour):
    return datetime.datetime(2016, 9, 1, hour, tzinfo=datetime.UTC)


# --- which assessment is current -------------------------------------------------


@pytest.mark.django_db
def test_of_two_assessments_on_the_same_date_the_one_recorded_later_is_current():
    action = ActionFactory()
    # Recorded later but saved first (the lower id): the time decides, not the id.
    assess(action, "RED", recorded_at=at(15), impact="AMBER")
    assess(action, "GREEN", recorded_at=at(9))
    row = current(action)
    assert (row.current_process, row.current_impact, row.last_assessed) == ("RED", "AMBER", DAY)


@pytest.mark.django_db
def test_of_two_assessments_on_the_same_date_recorded_at_the_same_time_the_later_saved_is_current():
    action = ActionFactory()
    assess(action, "RED", recorded_at=at(9))
    assess(action, "BLUE", recorded_at=at(9), impact="GREEN")
    row = current(action)
    assert (row.current_process, row.current_impact) == ("BLUE", "GREEN")


@pytest.mark.django_db
def test_the_assessment_dated_latest_is_current_whatever_order_they_were_recorded_in():
    action = ActionFactory()
    assess(action, "AMBER", on=DAY, recorded_at=at(8))
    assess(action, "GREEN", on=DAY - datetime.timedelta(days=1), recorded_at=at(17))
    row = current(action)
    assert (row.current_process, row.last_assessed) == ("AMBER", DAY)


@pytest.mark.django_db
def test_an_actions_assessments_read_newest_first_with_the_same_tie_break():
    action = ActionFactory()
    older = assess(action, "GREY", on=DAY - datetime.timedelta(days=3))
    same_time_first = assess(action, "AMBER", recorded_at=at(9))
    same_time_second = assess(action, "RED", recorded_at=at(9))
    latest_time = assess(action, "GREEN", recorded_at=at(10))
    listed = list(selectors.action_assessments(action=action))
    assert [a.pk for a in listed] == [
        latest_time.pk,
        same_time_second.pk,
        same_time_first.pk,
        older.pk,
    ]


@pytest.mark.django_db
def test_an_actions_assessments_come_with_who_recorded_them_and_evidence_in_order(
    django_assert_num_queries,
):
    action = ActionFactory()
    person = UserFactory(first_name="Nick", last_name="Chamberlain")
    voice = EvidenceTypeFactory(slug="voice", name="Voice", position=5)
    pi = EvidenceTypeFactory(slug="pi", name="PI", position=1)
    audit = EvidenceTypeFactory(slug="audit", name="Audit", position=3)
    assessment = assess(action, "GREEN", impact="GREEN")
    assessment.recorded_by = person
    assessment.save()
    assessment.evidence_types.set([voice, pi, audit])
    with django_assert_num_queries(3):  # and the proposal it came from (none)
        (read,) = selectors.action_assessments(action=action)
        assert read.recorded_by.get_full_name() == "Nick Chamberlain"
        assert [t.name for t in read.evidence_types.all()] == ["PI", "Audit", "Voice"]


@pytest.mark.django_db
def test_an_actions_assessments_without_a_proposal_are_known_to_have_none(
    django_assert_num_queries,
):
    """The action page asks each assessment for the lead's proposal it was
    accepted from: read with the assessments, not once per assessment
    (bench/national.py found one query per assessment)."""
    action = ActionFactory()
    for days in range(5):
        assess(action, "GREY", on=DAY - datetime.timedelta(days=days))
    with django_assert_num_queries(3):  # assessments with who, evidence types, proposals
        listed = list(selectors.action_assessments(action=action))
        assert [getattr(a, "proposal", None) for a in listed] == [None] * 5


@pytest.mark.django_db
def test_evidence_types_are_offered_in_their_set_order_then_by_name():
    EvidenceTypeFactory(slug="x-voice", name="Voice", position=2)
    EvidenceTypeFactory(slug="x-pi", name="PI", position=1)
    EvidenceTypeFactory(slug="x-audit", name="Audit", position=1)
    names = [t.name for t in selectors.evidence_types().filter(slug__startswith="x-")]
    assert names == ["Audit", "PI", "Voice"]


# --- the plans list ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_plans_list_counts_each_plans_actions_by_their_current_process_rating():
    board = BoardFactory()
    plan = PlanFactory(board=board, title="Business Plan")
    red_one, red_two, green, never = (ActionFactory(plan=plan) for _ in range(4))
    assess(red_one, "RED")
    assess(red_two, "GREEN", on=DAY - datetime.timedelta(days=9))
    assess(red_two, "RED")  # the latest counts, not the earlier GREEN
    assess(green, "GREEN")
    empty = PlanFactory(board=board, title="Audit Plan", kind=ActionPlan.Kind.AUDIT)
    ActionFactory(plan=PlanFactory(title="Another board's plan"))
    plans = {p.title: p for p in listed(selectors.plans_for_board(board=board, today=DAY))}
    assert set(plans) == {"Business Plan", "Audit Plan"}
    assert plans["Business Plan"].process_counts == [("RED", 2), ("GREEN", 1), ("NONE", 1)]
    assert plans["Business Plan"].action_count == 4
    assert plans["Audit Plan"].process_counts == []
    assert plans["Audit Plan"].action_count == 0
    assert never.assessments.count() == 0
    assert empty.actions.count() == 0


@pytest.mark.django_db
def test_the_plans_list_is_ordered_by_kind_then_latest_period_then_title():
    board = BoardFactory()
    PlanFactory(board=board, title="B 2015", period="2015-2017")
    PlanFactory(board=board, title="A 2015", period="2015-2017")
    PlanFactory(board=board, title="C 2020", period="2020-2022")
    PlanFactory(board=board, title="Audit", kind=ActionPlan.Kind.AUDIT, period="2016")
    titles = [p.title for p in listed(selectors.plans_for_board(board=board, today=DAY))]
    assert titles == ["Audit", "C 2020", "A 2015", "B 2015"]


@pytest.mark.django_db
def test_dated_plans_are_ordered_by_their_latest_start_before_those_without_one():
    board = BoardFactory()
    PlanFactory(board=board, title="Undated", period="2099")
    PlanFactory(board=board, title="2015", starts_on=datetime.date(2015, 4, 1))
    PlanFactory(board=board, title="2016", starts_on=datetime.date(2016, 4, 1))
    titles = [p.title for p in listed(selectors.plans_for_board(board=board, today=DAY))]
    assert titles == ["2016", "2015", "Undated"]


def listed(groups):
    """Every plan of the list, in force, not started and closed, in order."""
    return [*groups.in_force, *groups.not_started, *groups.closed]


# --- the plan page -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_plan_page_groups_actions_under_their_priorities_in_order_with_counts():
    plan = PlanFactory()
    second = PriorityFactory(plan=plan, number=2, title="Neglect")
    first = PriorityFactory(plan=plan, number=1, title="Domestic abuse")
    PriorityFactory(plan=plan, number=3, title="Listed with no actions")
    late = ActionFactory(plan=plan, priority=first, ref="1b", position=2)
    early = ActionFactory(plan=plan, priority=first, ref="1a", position=1)
    same_b = ActionFactory(plan=plan, priority=second, ref="2b", position=5)
    same_a = ActionFactory(plan=plan, priority=second, ref="2a", position=5)
    loose = ActionFactory(plan=plan, priority=None, ref="9z", position=0)
    assess(early, "RED", impact="AMBER")
    assess(late, "RED", impact="GREY")
    assess(same_a, "BLUE", impact="GREEN")
    blocks = selectors.plan_detail(plan=plan)
    assert [b.priority.number if b.priority else None for b in blocks] == [1, 2, 3, None]
    assert [[a.ref for a in b.actions] for b in blocks] == [["1a", "1b"], ["2a", "2b"], [], ["9z"]]
    one, two, three, rest = blocks
    assert one.process_counts == [("RED", 2)]
    assert one.impact_counts == [("AMBER", 1), ("GREY", 1)]
    assert two.process_counts == [("BLUE", 1), ("NONE", 1)]
    assert two.impact_counts == [("GREEN", 1), ("NONE", 1)]
    assert three.process_counts == []
    assert rest.actions == [loose]
    assert same_b.priority == second


@pytest.mark.django_db
def test_a_plan_whose_actions_all_have_priorities_has_no_block_without_one():
    plan = PlanFactory()
    ActionFactory(plan=plan, priority=PriorityFactory(plan=plan, number=1))
    assert [b.priority.number for b in selectors.plan_detail(plan=plan)] == [1]


@pytest.mark.django_db
def test_the_rag_definitions_are_keyed_by_rating():
    plan = PlanFactory()
    plan.rag_definitions.create(rating="RED", process="Not on track", impact="No impact")
    plan.rag_definitions.create(rating="BLUE", process="Completed")
    PlanFactory().rag_definitions.create(rating="RED", process="Another plan's")
    definitions = selectors.rag_definitions(plan=plan)
    assert sorted(definitions) == ["BLUE", "RED"]
    assert definitions["RED"].process == "Not on track"


# --- the all-actions list ----------------------------------------------------------


@pytest.mark.django_db
def test_the_boards_actions_come_by_plan_title_then_position_then_ref_in_one_query(
    django_assert_num_queries,
):
    board = BoardFactory()
    zebra = PlanFactory(board=board, title="Zebra plan")
    alpha = PlanFactory(board=board, title="Alpha plan")
    ActionFactory(plan=zebra, ref="1a", position=1)
    ActionFactory(plan=alpha, ref="2b", position=2)
    ActionFactory(plan=alpha, ref="2a", position=2)
    ActionFactory(plan=alpha, ref="9a", position=1, priority=PriorityFactory(plan=alpha))
    ActionFactory(plan=PlanFactory(title="Another board"), ref="1a")
    with django_assert_num_queries(1):
        rows = [
            (a.plan.title, a.ref, a.plan.board.slug, a.priority, a.oversight_group)
            for a in selectors.actions_for_board(board=board, today=DAY)
        ]
    assert [(title, ref) for title, ref, *_ in rows] == [
        ("Alpha plan", "9a"),
        ("Alpha plan", "2a"),
        ("Alpha plan", "2b"),
        ("Zebra plan", "1a"),
    ]


# --- overdue -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("due", "process", "overdue"),
    [
        (TODAY, None, False),  # due today is not yet overdue
        (TODAY - datetime.timedelta(days=1), None, True),
        (TODAY - datetime.timedelta(days=1), "GREEN", True),
        (TODAY - datetime.timedelta(days=1), "BLUE", False),  # completed is never overdue
        (TODAY - datetime.timedelta(days=400), "BLUE", False),
        (None, "RED", False),  # no due date, nothing to be late for
        (TODAY + datetime.timedelta(days=1), "RED", False),
    ],
)
def test_an_action_is_overdue_past_its_due_date_unless_completed(due, process, overdue):
    action = ActionFactory(due_date=due)
    if process:
        assess(action, process, impact="GREY")
    row = current(action)
    assert selectors.is_overdue(row, TODAY) is overdue
    matched = Action.objects.filter(pk=action.pk)
    matched = selectors.with_current_ratings(matched).filter(selectors.overdue_q(TODAY))
    assert matched.exists() is overdue


@pytest.mark.django_db
def test_an_action_read_without_its_ratings_is_overdue_by_its_date_alone():
    action = ActionFactory(due_date=TODAY - datetime.timedelta(days=1))
    assert selectors.is_overdue(Action.objects.get(pk=action.pk), TODAY) is True


@pytest.mark.django_db
def test_overdue_is_judged_against_today_when_no_day_is_given(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    due_today = ActionFactory(due_date=TODAY)
    due_yesterday = ActionFactory(due_date=TODAY - datetime.timedelta(days=1))
    rows = selectors.with_current_ratings(Action.objects.all()).filter(selectors.overdue_q())
    assert list(rows.values_list("pk", flat=True)) == [due_yesterday.pk]
    assert due_today.pk not in rows.values_list("pk", flat=True)
