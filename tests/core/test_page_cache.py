"""The heavy pages kept in memory (core.page_cache) are never stale and never
someone else's: a change by any path shows on the next request, each session
has its own pages, a new day is a new page, flash messages are shown once.

The test settings turn the cache off (ASSURE_PAGE_CACHE_MB = 0) so that every
other test, the query counts above all, measures the page as drawn; the
`cache_on` fixture turns it on here."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import _get_new_csrf_string
from django.test import RequestFactory
from django.urls import reverse

from board import services as board_services
from core import data_version, page_cache
from indicators import services as indicator_services
from indicators.models import IndicatorValue
from priorities import services as priority_services
from priorities.models import Action
from tests.clock import on_day
from tests.indicators.factories import IndicatorFactory, SourceFactory, ValueFactory

pytestmark = pytest.mark.django_db

#: The day the changes are made on (the clock is pinned to it).
DAY = datetime.date(2026, 12, 7)


def new_transaction() -> None:
    """On PostgreSQL the version is bumped when a transaction commits, once;
    a test is one transaction, so its triggers are made to fire at once and
    each change here is treated as a transaction of its own. (SQLite's
    triggers fire on every write anyway.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {data_version.TRIGGER} IMMEDIATE")
            cursor.execute("SELECT set_config(%s, '', true)", [data_version.TOUCHED])


@pytest.fixture
def browser(client_for):
    """A signed-in person's browser, with the CSRF cookie the sign-in page
    gave it (a page drawn for a browser without one sets it, and is not kept)."""

    def make(name):
        client = client_for(name)
        client.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
        return client

    return make


@pytest.fixture
def cache_on(settings):
    settings.ASSURE_PAGE_CACHE_MB = 4
    store = page_cache.store()
    store.clear()
    new_transaction()
    yield store
    store.clear()


def url(name, board):
    return reverse(name, kwargs={"board": board.slug})


def served(response):
    """How the page cache answered: "hit", "miss" (drawn and kept) or None."""
    return getattr(response.wsgi_request, "page_cache", None)


def text(response):
    """The page without its CSRF tokens, masked afresh each time it is drawn."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def add_meeting(world, users):
    day = DAY + datetime.timedelta(days=40)
    board_services.meeting_create(group=world.group, date=day, location="Council chamber")
    return f"{day:%-d %B %Y}"


def assess(world, users):
    priority_services.assessment_record(
        action=world.action,
        process="RED",
        impact="RED",
        assessed_on=DAY,
        recorded_by=users["manager"],
        commentary="Referrals are waiting longer than the standard.",
    )
    return "Red"


def add_value(world, users):
    indicator = world.action.priority.indicators.get()
    indicator_services.indicator_value_save(
        value=IndicatorValue(
            indicator=indicator,
            period_kind="year",
            period_start=datetime.date(2021, 4, 1),
            period_end=datetime.date(2022, 3, 31),
            value=Decimal("917"),
            source=SourceFactory(title="Annual report 2021-22"),
        )
    )
    return "917"


def edit_action(world, users):
    priority_services.action_update(
        action_id=world.action.pk,
        expected_version=world.action.version,
        changes={"description": "Audit the front door's thresholds"},
    )
    return "Audit the front door&#x27;s thresholds"


@pytest.fixture
def indicator(world):
    made = IndicatorFactory(
        board=world.board, name="Referrals", unit="count", priority=world.action.priority
    )
    ValueFactory(indicator=made, period_start=datetime.date(2020, 4, 1), value=Decimal("100"))
    return made


@pytest.mark.parametrize(
    ("page", "change"),
    [
        ("board:home", add_meeting),
        ("reports:dashboard", assess),
        ("reports:scorecard", add_value),
        ("priorities:actions", edit_action),
    ],
)
def test_a_change_through_a_service_shows_on_the_next_request(
    world, users, browser, indicator, cache_on, page, change
):
    with on_day(DAY):
        client = browser("manager")
        address = url(page, world.board)
        first = client.get(address)
        again = client.get(address)
        assert (served(first), served(again)) == ("miss", "hit")
        assert text(again) == text(first)
        new_transaction()
        shown = change(world, users)
        assert shown not in text(first)
        after = client.get(address)
        assert served(after) == "miss"
        assert shown in text(after)


def test_a_change_through_the_admin_shows_on_the_next_request(world, users, browser, cache_on):
    client = browser("manager")
    home = url("board:home", world.board)
    assert served(client.get(home)) == "miss"
    assert served(client.get(home)) == "hit"
    new_transaction()
    response = browser("admin").post(
        reverse("admin:board_group_change", args=[world.group.pk]),
        {
            "name": "Safeguarding Partnership Executive",
            "slug": world.group.slug,
            "short_name": "",
            "kind": world.group.kind,
            "boards": [world.board.pk],
            "reports_to": "",
            "purpose": "",
        },
    )
    assert response.status_code == 302
    after = client.get(home)
    assert served(after) == "miss"
    assert "Safeguarding Partnership Executive" in text(after)


def test_a_bulk_update_that_sends_no_signal_shows_on_the_next_request(world, browser, cache_on):
    client = browser("manager")
    actions = url("priorities:actions", world.board)
    client.get(actions)
    assert served(client.get(actions)) == "hit"
    new_transaction()
    Action.objects.filter(pk=world.action.pk).update(description="Map the early help offer")
    after = client.get(actions)
    assert served(after) == "miss"
    assert "Map the early help offer" in text(after)


def test_a_change_to_what_a_page_does_not_show_leaves_it_kept(world, browser, cache_on):
    client = browser("manager")
    home = url("board:home", world.board)
    client.get(home)
    new_transaction()
    Action.objects.filter(pk=world.action.pk).update(description="Map the early help offer")
    assert served(client.get(home)) == "hit"
    new_transaction()
    world.group.name = "Safeguarding Partnership Executive"
    world.group.save()
    assert served(client.get(home)) == "miss"


def test_each_person_is_served_their_own_page(world, users, browser, cache_on):
    manager, partner = browser("manager"), browser("partner")
    home = url("board:home", world.board)
    theirs = manager.get(home)
    assert served(manager.get(home)) == "hit"
    mine = partner.get(home)
    assert served(mine) == "miss"
    assert text(mine) != text(theirs)
    assert served(partner.get(home)) == "hit"
    # A new sign-in is a new session: nothing of the old one is served to it,
    # even with the same CSRF cookie.
    cookie = partner.cookies[settings.CSRF_COOKIE_NAME].value
    partner.logout()
    partner.force_login(users["partner"])
    partner.cookies[settings.CSRF_COOKIE_NAME] = cookie
    assert served(partner.get(home)) == "miss"


def test_a_new_day_is_a_new_page(world, browser, cache_on):
    dashboard = url("reports:dashboard", world.board)
    with on_day(datetime.date(2027, 3, 31), hour=23):
        client = browser("manager")
        client.get(dashboard)
        assert served(client.get(dashboard)) == "hit"
    with on_day(datetime.date(2027, 4, 1), hour=0):
        assert served(client.get(dashboard)) == "miss"


def test_a_page_showing_a_flash_message_is_not_kept(world, browser, cache_on):
    client = browser("manager")
    home = url("board:home", world.board)
    request = RequestFactory().get(home)
    storage = CookieStorage(request)
    storage.add(messages.SUCCESS, "Meeting saved.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value
    shown = client.get(home)
    assert "Meeting saved." in text(shown)
    assert served(shown) is None
    later = client.get(home)
    assert "Meeting saved." not in text(later)
    assert served(later) == "miss"


def test_a_page_served_again_has_the_headers_of_a_fresh_one_and_few_queries(
    world, browser, cache_on, django_assert_max_num_queries
):
    client = browser("manager")
    scorecard = url("reports:scorecard", world.board)
    fresh = client.get(scorecard)
    # The session, the person, their authenticator and the data version.
    with django_assert_max_num_queries(4):
        again = client.get(scorecard)
    assert served(again) == "hit"

    def headers(response):
        return {k: v for k, v in response.items() if k != "X-Request-ID"}

    assert headers(again) == headers(fresh)
    assert "Content-Security-Policy" in headers(again)
    assert set(again.cookies) == set(fresh.cookies)


def test_every_table_a_page_may_show_bumps_the_data_version():
    """A new model's table gets its trigger from `migrate` (post_migrate)."""
    assert set(data_version.tables(connection)) <= data_version.triggered_tables(connection)
    assert "django_session" not in data_version.triggered_tables(connection)
    assert "board_board" in data_version.tables(connection)
