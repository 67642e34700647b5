"""The chair's dashboard as the chair sees it: what it lists, the date they
pick, who may open it, where a chair lands, and its cost in queries."""

from __future__ import annotations

import datetime
import html as html_lib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from priorities.models import Action, Assessment, Priority
from tests.factories import ActionFactory, AssessmentFactory, MeetingFactory, PlanFactory

pytestmark = pytest.mark.django_db


def url(board) -> str:
    return reverse("reports:dashboard", kwargs={"board": board.slug})


def today() -> datetime.date:
    return timezone.localdate()


def ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def text(response) -> str:
    """The page's words, tags stripped and spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(response, start: str, end: str) -> str:
    words = text(response)
    return words[words.index(start) : words.index(end, words.index(start))]


def test_a_chair_sees_a_red_action_under_its_plan_and_priority_with_a_link_to_its_history(
    world, client_for
):
    red = ActionFactory(plan=world.plan, priority=world.action.priority, ref="1b")
    AssessmentFactory(action=red, assessed_on=ago(3), process="RED", impact="AMBER")
    response = client_for("chair").get(url(world.board))
    assert response.status_code == 200
    html = response.content.decode()
    history = reverse(
        "priorities:action", kwargs={"board": "alpha", "plan": "business-plan", "ref": "1b"}
    )
    assert f'href="{history}"' in html
    words = section(response, "Actions needing attention", "What changed")
    assert "Priority 1: " + world.action.priority.title in words
    row = words[words.index("1b (history of action 1b)") :]
    assert row.startswith(
        f"1b (history of action 1b) {red.description} Red Amber Not set "
        f"{ago(3):%-d %b %Y} Rated red or amber"
    )
    # The world's own action has never been assessed.
    assert "2 actions: 1 red or amber, 0 overdue, 1 not assessed recently." in words
    summary = section(response, "Summary", "Actions needing attention")
    assert "1 action rated red or amber" in summary
    assert "0 actions overdue" in summary
    assert "1 action not assessed for more than 90 days" in summary


def test_an_action_due_today_is_not_listed_as_overdue_and_one_due_yesterday_is(world, client_for):
    for ref, due in (("9a", today()), ("9b", ago(1))):
        action = ActionFactory(plan=world.plan, ref=ref, due_date=due)
        AssessmentFactory(action=action, assessed_on=ago(1), process="GREEN", impact="GREEN")
    words = section(client_for("chair").get(url(world.board)), "Actions needing attention", "What")
    assert "9a (history" not in words
    assert "9b (history of action 9b)" in words
    assert "Overdue" in words[words.index("9b (history") :]
    assert "Actions under no priority" in words


def test_it_lists_an_action_assessed_91_days_ago_and_not_one_assessed_90_days_ago(
    world, client_for
):
    for ref, when in (("8a", ago(90)), ("8b", ago(91))):
        action = ActionFactory(plan=world.plan, ref=ref)
        AssessmentFactory(action=action, assessed_on=when, process="GREEN", impact="GREEN")
    words = section(client_for("chair").get(url(world.board)), "Actions needing attention", "What")
    assert "8a (history" not in words
    assert "Not assessed for more than 90 days" in words[words.index("8b (history") :]


def test_the_stale_days_come_from_the_setting(world, client_for, settings):
    settings.ASSURE_STALE_ACTION_DAYS = 10
    action = ActionFactory(plan=world.plan, ref="7a")
    AssessmentFactory(action=action, assessed_on=ago(11), process="GREEN", impact="GREEN")
    words = text(client_for("chair").get(url(world.board)))
    assert "Not assessed for more than 10 days" in words
    assert "have not been assessed for more than 10 days" in words


def test_changes_since_the_last_meeting_show_ratings_before_and_after(world, client_for):
    MeetingFactory(group=world.group, date=ago(14))
    action = ActionFactory(plan=world.plan, ref="6a")
    AssessmentFactory(action=action, assessed_on=ago(14), process="GREY", impact="GREY")
    AssessmentFactory(action=action, assessed_on=ago(13), process="AMBER", impact="GREY")
    AssessmentFactory(action=action, assessed_on=ago(2), process="BLUE", impact="GREEN")
    first = ActionFactory(plan=world.plan, ref="6b")
    AssessmentFactory(action=first, assessed_on=ago(1), process="RED", impact="RED")
    response = client_for("chair").get(url(world.board))
    words = text(response)
    met = f"{ago(14):%-d %B %Y}"
    assert f"What changed since the strategic board met on {met}" in words
    assert f"Changes dated after the meeting: from {ago(13):%-d %B %Y} to today." in words
    changes = section(response, "New assessments", "Actions completed")
    assert changes.startswith("New assessments (3)")
    # The meeting day's assessment was before the board: it is the "before".
    assert f"{ago(13):%-d %b %Y} Grey (not started) to Amber (no change)" not in changes
    assert (
        f"{ago(13):%-d %b %Y} Grey (not started) to Amber Grey (not started) to "
        "Grey (not started) (no change)"
    ) in changes
    assert (f"{ago(2):%-d %b %Y} Amber to Blue (completed) Grey (not started) to Green") in changes
    assert f"{ago(1):%-d %b %Y} Not assessed to Red Not assessed to Red" in changes
    completed = section(response, "Actions completed", "Actions added")
    assert completed.startswith("Actions completed (1)")
    assert f"Action 6a , {world.plan.title}: rated blue (completed) on {ago(2):%-d %B %Y}" in (
        completed
    )


def test_a_chair_picks_today_to_see_changes_from(world, client_for):
    action = ActionFactory(plan=world.plan, ref="5a")
    AssessmentFactory(action=action, assessed_on=ago(1), process="RED", impact="RED")
    AssessmentFactory(action=action, assessed_on=today(), process="AMBER", impact="RED")
    d = today()
    response = client_for("chair").get(
        url(world.board), {"since_day": d.day, "since_month": d.month, "since_year": d.year}
    )
    assert response.status_code == 200
    words = text(response)
    assert f"What changed from {d:%-d %B %Y}" in words
    assert "New assessments (1)" in words
    assert "Red to Amber" in words
    assert "Changes since the last meeting" in words  # the way back


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        ("tomorrow", "Show changes from must be today or in the past."),
        ("31 2 2026", "Show changes from must be a real date, for example 31 3 2017."),
        ("1 1 1999", "Show changes from must be 1 January 2000 or later."),
        ("x 1 2026", "Show changes from must be a real date, for example 31 3 2017."),
    ],
)
def test_it_refuses_a_date_in_the_future_or_not_a_date(world, client_for, asked, message):
    if asked == "tomorrow":
        t = today() + datetime.timedelta(days=1)
        asked = f"{t.day} {t.month} {t.year}"
    day, month, year = asked.split()
    response = client_for("chair").get(
        url(world.board), {"since_day": day, "since_month": month, "since_year": year}
    )
    assert response.status_code == 400
    words = text(response)
    assert words.count(message) == 2  # in the summary and by the field
    assert "There is a problem" in words
    assert "No changes are shown until the date above is corrected." in words
    assert "New assessments" not in words
    assert "Actions needing attention" in words  # the rest of the page still stands


def test_a_partner_finds_no_dashboard_and_a_manager_of_another_board_neither(world, client_for):
    assert client_for("partner").get(url(world.board)).status_code == 404
    assert client_for("chair").get(url(world.other_board)).status_code == 404
    assert client_for("other_manager").get(url(world.board)).status_code == 404


def test_the_dashboard_is_in_the_navigation_after_overview_for_readers_only(world, client_for):
    html = client_for("chair").get(url(world.board)).content.decode()
    labels = re.findall(
        r'class="govuk-service-navigation__link" href="[^"]+"[^>]*>(?:<strong[^>]*>)?([^<]+)', html
    )
    assert [html_lib.unescape(label) for label in labels[:3]] == [
        "Overview",
        "Chair's dashboard",
        "Action plans",
    ]
    partner_home = client_for("partner").get(reverse("board:home", kwargs={"board": "alpha"}))
    assert "Chair&#x27;s dashboard" not in partner_home.content.decode()
    assert "/dashboard/" not in partner_home.content.decode()


def test_the_overview_links_to_the_dashboard(world, client_for):
    html = client_for("manager").get(reverse("board:home", kwargs={"board": "alpha"})).content
    link = f'<a class="govuk-link" href="{url(world.board)}">Chair\'s dashboard</a>'
    assert link in html.decode()


def test_a_chair_with_one_board_lands_on_its_dashboard(world, client_for):
    response = client_for("chair").get(reverse("site:home"))
    assert response.status_code == 302
    assert response["Location"] == url(world.board)
    manager = client_for("manager").get(reverse("site:home"))
    assert manager["Location"] == reverse("board:home", kwargs={"board": "alpha"})


def _actions(world, n: int) -> None:
    """`n` actions over three priorities, each assessed three times, some
    red, some overdue, some not assessed for a long time."""
    plan = PlanFactory(board=world.board, slug=f"load-{n}")
    priorities = Priority.objects.bulk_create(
        Priority(plan=plan, number=k, title=f"Load priority {k}") for k in range(1, 4)
    )
    actions = Action.objects.bulk_create(
        Action(
            plan=plan,
            priority=priorities[i % 3] if i % 4 else None,
            ref=f"L{i}",
            position=i,
            description=f"Load action {i}",
            due_date=ago(i % 7 - 3),
        )
        for i in range(n)
    )
    ratings = ["RED", "AMBER", "GREEN", "BLUE", "GREY"]
    Assessment.objects.bulk_create(
        Assessment(
            action=a,
            assessed_on=ago(30 * k + i % 200),
            process=ratings[(i + k) % 5],
            impact=ratings[(i * 3 + k) % 5],
        )
        for i, a in enumerate(actions)
        for k in range(3)
    )


@pytest.mark.parametrize("size", [10, 1000])
def test_it_runs_the_same_number_of_queries_for_10_and_1000_actions(
    world, client_for, django_assert_max_num_queries, size
):
    client = client_for("chair")
    MeetingFactory(group=world.group, date=ago(60))
    _actions(world, size)
    with django_assert_max_num_queries(20):
        response = client.get(url(world.board))
    assert response.status_code == 200
    assert f"Load action {size - 1}" in response.content.decode() or size == 10


def test_the_query_count_does_not_grow_with_the_data(world, client_for):
    client = client_for("chair")
    MeetingFactory(group=world.group, date=ago(60))
    _actions(world, 10)
    client.get(url(world.board))
    with CaptureQueriesContext(connection) as small:
        client.get(url(world.board))
    _actions(world, 300)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url(world.board))
    assert len(large.captured_queries) == len(small.captured_queries)
    # Every action needing attention is listed; the lists of changes show 50 each.
    from priorities.dashboard_selectors import actions_needing_attention

    listed = actions_needing_attention(board=world.board, today=today(), stale_days=90).count()
    assert listed > 200
    attention = section(response, "Actions needing attention", "What changed")
    assert attention.count("(history of action ") == listed
    changes = section(response, "New assessments", "Actions completed")
    assert changes.count("(history of action ") == 50


def test_it_lists_an_indicator_off_target_with_a_link_to_its_page_and_values_that_moved(
    world, client_for
):
    from decimal import Decimal

    from tests.indicators.factories import IndicatorFactory, ValueFactory

    MeetingFactory(group=world.group, date=ago(14))
    off = IndicatorFactory(
        board=world.board,
        code="timely",
        name="Assessments completed within 45 days",
        unit="percentage",
        polarity="higher",
        target=Decimal("80"),
        tolerance=Decimal("5"),
    )
    fine = IndicatorFactory(
        board=world.board,
        code="fine",
        name="Children seen alone",
        unit="percentage",
        polarity="higher",
        target=Decimal("80"),
        tolerance=Decimal("5"),
    )
    for indicator, values in ((off, ("78", "70")), (fine, ("85", "90"))):
        for start, value in zip((2019, 2020), values, strict=True):
            ValueFactory(
                indicator=indicator,
                period_start=datetime.date(start, 4, 1),
                value=Decimal(value),
            )
    response = client_for("chair").get(url(world.board))
    page = reverse("indicators:indicator", kwargs={"board": "alpha", "indicator": "timely"})
    html = response.content.decode()
    assert f'<a class="govuk-link" href="{page}">Assessments completed within 45 days</a>' in html
    listed = section(response, "Indicators off target or getting worse", "Support links")
    assert "Children seen alone" not in listed
    assert "70% 2020-21 78% 2019-20" in listed
    assert "Off target (80%)" in listed
    summary = section(response, "Summary", "Actions needing attention")
    assert "1 indicator off target or getting worse" in summary
    moved = section(response, "Indicators with values recorded or revised", "Indicators off target")
    assert moved.startswith("Indicators with values recorded or revised (2)")
    assert f"Assessments completed within 45 days 2020-21: 70% {today():%-d %b %Y} 2" in moved


def test_a_value_published_again_is_revised_only_where_its_figure_differs(world, client_for):
    """The rule the scorecard follows: a later edition repeating a figure is
    the same figure again, and one that changes it is revised, with the
    figure it replaced beside it."""
    from decimal import Decimal

    from tests.indicators.factories import IndicatorFactory, ValueFactory

    MeetingFactory(group=world.group, date=ago(14))
    for code, name, second in (
        ("same", "Children in need", "2455"),
        ("moved", "Child protection plans", "2458"),
    ):
        indicator = IndicatorFactory(board=world.board, code=code, name=name, unit="count")
        for edition, value in ((1, "2455"), (2, second)):
            ValueFactory(indicator=indicator, edition=edition, value=Decimal(value))
    moved = section(
        client_for("chair").get(url(world.board)),
        "Indicators with values recorded or revised",
        "Indicators off target",
    )
    assert "Child protection plans 2019-20: 2,458 Revised (was 2,455)" in moved
    assert "Children in need 2019-20: 2,455 Edition 2 (the same figure again)" in moved
    assert moved.count("Revised") == 1


def test_it_lists_review_deadlines_overdue_or_due_within_ten_working_days(world, client_for):
    from reviews import clock, services
    from reviews.models import StepKind
    from tests.reviews.factories import ReviewFactory

    def before(due: datetime.date, days: int) -> datetime.date:
        """The day `days` working days before `due` (day 0 the day it happens)."""
        day = due
        while clock.add_working_days(day, days) != due:
            day -= datetime.timedelta(days=1)
        return day

    def review(name: str, due: datetime.date, step: str = "notification") -> None:
        """A rapid review whose next step (the notification to the Panel,
        5 working days after the local authority became aware, or the rapid
        review, 15 working days after the notification) falls due on `due`."""
        made = ReviewFactory(board=world.board, name=name, year=world.year)
        if step == "notification":
            aware = before(due, 5)
            services.step_record(review=made, kind=StepKind.AWARE, date=aware, today=today())
            return
        notified = before(due, 15)
        for kind in (StepKind.AWARE, StepKind.NOTIFICATION):
            services.step_record(review=made, kind=kind, date=notified, today=today())

    late = clock.add_working_days(today(), -2)
    soon = clock.add_working_days(today(), 10)
    review("Child Late", late)
    review("Child Today", today())
    review("Child Soon", soon, step="rapid review")
    review("Child Later", clock.add_working_days(today(), 11), step="rapid review")
    ReviewFactory(board=world.other_board, name="Child Elsewhere", year=world.year)
    response = client_for("chair").get(url(world.board))
    listed = section(response, "Statutory review deadlines", "Support links")
    assert "Child Later" not in listed
    assert "Child Elsewhere" not in listed
    assert (
        f"Child Late Notification to the Panel {late:%-d %b %Y} Overdue "
        f"Child Today Notification to the Panel {today():%-d %b %Y} Due today "
        f"Child Soon Rapid review {soon:%-d %b %Y} 10 working days left"
    ) in listed
    summary = section(response, "Summary", "Actions needing attention")
    assert "3 statutory review deadlines due in the next 10 working days or overdue" in summary
    changes = section(response, "Case reviews and their steps", "Indicators off target")
    assert changes.startswith("Case reviews and their steps (")
    assert "Child Soon : New rapid review" in changes


def test_each_list_shows_fifty_entries_and_says_how_many_more_and_where(world, client_for):
    """At ten times the seeds' size a list of every change is read by no one:
    each list shows its first 50, its heading and the summary count them
    all, and a line says how many more there are and links to where they are."""
    from decimal import Decimal

    from indicators.models import Indicator, IndicatorValue
    from tests.indicators.factories import SourceFactory

    MeetingFactory(group=world.group, date=ago(14))
    source = SourceFactory()
    indicators = Indicator.objects.bulk_create(
        Indicator(
            board=world.board,
            code=f"off-{n:02}",
            name=f"Off target {n:02}",
            unit="percentage",
            polarity="higher",
            target=Decimal("80"),
            position=n,
        )
        for n in range(55)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=ind,
            period_kind="year",
            period_start=datetime.date(year, 4, 1),
            period_end=datetime.date(year + 1, 3, 31),
            value=Decimal(value),
            source=source,
        )
        for ind in indicators
        for year, value in ((2019, "60"), (2020, "50"))
    )
    plan = PlanFactory(board=world.board, slug="many")
    actions = Action.objects.bulk_create(
        Action(plan=plan, ref=f"M{i}", position=i, description=f"Many {i}") for i in range(52)
    )
    Assessment.objects.bulk_create(
        Assessment(action=a, assessed_on=ago(2), process="GREEN", impact="GREEN") for a in actions
    )
    response = client_for("chair").get(url(world.board))
    html = response.content.decode()
    scorecard = reverse("reports:scorecard", kwargs={"board": "alpha"})
    everything = reverse("priorities:actions", kwargs={"board": "alpha"})

    assessments = section(response, "New assessments", "Actions completed")
    assert assessments.startswith("New assessments (52)")
    assert assessments.count("(history of action M") == 50
    assert "And 2 more: every action with its latest ratings , each leading to its history." in (
        assessments
    )
    assert (
        f'<a class="govuk-link" href="{everything}">every action with its latest ratings</a>'
        in (html)
    )

    moved = section(response, "Indicators with values recorded or revised", "Case reviews")
    assert moved.startswith("Indicators with values recorded or revised (55)")
    assert moved.count("Off target ") == 50
    assert "And 5 more indicators with values recorded or revised in this time: the scorecard" in (
        moved
    )
    off = section(response, "Indicators off target or getting worse", "Statutory review")
    assert off.count("Off target (80%)") == 50
    assert "And 5 more indicators off target or getting worse: the scorecard shows" in off
    assert html.count(f'<a class="govuk-link" href="{scorecard}">the scorecard</a>') == 2
    summary = section(response, "Summary", "Actions needing attention")
    assert "55 indicators off target or getting worse" in summary
    assert "52 new assessments since" in summary


def test_a_list_of_fifty_says_nothing_more(world, client_for):
    MeetingFactory(group=world.group, date=ago(14))
    plan = PlanFactory(board=world.board, slug="fifty")
    actions = Action.objects.bulk_create(
        Action(plan=plan, ref=f"F{i}", position=i, description=f"Fifty {i}") for i in range(50)
    )
    Assessment.objects.bulk_create(
        Assessment(action=a, assessed_on=ago(2), process="GREEN", impact="GREEN") for a in actions
    )
    response = client_for("chair").get(url(world.board))
    assessments = section(response, "New assessments", "Actions completed")
    assert assessments.startswith("New assessments (50)")
    assert assessments.count("(history of action F") == 50
    assert "more:" not in assessments
