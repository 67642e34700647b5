"""Closing, reopening, extending a plan and changing its period: each a
service that refuses with its reason and saves nothing, and leaves a record
in the plan's history saying what was done."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from priorities import services
from priorities.models import ActionPlan
from tests.factories import ActionFactory, AssessmentFactory, PlanFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 7)


@pytest.fixture
def ended():
    """The business plan 2015-17, whose period ended on 31 March 2017."""
    return PlanFactory(starts_on=D(2015, 4, 1), ends_on=D(2017, 3, 31))


@pytest.fixture
def current():
    return PlanFactory(starts_on=D(2025, 4, 1), ends_on=D(2027, 3, 31))


def refused(call, **kwargs) -> dict[str, list[str]]:
    """What the service said, having checked it saved nothing."""
    plan = kwargs["plan"]
    before = (ActionPlan.objects.filter(pk=plan.pk).values().get(), plan.history.count())
    with pytest.raises(ValidationError) as exc:
        call(**kwargs)
    after = (ActionPlan.objects.filter(pk=plan.pk).values().get(), plan.history.count())
    assert after == before
    return exc.value.message_dict


def latest_history(plan):
    return plan.history.order_by("-history_date", "-history_id").first()


# --- closing -------------------------------------------------------------------------------


def test_closing_a_plan_records_the_day_the_reason_and_why_in_its_history(current):
    services.plan_close(plan=current, reason="  Superseded by the 2026 plan. ", today=TODAY)
    current.refresh_from_db()
    assert (current.closed_on, current.closed_reason) == (TODAY, "Superseded by the 2026 plan.")
    assert current.state_on(TODAY).closed
    assert current.state_on(TODAY - datetime.timedelta(days=1)).in_force
    record = latest_history(current)
    assert record.history_change_reason == (
        "Closed from 7 December 2026: Superseded by the 2026 plan."
    )
    assert record.closed_on == TODAY


def test_a_reason_from_a_browser_is_stored_and_told_in_one_form(current):
    """A reason typed over two lines arrives with CRLF and trailing spaces:
    the plan, its history and the history's words hold it with LF only."""
    services.plan_close(
        plan=current, reason="Superseded.  \r\nActions moved to 2026-27.\r\n", today=TODAY
    )
    current.refresh_from_db()
    assert current.closed_reason == "Superseded.\nActions moved to 2026-27."
    record = latest_history(current)
    assert record.closed_reason == current.closed_reason
    assert record.history_change_reason.endswith(": Superseded.\nActions moved to 2026-27.")


def test_a_plan_can_be_closed_from_an_earlier_day(current):
    services.plan_close(plan=current, reason="Stopped", closed_on=D(2026, 1, 5), today=TODAY)
    current.refresh_from_db()
    assert current.closed_on == D(2026, 1, 5)


def test_it_refuses_to_close_a_plan_whose_period_has_ended(ended):
    assert refused(services.plan_close, plan=ended, reason="Old", today=TODAY) == {
        "__all__": ["This plan is already closed. Closed: its period ended on 31 March 2017."]
    }


def test_it_refuses_to_close_a_plan_already_closed_by_a_person(current):
    services.plan_close(plan=current, reason="Stopped", today=TODAY)
    assert refused(services.plan_close, plan=current, reason="Again", today=TODAY) == {
        "__all__": ["This plan is already closed. Closed on 7 December 2026."]
    }


def test_it_refuses_a_close_without_a_reason(current):
    assert refused(services.plan_close, plan=current, reason="  ", today=TODAY) == {
        "reason": ["Say why the plan is closed."]
    }


def test_it_refuses_to_close_from_tomorrow_but_closes_from_today(current):
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert refused(
        services.plan_close, plan=current, reason="Later", closed_on=tomorrow, today=TODAY
    ) == {
        "closed_on": [
            "The day the plan closed cannot be after today. To end it later, change its period."
        ]
    }
    services.plan_close(plan=current, reason="Now", closed_on=TODAY, today=TODAY)


def test_it_refuses_to_close_before_the_period_starts_but_closes_on_its_first_day(current):
    assert refused(
        services.plan_close, plan=current, reason="x", closed_on=D(2025, 3, 31), today=TODAY
    ) == {"closed_on": ["The plan cannot close before its period starts on 1 April 2025."]}
    services.plan_close(plan=current, reason="x", closed_on=D(2025, 4, 1), today=TODAY)


def test_it_refuses_to_close_a_plan_not_started_yet():
    later = PlanFactory(starts_on=D(2027, 4, 1), ends_on=D(2029, 3, 31))
    assert refused(services.plan_close, plan=later, reason="No", today=TODAY) == {
        "__all__": [
            "This plan has not started: it starts on 1 April 2027. Change its period instead."
        ]
    }


# --- reopening -----------------------------------------------------------------------------


def test_reopening_a_plan_whose_period_ended_needs_a_new_end(ended):
    assert refused(services.plan_reopen, plan=ended, today=TODAY) == {
        "new_end": [
            "This plan's period ended on 31 March 2017: give a new end, today or later, to "
            "reopen it."
        ]
    }


def test_it_refuses_a_new_end_before_today_and_takes_today(ended):
    yesterday = TODAY - datetime.timedelta(days=1)
    assert refused(services.plan_reopen, plan=ended, new_end=yesterday, today=TODAY) == {
        "new_end": ["The new end cannot be before today: the plan would still be closed."]
    }
    services.plan_reopen(plan=ended, new_end=TODAY, today=TODAY)
    ended.refresh_from_db()
    assert (ended.ends_on, ended.extended_to) == (D(2017, 3, 31), TODAY)
    assert ended.state_on(TODAY).in_force
    assert ended.state_on(TODAY + datetime.timedelta(days=1)).closed
    assert latest_history(ended).history_change_reason == "Reopened until 7 December 2026"


def test_reopening_a_plan_a_person_closed_undoes_the_closing_and_keeps_its_period(current):
    services.plan_close(plan=current, reason="By mistake", today=TODAY)
    services.plan_reopen(plan=current, today=TODAY)
    current.refresh_from_db()
    assert (current.closed_on, current.closed_reason, current.extended_to) == (None, "", None)
    assert current.state_on(TODAY).in_force
    assert latest_history(current).history_change_reason == "Reopened"


def test_a_new_end_on_reopening_must_come_after_the_plans_own_end(current):
    services.plan_close(plan=current, reason="Paused", today=TODAY)
    assert refused(services.plan_reopen, plan=current, new_end=D(2027, 3, 31), today=TODAY) == {
        "new_end": [
            "The new end must be after the current end, 31 March 2027; leave it blank to keep that."
        ]
    }
    services.plan_reopen(plan=current, new_end=D(2027, 4, 1), today=TODAY)


def test_a_plan_closed_by_a_person_after_its_period_ended_needs_a_new_end_too(current):
    services.plan_close(plan=current, reason="Early", closed_on=D(2026, 1, 1), today=TODAY)
    on = D(2027, 4, 1)
    assert refused(services.plan_reopen, plan=current, today=on) == {
        "new_end": [
            "This plan's period ended on 31 March 2027: give a new end, today or later, to "
            "reopen it."
        ]
    }


def test_it_refuses_to_reopen_a_plan_that_is_not_closed(current):
    assert refused(services.plan_reopen, plan=current, today=TODAY) == {
        "__all__": ["This plan is not closed. In force until 31 March 2027."]
    }


def test_reopening_an_open_ended_plan_whose_actions_are_complete_needs_an_end():
    plan = PlanFactory(kind=ActionPlan.Kind.INSPECTION, starts_on=D(2016, 3, 29))
    AssessmentFactory(action=ActionFactory(plan=plan), assessed_on=D(2017, 1, 9), process="BLUE")
    assert refused(services.plan_reopen, plan=plan, today=TODAY) == {
        "new_end": [
            "Every action of this plan is complete: give an end, today or later, to reopen it, "
            "or add an action."
        ]
    }
    reopened = services.plan_reopen(plan=plan, new_end=D(2027, 3, 31), today=TODAY)
    assert reopened.state_on(TODAY).in_force


# --- extending -----------------------------------------------------------------------------


def test_extending_keeps_the_stated_period_and_records_the_new_end(current):
    services.plan_extend(plan=current, new_end=D(2027, 9, 30), today=TODAY)
    current.refresh_from_db()
    assert (current.ends_on, current.extended_to) == (D(2027, 3, 31), D(2027, 9, 30))
    assert latest_history(current).history_change_reason == "Extended to 30 September 2027"


def test_a_plan_whose_period_ended_is_in_force_again_when_extended_to_today(ended):
    extended = services.plan_extend(plan=ended, new_end=TODAY, today=TODAY)
    assert extended.state_on(TODAY).in_force
    assert extended.state_on(TODAY + datetime.timedelta(days=1)).closed


def test_an_extension_already_past_records_that_the_plan_ran_on_and_it_stays_closed(ended):
    services.plan_extend(plan=ended, new_end=D(2017, 9, 30), today=TODAY)
    ended.refresh_from_db()
    assert ended.state_on(D(2017, 9, 30)).in_force
    assert ended.state_on(TODAY).words == "Closed: its period ended on 30 September 2017"


def test_it_refuses_an_extension_not_after_the_current_end(ended):
    assert refused(services.plan_extend, plan=ended, new_end=D(2017, 3, 31), today=TODAY) == {
        "new_end": ["The new end must be after the current end, 31 March 2017."]
    }
    services.plan_extend(plan=ended, new_end=D(2017, 4, 1), today=TODAY)
    assert refused(services.plan_extend, plan=ended, new_end=D(2017, 4, 1), today=TODAY) == {
        "new_end": ["The new end must be after the current end, 1 April 2017."]
    }


def test_it_refuses_to_extend_a_plan_with_no_end():
    plan = PlanFactory(kind=ActionPlan.Kind.INSPECTION, starts_on=D(2016, 3, 29))
    assert refused(services.plan_extend, plan=plan, new_end=D(2027, 3, 31), today=TODAY) == {
        "__all__": ["This plan runs until its actions are complete, so it has no end to extend."]
    }


def test_it_refuses_to_extend_a_plan_a_person_closed(current):
    services.plan_close(plan=current, reason="Stopped", today=TODAY)
    assert refused(services.plan_extend, plan=current, new_end=D(2028, 3, 31), today=TODAY) == {
        "__all__": ["This plan was closed on 7 December 2026: reopen it to give it a new end."]
    }


# --- changing the period -------------------------------------------------------------------


def test_changing_the_period_saves_its_words_and_dates_with_history(current):
    services.plan_period_set(
        plan=current, period=" 2025-2028 ", starts_on=D(2025, 4, 1), ends_on=D(2028, 3, 31)
    )
    current.refresh_from_db()
    assert (current.period, current.ends_on) == ("2025-2028", D(2028, 3, 31))
    assert latest_history(current).history_change_reason == "Period changed"


def test_a_period_may_be_left_open_ended(current):
    services.plan_period_set(plan=current, period="", starts_on=None, ends_on=None)
    current.refresh_from_db()
    assert (current.starts_on, current.ends_on) == (None, None)


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        (
            {"starts_on": D(2027, 4, 1), "ends_on": D(2027, 3, 31)},
            {"ends_on": ["The end of the period cannot be before its start."]},
        ),
        (
            {"starts_on": D(2025, 4, 1), "ends_on": D(2027, 3, 31), "period": "p" * 41},
            {"period": ["The period must be 40 characters or fewer."]},
        ),
    ],
)
def test_changing_the_period_refuses_what_the_rules_refuse(current, change, problems):
    values = {"period": "2025-27", **change}
    assert refused(services.plan_period_set, plan=current, **values) == problems


def test_a_period_must_still_end_before_its_extension(current):
    services.plan_extend(plan=current, new_end=D(2027, 9, 30), today=TODAY)
    assert refused(
        services.plan_period_set,
        plan=current,
        period="",
        starts_on=D(2025, 4, 1),
        ends_on=D(2027, 9, 30),
    ) == {
        "ends_on": [
            "The plan was extended to 30 September 2027: its period must end before that, and "
            "start by then."
        ]
    }


def test_a_period_cannot_start_after_the_day_a_person_closed_the_plan(current):
    services.plan_close(plan=current, reason="Stopped", today=TODAY)
    assert refused(
        services.plan_period_set,
        plan=current,
        period="",
        starts_on=D(2026, 12, 8),
        ends_on=D(2027, 3, 31),
    ) == {
        "starts_on": ["The plan was closed on 7 December 2026: its period cannot start after that."]
    }


def test_a_new_plan_with_an_end_before_its_start_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            board=world.board,
            slug="audit-x",
            title="Audit: x",
            kind="audit",
            starts_on=D(2017, 4, 1),
            ends_on=D(2017, 3, 31),
        )
    assert exc.value.message_dict == {
        "ends_on": ["The end of the period cannot be before its start."]
    }
    assert not ActionPlan.objects.filter(slug="audit-x").exists()
