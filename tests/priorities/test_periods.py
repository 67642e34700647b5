"""When a plan is in force: the rule pinned on its edges (the last day of a
period and the day after, 31 March and 1 April, the day a person closed it,
the day an open-ended plan's last action was completed), asked both ways it
is written (priorities.periods for a plan already read, ActionPlanQuerySet
for the database), which must always agree."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from priorities.models import ActionPlan
from priorities.periods import Closure, Standing, period_in_words, period_problems, state_on
from tests.factories import ActionFactory, AssessmentFactory, BoardFactory, PlanFactory

pytestmark = pytest.mark.django_db

D = datetime.date
MARCH_31 = D(2017, 3, 31)
APRIL_1 = D(2017, 4, 1)


def standing(plan: ActionPlan, day: datetime.date) -> tuple[Standing, Closure | None]:
    """The plan's standing on `day`, read both ways; they must agree."""
    read = ActionPlan.objects.with_state(day).get(pk=plan.pk).state_on(day)
    unannotated = ActionPlan.objects.get(pk=plan.pk).state_on(day)
    assert (read.standing, read.closure) == (unannotated.standing, unannotated.closure)
    plans = ActionPlan.objects.filter(pk=plan.pk)
    in_force = plans.in_force_on(day).exists()
    closed = plans.closed_on(day).exists()
    not_closed = plans.not_closed_on(day).exists()
    assert in_force == (read.standing == Standing.IN_FORCE), (plan, day)
    assert closed == (read.standing == Standing.CLOSED), (plan, day)
    assert not_closed == (read.standing != Standing.CLOSED), (plan, day)
    return read.standing, read.closure


def business_plan_2015_17(**fields):
    return PlanFactory(starts_on=D(2015, 4, 1), ends_on=MARCH_31, **fields)


def complete(action, on):
    return AssessmentFactory(action=action, assessed_on=on, process="BLUE", impact="GREEN")


# --- a dated plan ---------------------------------------------------------------------------


def test_a_plan_is_in_force_on_the_last_day_of_its_period_and_closed_the_day_after():
    plan = business_plan_2015_17()
    assert standing(plan, MARCH_31) == (Standing.IN_FORCE, None)
    assert standing(plan, APRIL_1) == (Standing.CLOSED, Closure.PERIOD_ENDED)
    assert standing(plan, D(2026, 12, 7)) == (Standing.CLOSED, Closure.PERIOD_ENDED)


def test_a_plan_is_not_started_the_day_before_its_start_and_in_force_on_it():
    plan = business_plan_2015_17()
    assert standing(plan, D(2015, 3, 31)) == (Standing.NOT_STARTED, None)
    assert standing(plan, D(2015, 4, 1)) == (Standing.IN_FORCE, None)


def test_an_extended_plan_runs_to_its_new_end_and_closes_the_day_after():
    plan = business_plan_2015_17(extended_to=D(2017, 9, 30))
    assert standing(plan, APRIL_1) == (Standing.IN_FORCE, None)
    assert standing(plan, D(2017, 9, 30)) == (Standing.IN_FORCE, None)
    assert standing(plan, D(2017, 10, 1)) == (Standing.CLOSED, Closure.PERIOD_ENDED)


def test_a_plan_a_person_closed_is_closed_from_that_day_and_in_force_the_day_before():
    plan = business_plan_2015_17(closed_on=D(2016, 5, 10), closed_reason="Replaced")
    assert standing(plan, D(2016, 5, 9)) == (Standing.IN_FORCE, None)
    assert standing(plan, D(2016, 5, 10)) == (Standing.CLOSED, Closure.BY_PERSON)
    # A person's closing is the reason given, even after the period ends.
    assert standing(plan, D(2026, 12, 7)) == (Standing.CLOSED, Closure.BY_PERSON)


def test_a_dated_plan_with_every_action_complete_stays_in_force_to_the_end_of_its_period():
    plan = business_plan_2015_17()
    complete(ActionFactory(plan=plan), D(2016, 1, 4))
    assert standing(plan, MARCH_31) == (Standing.IN_FORCE, None)


def test_a_plan_with_no_dates_and_no_actions_is_in_force():
    assert standing(PlanFactory(), D(2026, 12, 7)) == (Standing.IN_FORCE, None)


# --- an open-ended plan (an inspection's) ----------------------------------------------------


@pytest.fixture
def inspection_plan():
    return PlanFactory(kind=ActionPlan.Kind.INSPECTION, starts_on=D(2016, 3, 29))


def test_an_open_ended_plan_closes_the_day_after_its_last_action_is_completed(inspection_plan):
    first, last = ActionFactory(plan=inspection_plan), ActionFactory(plan=inspection_plan)
    complete(first, D(2016, 6, 1))
    complete(last, MARCH_31)
    assert standing(inspection_plan, MARCH_31) == (Standing.IN_FORCE, None)
    assert standing(inspection_plan, APRIL_1) == (Standing.CLOSED, Closure.ACTIONS_COMPLETE)


def test_an_open_ended_plan_with_an_action_never_assessed_stays_in_force(inspection_plan):
    complete(ActionFactory(plan=inspection_plan), D(2016, 6, 1))
    ActionFactory(plan=inspection_plan)
    assert standing(inspection_plan, D(2026, 12, 7)) == (Standing.IN_FORCE, None)


def test_an_open_ended_plan_with_no_actions_is_in_force(inspection_plan):
    assert standing(inspection_plan, D(2026, 12, 7)) == (Standing.IN_FORCE, None)


def test_an_action_rated_again_short_of_complete_puts_its_plan_back_in_force(inspection_plan):
    action = ActionFactory(plan=inspection_plan)
    complete(action, D(2016, 6, 1))
    AssessmentFactory(action=action, assessed_on=D(2016, 9, 1), process="AMBER", impact="GREY")
    assert standing(inspection_plan, D(2016, 9, 1)) == (Standing.CLOSED, Closure.ACTIONS_COMPLETE)
    assert standing(inspection_plan, D(2016, 9, 2)) == (Standing.IN_FORCE, None)


def test_completion_reads_the_latest_assessment_as_the_current_rating_does(inspection_plan):
    """Two assessments on one day: the one recorded later is the rating."""
    action = ActionFactory(plan=inspection_plan)
    blue = complete(action, D(2016, 6, 1))
    amber = AssessmentFactory(
        action=action, assessed_on=D(2016, 6, 1), process="AMBER", impact="GREY"
    )
    type(blue).objects.filter(pk=blue.pk).update(recorded_at=amber.recorded_at)
    # Same day and moment: the one saved last (amber) stands.
    assert standing(inspection_plan, D(2016, 6, 2)) == (Standing.IN_FORCE, None)


def test_an_open_ended_plan_given_an_end_closes_after_it(inspection_plan):
    inspection_plan.extended_to = D(2027, 3, 31)
    inspection_plan.save()
    ActionFactory(plan=inspection_plan)
    assert standing(inspection_plan, D(2027, 3, 31)) == (Standing.IN_FORCE, None)
    assert standing(inspection_plan, D(2027, 4, 1)) == (Standing.CLOSED, Closure.PERIOD_ENDED)


def test_another_plans_actions_do_not_complete_a_plan(inspection_plan):
    ActionFactory(plan=inspection_plan)
    complete(ActionFactory(plan=PlanFactory(board=inspection_plan.board)), D(2016, 6, 1))
    assert standing(inspection_plan, D(2026, 12, 7)) == (Standing.IN_FORCE, None)


# --- in force during a reporting year ----------------------------------------------------------

YEAR_2016_17 = (D(2016, 4, 1), MARCH_31)
YEAR_2017_18 = (APRIL_1, D(2018, 3, 31))


def during(plan, year) -> bool:
    return ActionPlan.objects.filter(pk=plan.pk).in_force_during(*year).exists()


@pytest.mark.parametrize(
    ("fields", "in_2016_17", "in_2017_18"),
    [
        ({"starts_on": D(2015, 4, 1), "ends_on": MARCH_31}, True, False),
        ({"starts_on": D(2015, 4, 1), "ends_on": APRIL_1}, True, True),
        ({"starts_on": APRIL_1, "ends_on": D(2018, 3, 31)}, False, True),
        ({"starts_on": MARCH_31, "ends_on": D(2018, 3, 31)}, True, True),
        ({"starts_on": D(2014, 4, 1), "ends_on": D(2016, 3, 31)}, False, False),
        ({"starts_on": D(2015, 4, 1), "ends_on": MARCH_31, "extended_to": APRIL_1}, True, True),
        ({"starts_on": D(2015, 4, 1), "closed_on": APRIL_1, "closed_reason": "Done"}, True, False),
        (
            {"starts_on": D(2015, 4, 1), "closed_on": D(2017, 4, 2), "closed_reason": "D"},
            True,
            True,
        ),
        (
            {"starts_on": D(2016, 4, 1), "closed_on": D(2016, 4, 1), "closed_reason": "D"},
            False,
            False,
        ),
        (
            {"starts_on": D(2016, 6, 1), "closed_on": D(2016, 6, 1), "closed_reason": "D"},
            False,
            False,
        ),
        (
            {"starts_on": D(2016, 6, 1), "closed_on": D(2016, 6, 2), "closed_reason": "D"},
            True,
            False,
        ),
        ({}, True, True),
    ],
)
def test_a_plan_is_in_a_year_when_it_is_in_force_on_any_day_of_it(fields, in_2016_17, in_2017_18):
    plan = PlanFactory(**fields)
    assert (during(plan, YEAR_2016_17), during(plan, YEAR_2017_18)) == (in_2016_17, in_2017_18)


@pytest.mark.parametrize(
    ("completed_on", "in_2017_18"), [(MARCH_31, False), (APRIL_1, True), (D(2017, 3, 30), False)]
)
def test_an_open_ended_plan_is_in_the_year_it_was_still_running_on_the_first_day_of(
    completed_on, in_2017_18
):
    plan = PlanFactory(kind=ActionPlan.Kind.INSPECTION, starts_on=D(2016, 3, 29))
    complete(ActionFactory(plan=plan), completed_on)
    assert during(plan, YEAR_2016_17)
    assert during(plan, YEAR_2017_18) == in_2017_18


# --- the period's own rules, on every path that saves a plan ----------------------------------


def test_an_end_before_the_start_is_refused_by_the_model_as_the_admin_and_loader_run_it():
    plan = PlanFactory.build(board=BoardFactory(), starts_on=APRIL_1, ends_on=MARCH_31)
    with pytest.raises(ValidationError) as refused:
        plan.full_clean()
    assert refused.value.message_dict == {
        "ends_on": ["The end of the period cannot be before its start."]
    }


def test_a_period_of_one_day_is_allowed():
    assert period_problems(starts_on=MARCH_31, ends_on=MARCH_31) == {}


@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        (
            {"ends_on": MARCH_31, "extended_to": MARCH_31},
            {"extended_to": ["An extension must end after the period's end."]},
        ),
        (
            {"starts_on": APRIL_1, "extended_to": MARCH_31},
            {"extended_to": ["An extension cannot end before the period's start."]},
        ),
        (
            {"starts_on": APRIL_1, "closed_on": MARCH_31, "closed_reason": "Replaced"},
            {"closed_on": ["A plan cannot close before its period starts."]},
        ),
        (
            {"closed_on": APRIL_1, "closed_reason": "  "},
            {"closed_reason": ["Say why the plan was closed."]},
        ),
        ({"starts_on": APRIL_1, "closed_on": APRIL_1, "closed_reason": "Replaced"}, {}),
        ({"ends_on": MARCH_31, "extended_to": APRIL_1}, {}),
        ({"extended_to": APRIL_1}, {}),
    ],
)
def test_the_periods_rules(fields, problems):
    values = {"starts_on": None, "ends_on": None, **fields}
    assert period_problems(**values) == problems


# --- words ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "day", "words"),
    [
        (
            {"starts_on": D(2015, 4, 1), "ends_on": MARCH_31},
            APRIL_1,
            "Closed: its period ended on 31 March 2017",
        ),
        (
            {"starts_on": D(2015, 4, 1), "ends_on": MARCH_31},
            MARCH_31,
            "In force until 31 March 2017",
        ),
        (
            {"starts_on": APRIL_1, "ends_on": D(2018, 3, 31)},
            MARCH_31,
            "Not started: it starts on 1 April 2017",
        ),
        (
            {"starts_on": D(2016, 3, 29)},
            APRIL_1,
            "In force since 29 March 2016, until its actions are complete",
        ),
        ({}, APRIL_1, "In force, until its actions are complete"),
        ({"closed_on": D(2016, 5, 10)}, APRIL_1, "Closed on 10 May 2016"),
        ({"complete": True}, APRIL_1, "Closed: every action is complete (rated Blue for process)"),
    ],
)
def test_a_plans_standing_in_words(fields, day, words):
    complete_before = fields.pop("complete", False)
    values = {"starts_on": None, "ends_on": None, "extended_to": None, "closed_on": None, **fields}
    assert state_on(day=day, complete_before=complete_before, **values).words == words


@pytest.mark.parametrize(
    ("dates", "words"),
    [
        ((D(2015, 4, 1), MARCH_31, None), "1 April 2015 to 31 March 2017"),
        (
            (D(2015, 4, 1), MARCH_31, D(2017, 9, 30)),
            "1 April 2015 to 30 September 2017 (extended from 31 March 2017)",
        ),
        ((D(2016, 3, 29), None, None), "From 29 March 2016 until its actions are complete"),
        ((None, None, None), "Until its actions are complete"),
        ((None, MARCH_31, None), "Until 31 March 2017"),
        (
            (D(2016, 3, 29), None, D(2027, 3, 31)),
            "29 March 2016 to 31 March 2027 (an end given when it was reopened)",
        ),
    ],
)
def test_a_period_in_words(dates, words):
    assert period_in_words(*dates) == words


# --- the two statements of the rule agree on any plan and any day -----------------------------

days = st.dates(min_value=D(2015, 1, 1), max_value=D(2018, 12, 31))
optional_days = st.none() | days


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    starts_on=optional_days,
    ends_on=optional_days,
    extended_to=optional_days,
    closed_on=optional_days,
    ratings=st.lists(
        st.lists(st.tuples(days, st.sampled_from(["BLUE", "GREEN"])), max_size=3), max_size=3
    ),
    day=days,
)
def test_the_page_and_the_database_read_every_plan_alike(
    starts_on, ends_on, extended_to, closed_on, ratings, day
):
    if period_problems(
        starts_on=starts_on,
        ends_on=ends_on,
        extended_to=extended_to,
        closed_on=closed_on,
        closed_reason="Closed",
    ):
        return
    with transaction.atomic():
        plan = PlanFactory(
            starts_on=starts_on,
            ends_on=ends_on,
            extended_to=extended_to,
            closed_on=closed_on,
            closed_reason="Closed" if closed_on else "",
        )
        for assessments in ratings:
            action = ActionFactory(plan=plan)
            for on, process in assessments:
                AssessmentFactory(action=action, assessed_on=on, process=process)
        standing(plan, day)
        transaction.set_rollback(True)
