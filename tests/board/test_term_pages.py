"""The pages of seats' terms, the main group and the years, as the business
manager and the chair use them, each on a day the test names."""

import datetime
import re

import pytest
from django.urls import reverse

from board import services
from board.models import MainGroup, Member
from tests.clock import on_day
from tests.factories import GroupFactory, MeetingFactory, MemberFactory, YearFactory
from tests.html import table_rows

D = datetime.date
TODAY = D(2026, 12, 7)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    """Every test here happens on 7 December 2026, signing in included (a
    session lasts eight hours from sign-in on the clock)."""
    with on_day(TODAY):
        yield


def url(name, world, **kwargs):
    return reverse(name, kwargs={"board": world.board.slug, **kwargs})


def signed_in(client, users, name="manager"):
    """The client signed in again on the clock's day: a test that moves the
    clock months ahead would find the session it began with expired."""
    client.force_login(users[name])
    return client


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",")


@pytest.fixture
def seats(world):
    """One seat of each kind on TODAY, beside the world's own (current) seat."""
    recorded = YearFactory()  # 2016-17
    return {
        "ended": MemberFactory(
            board=world.board, position="Chair", person="Ann", end=D(2026, 12, 6)
        ),
        "ends-today": MemberFactory(board=world.board, position="Chair", person="Bea", end=TODAY),
        "later": MemberFactory(
            board=world.board, position="Chair", person="Cy", start=D(2027, 4, 1)
        ),
        "recorded": MemberFactory(
            board=world.board, position="Lay member", person="Dee", last_recorded=recorded
        ),
    }


# --- the members page -----------------------------------------------------------------


def members_listed(client, world, **query) -> str:
    with on_day(TODAY):
        response = client.get(url("board:members", world), query)
    assert response.status_code == 200
    return text(response)


def test_the_members_page_shows_the_seats_held_today_unless_asked(world, manager_client, seats):
    current = members_listed(manager_client, world)
    assert "Bea" in current
    assert world.member.position in current
    assert "Current, until 7 December 2026" in current
    for name in ("Ann", "Cy", "Dee"):
        assert f" {name} " not in current
    assert "Showing the seats held on 7 December 2026." in current

    past = members_listed(manager_client, world, seats="past")
    assert "Ended on 6 December 2026" in past
    assert "Last recorded in 2016-17" in past
    assert " Bea " not in past
    assert " Cy " not in past

    later = members_listed(manager_client, world, seats="upcoming")
    assert "Starts on 1 April 2027" in later
    assert " Ann " not in later

    every = members_listed(manager_client, world, seats="all")
    for name in ("Ann", "Bea", "Cy", "Dee"):
        assert f" {name} " in every


def test_a_board_with_no_seat_held_today_says_where_the_past_ones_are(world, manager_client):
    Member.objects.filter(board=world.board).update(end=D(2020, 3, 31))
    words = members_listed(manager_client, world)
    assert (
        "No seat is known to be held on 7 December 2026. Seats from past reports are listed "
        "under past seats, each with the year a report last records it."
    ) in words


def test_the_members_export_gives_each_seats_status_on_the_day(world, manager_client, seats):
    with on_day(TODAY):
        response = manager_client.get(
            url("board:members", world), {"seats": "all", "_export": "csv"}
        )
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[0] == "Name,Position,Agency,Role,Groups,Start,End,Status"
    assert any(r.startswith("Dee,") and r.endswith(",Last recorded in 2016-17") for r in rows)


# --- the seats page -------------------------------------------------------------------------


def seat_rows(client, world, **query):
    with on_day(TODAY):
        response = client.get(url("board:member_list", world), query)
    html = response.content.decode()
    return html, table_rows(html, "seats")


def test_the_seats_page_opens_on_the_current_seats_and_counts_each_kind(
    world, manager_client, seats
):
    html, rows = seat_rows(manager_client, world)
    assert [row[0] for row in rows[1:]] == [
        f"{world.member.agency.name} - {world.member.position}",
        f"{seats['ends-today'].agency.name} - Chair (Bea)",
    ]
    assert rows[0] == ["Seat", "Role", "Groups", "From", "Status", "Actions"]
    assert rows[2][3:5] == ["Not known", "Current, until 7 December 2026"]
    listed = html.split('id="seat-choices">')[1].split("</ul>")[0]
    choices = " ".join(re.sub(r"<[^>]+>", " ", listed).split())
    assert choices == ("Current seats (2) Seats starting later (1) Past seats (2) All seats (5)")
    assert 'aria-current="page">Current seats (2)' in html


def test_the_seats_page_lists_past_seats_with_what_is_known_of_them(world, manager_client, seats):
    _, rows = seat_rows(manager_client, world, seats="past")
    assert sorted(row[3:5] for row in rows[1:]) == [
        ["Not known", "Ended on 6 December 2026"],
        ["Not known; recorded from 2016-17", "Last recorded in 2016-17"],
    ]


def test_an_unknown_choice_of_seats_shows_the_current_ones(world, manager_client, seats):
    _, rows = seat_rows(manager_client, world, seats="everything")
    assert len(rows) == 3


# --- ending a seat and recording who takes it over -----------------------------------------


def test_a_manager_ends_a_seat_and_it_leaves_the_current_seats_the_day_after(world, manager_client):
    seat = world.member
    with on_day(TODAY):
        page = manager_client.get(url("board:member_edit", world, member=seat.pk))
        assert "On 7 December 2026 Current" in text(page)
        response = manager_client.post(
            url("board:member_end", world, member=seat.pk),
            {"end_day": "7", "end_month": "12", "end_year": "2026", "successor": ""},
        )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.end == TODAY
    assert seat.history.latest().history_user.username == "manager"
    _, today_rows = seat_rows(manager_client, world)
    assert len(today_rows) == 2
    with on_day(TODAY + datetime.timedelta(days=1)):
        rows = table_rows(
            manager_client.get(url("board:member_list", world)).content.decode(), "seats"
        )
    assert rows == []


def test_ending_a_seat_before_it_started_is_refused_on_the_form(world, manager_client):
    seat = MemberFactory(board=world.board, person="Started", start=D(2026, 1, 1))
    response = manager_client.post(
        url("board:member_end", world, member=seat.pk),
        {"end_day": "31", "end_month": "12", "end_year": "2025"},
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in text(response)
    seat.refresh_from_db()
    assert seat.end is None


def test_the_end_form_offers_only_this_boards_other_seats_as_successor(world, manager_client):
    mine = MemberFactory(board=world.board, person="Mine")
    theirs = MemberFactory(board=world.other_board, person="Theirs")
    html = manager_client.get(url("board:member_end", world, member=world.member.pk)).content
    html = html.decode()
    assert f'value="{mine.pk}"' in html
    assert f'value="{theirs.pk}"' not in html
    assert f'value="{world.member.pk}"' not in html
    response = manager_client.post(
        url("board:member_end", world, member=world.member.pk),
        {"end_day": "1", "end_month": "1", "end_year": "2026", "successor": str(theirs.pk)},
    )
    assert response.status_code == 400
    assert "Select a valid choice." in text(response)


def test_a_manager_records_a_new_chair_and_the_old_seat_ends_the_day_before(
    world, manager_client, users
):
    chair = MemberFactory(
        board=world.board,
        position="Independent Chair",
        person="Pat Old",
        role=Member.Role.INDEPENDENT_CHAIR,
        start=D(2019, 9, 1),
        groups=[world.group],
    )
    response = manager_client.post(
        url("board:member_succeed", world, member=chair.pk),
        {
            "person": "Sam New",
            "start_day": "1",
            "start_month": "4",
            "start_year": "2027",
            "notes": "",
        },
    )
    new = Member.objects.get(board=world.board, person="Sam New")
    assert response.status_code == 302
    assert response["Location"] == url("board:member_edit", world, member=new.pk)
    chair.refresh_from_db()
    assert (chair.end, chair.successor) == (D(2027, 3, 31), new)
    with on_day(D(2027, 3, 31)):
        words = text(signed_in(manager_client, users).get(url("board:home", world)))
    assert "Pat Old Independent Chair Current, until 31 March 2027" in words
    with on_day(D(2027, 4, 1)):
        client = signed_in(manager_client, users)
        words = text(client.get(url("board:home", world)))
        page = text(client.get(url("board:member_edit", world, member=new.pk)))
    assert "Sam New Independent Chair Current" in words
    assert "Pat Old" not in words
    assert f"Took over from {chair.label}" in page


def test_a_successor_starting_too_soon_is_refused_and_nothing_is_added(world, manager_client):
    seat = MemberFactory(board=world.board, person="Held", start=D(2026, 4, 1))
    count = Member.objects.count()
    response = manager_client.post(
        url("board:member_succeed", world, member=seat.pk),
        {"person": "Early", "start_day": "1", "start_month": "4", "start_year": "2026"},
    )
    assert response.status_code == 400
    assert "The new member must start after this seat started (1 April 2026)." in text(response)
    assert Member.objects.count() == count


def test_a_seat_of_another_board_cannot_be_ended_from_this_one(world, manager_client):
    theirs = MemberFactory(board=world.other_board)
    for name in ("board:member_end", "board:member_succeed"):
        assert manager_client.get(url(name, world, member=theirs.pk)).status_code == 404


# --- the main group -----------------------------------------------------------------------


def test_a_manager_marks_the_main_group_on_the_groups_page(world, manager_client):
    executive = GroupFactory(name="Executive", kind="executive", boards=[world.board])
    page = manager_client.get(url("board:group_list", world)).content.decode()
    assert "Main group</strong>" not in page
    assert "No group has been marked as the main group of this board." in page
    response = manager_client.post(url("board:group_main", world, group=executive.slug))
    assert response.status_code == 302
    assert MainGroup.objects.get(board=world.board).group == executive
    html = manager_client.get(url("board:group_list", world)).content.decode()
    rows = table_rows(html, "groups")
    marked = [row[0] for row in rows if "Main group" in row[0]]
    assert marked == ["Executive Main group"]
    history = text(manager_client.get(url("board:group_list", world)))
    assert "Executive marked as the main group, by" in history


def test_a_chair_sees_the_main_group_but_no_control_and_cannot_post(world, client_for):
    services.main_group_set(board=world.board, group=world.group)
    other = GroupFactory(boards=[world.board])
    chair = client_for("chair")
    html = chair.get(url("board:group_list", world)).content.decode()
    assert "Main group</strong>" in html
    assert "main group</button>" not in html
    manager = client_for("manager").get(url("board:group_list", world)).content.decode()
    assert manager.count("main group</button>") == 1
    assert chair.post(url("board:group_main", world, group=other.slug)).status_code == 403
    assert MainGroup.objects.get(board=world.board).group == world.group


def test_another_boards_group_cannot_be_made_this_boards_main_group(world, manager_client):
    response = manager_client.post(url("board:group_main", world, group="beta-board"))
    assert response.status_code == 404
    assert not MainGroup.objects.exists()


def test_the_meetings_page_opens_on_the_main_group_not_the_first_by_kind(world, manager_client):
    executive = GroupFactory(name="A executive", kind="executive", boards=[world.board])
    MeetingFactory(group=executive, date=D(2025, 5, 1))
    with on_day(TODAY):
        before = text(manager_client.get(url("board:meetings", world)))
        services.main_group_set(board=world.board, group=world.group)
        after = manager_client.get(url("board:meetings", world)).content.decode()
    assert "A executive" in before
    assert f'<option value="{world.group.slug}" selected>' in after
    assert '<option value="2016-17" selected>' in after  # its latest year with meetings


def test_the_main_group_with_no_meetings_opens_on_the_current_year(world, manager_client):
    quiet = GroupFactory(name="Quiet board", boards=[world.board])
    services.main_group_set(board=world.board, group=quiet)
    with on_day(TODAY):
        html = manager_client.get(url("board:meetings", world)).content.decode()
    assert f'<option value="{quiet.slug}" selected>' in html
    assert '<option value="2026-27" selected>' in html


# --- years ---------------------------------------------------------------------------------


def test_the_years_page_lists_every_year_from_the_first_to_today(world, manager_client):
    with on_day(TODAY):
        rows = table_rows(
            manager_client.get(url("board:year_list", world)).content.decode(), "years"
        )
    assert [row[0] for row in rows[1:]] == [
        "2026-27 (current)",
        *(f"{y}-{(y + 1) % 100:02d}" for y in range(2025, 2015, -1)),
    ]


def test_a_new_annual_report_defaults_to_the_last_year_that_has_ended(world, manager_client, users):
    create = reverse("reports:annual_report_create", kwargs={"board": world.board.slug})
    for day, default in (
        (D(2027, 3, 31), "2025-26"),
        (D(2027, 4, 1), "2026-27"),
        (TODAY, "2025-26"),
    ):
        with on_day(day):
            html = signed_in(manager_client, users).get(create).content.decode()
        assert f'<option value="{default}" selected>' in html, day
    with on_day(TODAY):
        html = manager_client.get(create).content.decode()
    assert '<option value="2026-27">' in html
    assert '<option value="2016-17">' in html
