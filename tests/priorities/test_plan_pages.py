"""The plan's period on the pages: the plan page and the plan list in words,
the business manager's pages to close, reopen, extend and change the period
(POST with CSRF, for the manager only), all actions leaving out closed plans
unless asked, and the query counts of the pages a closed plan touches."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from priorities.models import ActionPlan
from tests.clock import on_day
from tests.factories import ActionFactory, AssessmentFactory, PlanFactory, PriorityFactory
from tests.html import table_rows

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 7)


@pytest.fixture(autouse=True)
def today():
    with on_day(TODAY):
        yield


def url(name, plan, **kwargs):
    return reverse(name, kwargs={"board": plan.board.slug, "plan": plan.slug, **kwargs})


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def plans(world):
    """Business plans 2015-17 (ended), 2017-27 (in force) and 2027-29 (later),
    each with an action due long ago and never assessed."""
    made = {
        "old": PlanFactory(
            board=world.board,
            slug="bp-2015-17",
            title="Business Plan 2015-17",
            starts_on=D(2015, 4, 1),
            ends_on=D(2017, 3, 31),
        ),
        "current": PlanFactory(
            board=world.board,
            slug="bp-2017-27",
            title="Business Plan 2017-27",
            starts_on=D(2017, 4, 1),
            ends_on=D(2027, 3, 31),
        ),
        "later": PlanFactory(
            board=world.board,
            slug="bp-2027-29",
            title="Business Plan 2027-29",
            starts_on=D(2027, 4, 1),
            ends_on=D(2029, 3, 31),
        ),
    }
    for key, plan in made.items():
        ActionFactory(plan=plan, ref="1a", description=f"Action of {key}", due_date=D(2016, 6, 30))
    return made


# --- the plan page -------------------------------------------------------------------------


def test_the_plan_page_says_a_plan_closed_when_its_period_ended_and_what_superseded_it(
    plans, client_for
):
    page = text(client_for("chair").get(url("priorities:plan", plans["old"])))
    assert "Status Closed: its period ended on 31 March 2017." in page
    assert "Period 1 April 2015 to 31 March 2017 As written: 2015-2017" in page
    assert "Superseded Superseded by Business Plan 2017-27 , from 1 April 2017" in page


def test_a_plan_to_be_superseded_later_says_when(plans, client_for):
    page = text(client_for("chair").get(url("priorities:plan", plans["current"])))
    assert "Status In force until 31 March 2027." in page
    assert "To be superseded by Business Plan 2027-29 , which starts on 1 April 2027" in page


def test_a_plan_not_started_says_when_it_starts_and_offers_no_close(plans, client_for):
    page = text(client_for("manager").get(url("priorities:plan", plans["later"])))
    assert "Status Not started: it starts on 1 April 2027." in page
    assert "Close this plan" not in page
    assert "Superseded" not in page


def test_the_manager_sees_the_buttons_the_plans_standing_allows_and_the_chair_none(
    plans, client_for
):
    manager, chair = client_for("manager"), client_for("chair")

    def buttons(client, plan):
        html = client.get(url("priorities:plan", plan)).content.decode()
        return re.findall(
            r'role="button"[^>]*>(\w+)<span class="govuk-visually-hidden"> this', html
        )

    assert buttons(manager, plans["old"]) == ["Reopen", "Extend"]
    assert buttons(manager, plans["current"]) == ["Extend", "Close"]
    assert buttons(chair, plans["old"]) == []
    assert "Change the period" not in text(chair.get(url("priorities:plan", plans["old"])))


def test_an_overdue_action_of_a_closed_plan_is_not_marked_overdue(plans, client_for):
    chair = client_for("chair")
    assert "Overdue" not in text(chair.get(url("priorities:plan", plans["old"])))
    assert "Overdue" in text(chair.get(url("priorities:plan", plans["current"])))


def test_the_plan_page_shows_who_closed_the_plan_and_why_in_its_history(plans, client_for, users):
    manager = client_for("manager")
    response = manager.post(
        url("priorities:plan_close", plans["current"]),
        {"closed_on": "2026-12-07", "reason": "Replaced by the partnership's plan"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("priorities:plan", plans["current"])
    page = manager.get(response["Location"])
    assert "Business Plan 2017-27 closed." in text(page)
    assert "Status Closed on 7 December 2026. Why: Replaced by the partnership's plan" in text(page)
    assert "Changed: Closed from 7 December 2026: Replaced by the partnership's plan" in text(page)
    record = plans["current"].history.order_by("-history_date", "-history_id").first()
    assert record.history_user == users["manager"]
    assert record.history_change_reason == (
        "Closed from 7 December 2026: Replaced by the partnership's plan"
    )


# --- the manager's pages ---------------------------------------------------------------------


def test_a_refused_close_says_why_on_the_form_and_saves_nothing(plans, client_for):
    manager = client_for("manager")
    response = manager.post(
        url("priorities:plan_close", plans["old"]), {"closed_on": "2026-12-07", "reason": "x"}
    )
    assert response.status_code == 400
    assert "This plan is already closed. Closed: its period ended on 31 March 2017." in text(
        response
    )
    plans["old"].refresh_from_db()
    assert plans["old"].closed_on is None


def test_the_close_page_refuses_a_day_that_is_not_a_date(plans, client_for):
    response = client_for("manager").post(
        url("priorities:plan_close", plans["current"]),
        {"closed_on_day": "31", "closed_on_month": "2", "closed_on_year": "2026", "reason": "x"},
    )
    assert response.status_code == 400
    assert "Closed from must be a real date, for example 31 3 2017." in text(response)


def test_the_reopen_page_asks_for_a_new_end_when_the_period_has_ended(plans, client_for):
    manager = client_for("manager")
    page = text(manager.get(url("priorities:plan_reopen", plans["old"])))
    assert "New end of the plan Needed when" in page
    assert "New end of the plan (optional)" not in page
    response = manager.post(url("priorities:plan_reopen", plans["old"]), {})
    assert response.status_code == 400
    assert (
        "This plan's period ended on 31 March 2017: give a new end, today or later, to reopen it."
        in text(response)
    )
    response = manager.post(
        url("priorities:plan_reopen", plans["old"]),
        {"new_end_day": "31", "new_end_month": "3", "new_end_year": "2027"},
    )
    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=plans["old"].pk).extended_to == D(2027, 3, 31)


def test_the_extend_and_period_pages_save_through_their_services(plans, client_for):
    manager = client_for("manager")
    response = manager.post(
        url("priorities:plan_extend", plans["current"]),
        {"new_end_day": "30", "new_end_month": "9", "new_end_year": "2027"},
    )
    assert response.status_code == 302
    response = manager.post(
        url("priorities:plan_period", plans["later"]),
        {"period": "2027-2030", "starts_on": "2027-04-01", "ends_on": "2026-03-31"},
    )
    assert response.status_code == 400
    assert "The end of the period cannot be before its start." in text(response)
    response = manager.post(
        url("priorities:plan_period", plans["later"]),
        {"period": "2027-2030", "starts_on": "2027-04-01", "ends_on": "2030-03-31"},
    )
    assert response.status_code == 302
    later = ActionPlan.objects.get(pk=plans["later"].pk)
    assert (later.period, later.ends_on) == ("2027-2030", D(2030, 3, 31))
    assert ActionPlan.objects.get(pk=plans["current"].pk).extended_to == D(2027, 9, 30)


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(plans, users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["manager"])
    response = client.post(
        url("priorities:plan_close", plans["current"]), {"closed_on": "2026-12-07", "reason": "x"}
    )
    assert response.status_code == 403
    assert ActionPlan.objects.get(pk=plans["current"].pk).closed_on is None


def test_the_period_form_takes_gov_uk_date_inputs_filled_with_the_plans_dates(plans, client_for):
    html = client_for("manager").get(url("priorities:plan_period", plans["old"])).content.decode()
    for name, value in [
        ("starts_on_day", "1"),
        ("starts_on_month", "4"),
        ("starts_on_year", "2015"),
    ]:
        assert re.search(rf'name="{name}"[^>]*value="{value}"', html), name
    assert 'class="govuk-input govuk-date-input__input' in html


# --- the plan list ------------------------------------------------------------------------


def test_the_plan_list_puts_each_plan_under_its_standing(world, plans, client_for):
    html = client_for("chair").get(reverse("priorities:plans", kwargs={"board": "alpha"}))
    html = html.content.decode()

    def titles(table):
        return [row[0] for row in table_rows(html, table)[1:]]

    assert titles("plans-in-force") == ["Business Plan 2017-27", world.plan.title]
    assert titles("plans-not-started") == ["Business Plan 2027-29"]
    assert titles("plans-closed") == ["Business Plan 2015-17"]
    (old,) = table_rows(html, "plans-closed")[1:]
    assert old[3] == (
        "Closed: its period ended on 31 March 2017 Superseded by Business Plan 2017-27"
    )


# --- all actions ---------------------------------------------------------------------------


def listed(client, **params) -> list[str]:
    html = client.get(reverse("priorities:actions", kwargs={"board": "alpha"}), params)
    return re.findall(r"<td[^>]*>(Action of \w+)</td>", html.content.decode())


def test_all_actions_leaves_out_closed_plans_unless_asked(plans, client_for):
    chair = client_for("chair")
    assert listed(chair) == ["Action of current", "Action of later"]
    assert listed(chair, closed="include") == [
        "Action of old",
        "Action of current",
        "Action of later",
    ]
    assert listed(chair, closed="only") == ["Action of old"]
    assert listed(chair, plan=plans["old"].pk) == ["Action of old"]


def test_a_closed_plans_actions_are_never_overdue_in_the_list_or_its_filter(plans, client_for):
    chair = client_for("chair")
    assert listed(chair, closed="include", overdue="true") == [
        "Action of current",
        "Action of later",
    ]
    html = chair.get(
        reverse("priorities:actions", kwargs={"board": "alpha"}), {"closed": "include"}
    ).content.decode()
    rows = dict(re.findall(r"(Action of \w+)</td>.*?<td[^>]*data-width=\"date\">(.*?)</td>", html))
    assert "Overdue" not in rows["Action of old"]
    assert "Overdue" in rows["Action of current"]
    assert "Closed plan" in html


def test_the_plan_filter_says_which_plans_are_closed(plans, client_for):
    html = client_for("chair").get(reverse("priorities:actions", kwargs={"board": "alpha"}))
    assert f'<option value="{plans["old"].pk}">Business Plan 2015-17 (closed)</option>' in (
        html.content.decode()
    )


def test_an_export_with_closed_plans_holds_their_actions(plans, client_for):
    response = client_for("chair").get(
        reverse("priorities:actions", kwargs={"board": "alpha"}),
        {"closed": "include", "_export": "csv"},
    )
    exported = response.content.decode()
    assert "Action of old" in exported
    default = client_for("chair").get(
        reverse("priorities:actions", kwargs={"board": "alpha"}), {"_export": "csv"}
    )
    assert "Action of old" not in default.content.decode()


def grow_closed(world, n):
    """n actions in a closed plan and n in an open-ended one, assessed."""
    closed = PlanFactory(board=world.board, starts_on=D(2015, 4, 1), ends_on=D(2017, 3, 31))
    finished = PlanFactory(board=world.board, kind=ActionPlan.Kind.INSPECTION)
    priority = PriorityFactory(plan=closed, number=1)
    for i in range(n):
        ActionFactory(plan=closed, priority=priority, ref=f"c{i}", due_date=D(2016, 1, 1))
        done = ActionFactory(plan=finished, ref=f"f{i}")
        AssessmentFactory(action=done, assessed_on=D(2016, 1, 1), process="BLUE")


@pytest.mark.parametrize(
    ("name", "params", "limit"),
    [
        # The limits of tests/priorities/test_views.py and tests/reports/test_dashboard.py.
        ("priorities:actions", {}, 14),
        ("priorities:actions", {"closed": "include"}, 14),
        ("priorities:plans", {}, 9),
        ("reports:dashboard", {}, 20),
    ],
)
@pytest.mark.parametrize("size", [3, 60])
def test_pages_with_closed_plans_run_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries, name, params, limit, size
):
    grow_closed(world, size)
    client = client_for("chair")
    with django_assert_max_num_queries(limit):
        response = client.get(reverse(name, kwargs={"board": world.board.slug}), params)
    assert response.status_code == 200


# --- the Django admin ------------------------------------------------------------------------


def test_the_admin_refuses_an_end_before_the_start_and_shows_the_closing_read_only(plans, client):
    from django.contrib.auth import get_user_model

    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(superuser)
    plan = plans["current"]
    change = reverse("admin:priorities_actionplan_change", args=[plan.pk])
    page = client.get(change).content.decode()
    assert 'name="closed_on' not in page
    assert 'name="extended_to' not in page
    assert "Why it was closed" in page
    data = {
        "board": plan.board_id,
        "slug": plan.slug,
        "title": plan.title,
        "kind": plan.kind,
        "period": "2017-2027",
        "starts_on": "2017-04-01",
        "ends_on": "2017-03-31",
        **{
            f"{prefix}-{key}": value
            for prefix in ("priorities", "rag_definitions")
            for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
        },
    }
    response = client.post(change, data)
    assert response.status_code == 200
    assert "The end of the period cannot be before its start." in response.content.decode()
    assert ActionPlan.objects.get(pk=plan.pk).ends_on == D(2027, 3, 31)
    response = client.post(change, {**data, "ends_on": "2027-06-30"})
    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=plan.pk).ends_on == D(2027, 6, 30)


def test_a_board_with_no_closed_plan_lists_every_action_and_none_as_closed(world, client_for):
    ActionFactory(plan=world.plan, description="Action of world")
    chair = client_for("chair")
    assert listed(chair) == ["Action of world"]
    assert listed(chair, closed="include") == ["Action of world"]
    assert listed(chair, closed="only") == []
