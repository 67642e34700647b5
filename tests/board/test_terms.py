"""A seat's term, pinned on its edges: the day a seat ends and the day after,
31 March and 1 April of the years a source records it, a successor's first
day; and the database's filters agreeing with the one rule in Python."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from board import selectors, terms
from board.models import Member, ReportingYear, SourceDocument
from board.terms import Standing, seat_state
from tests.factories import BoardFactory, MemberFactory, YearFactory

D = datetime.date


def year(start: int) -> ReportingYear:
    return ReportingYear.span(start)


SOURCE = SourceDocument(key="000_report", title="Annual Report 2016-17")


def seat(**fields) -> Member:
    fields.setdefault("person", "Pat")
    fields.setdefault("position", "Chair")
    return Member(**fields)


# --- a seat kept in Assure: its start and end ---------------------------------------------


def test_a_seat_with_no_dates_is_current_on_any_day():
    state = seat_state(seat(), day=D(2026, 12, 7))
    assert (state.standing, state.text) == (Standing.CURRENT, "Current")


def test_a_seat_is_current_on_the_day_it_ends_and_ended_the_day_after():
    member = seat(start=D(2020, 4, 1), end=D(2026, 12, 7))
    on_the_day = seat_state(member, day=D(2026, 12, 7))
    assert (on_the_day.standing, on_the_day.text) == (
        Standing.CURRENT,
        "Current, until 7 December 2026",
    )
    after = seat_state(member, day=D(2026, 12, 8))
    assert (after.standing, after.text, after.ended) == (
        Standing.ENDED,
        "Ended on 7 December 2026",
        D(2026, 12, 7),
    )
    assert after.past
    assert not after.current


def test_a_seat_starts_on_its_first_day_not_the_day_before():
    member = seat(start=D(2027, 4, 1))
    before = seat_state(member, day=D(2027, 3, 31))
    assert (before.standing, before.text) == (Standing.UPCOMING, "Starts on 1 April 2027")
    assert not before.current
    assert not before.past
    assert seat_state(member, day=D(2027, 4, 1)).standing is Standing.CURRENT


def test_an_ended_seat_names_who_took_it_over():
    successor = seat(person="Sam", start=D(2027, 4, 1))
    member = seat(end=D(2027, 3, 31), successor=successor)
    state = seat_state(member, day=D(2027, 4, 1))
    assert state.text == "Ended on 31 March 2027; Chair (Sam) took over"
    assert state.successor is successor


# --- a seat from a past report: known only in the years its sources record ----------------


def test_a_recorded_seat_is_current_to_31_march_of_its_last_year_then_last_recorded():
    member = seat(first_recorded=year(2015), last_recorded=year(2016), last_recorded_in=SOURCE)
    assert seat_state(member, day=D(2017, 3, 31)).standing is Standing.CURRENT
    after = seat_state(member, day=D(2017, 4, 1))
    assert (after.standing, after.text) == (
        Standing.LAST_RECORDED,
        "Last recorded in 2016-17 (Annual Report 2016-17)",
    )
    assert (after.year.label, after.source) == ("2016-17", SOURCE)
    assert after.past


def test_a_recorded_seat_is_not_yet_known_before_1_april_of_its_first_year():
    member = seat(first_recorded=year(2015), last_recorded=year(2016))
    before = seat_state(member, day=D(2015, 3, 31))
    assert (before.standing, before.text) == (Standing.UPCOMING, "First recorded in 2015-16")
    assert seat_state(member, day=D(2015, 4, 1)).standing is Standing.CURRENT


def test_a_recorded_seat_without_a_first_year_is_known_from_its_last_year():
    member = seat(last_recorded=year(2020))
    assert seat_state(member, day=D(2020, 3, 31)).text == "First recorded in 2020-21"
    assert seat_state(member, day=D(2020, 4, 1)).current


def test_a_recorded_seat_without_a_source_says_only_its_year():
    state = seat_state(seat(last_recorded=year(2016)), day=D(2026, 12, 7))
    assert state.text == "Last recorded in 2016-17"


def test_a_taken_over_seat_ends_when_its_successor_holds_it_not_before():
    """Fran Pearson's case: last recorded in 2016-17, her successor first
    recorded in 2020-21. Between, nothing is known: last recorded."""
    successor = seat(person="Alan", first_recorded=year(2020), last_recorded=year(2020))
    member = seat(
        first_recorded=year(2015),
        last_recorded=year(2016),
        last_recorded_in=SOURCE,
        successor=successor,
    )
    between = seat_state(member, day=D(2020, 3, 31))
    assert between.standing is Standing.LAST_RECORDED
    assert between.text == "Last recorded in 2016-17 (Annual Report 2016-17)"
    taken = seat_state(member, day=D(2020, 4, 1))
    assert (taken.standing, taken.text) == (
        Standing.SUCCEEDED,
        "Ended (the day is not recorded); Chair (Alan) took over",
    )
    assert (taken.year.label, taken.source, taken.successor) == ("2016-17", SOURCE, successor)
    assert taken.past


def test_a_seat_taken_over_within_its_last_year_ends_after_that_year():
    """Christine Bridgett's case: recorded in 2015-16, and her successor
    appointed in December 2015 is recorded in 2015-16 too."""
    successor = seat(person="", position="Business Manager", last_recorded=year(2015))
    member = seat(last_recorded=year(2015), successor=successor)
    assert seat_state(member, day=D(2016, 3, 31)).current
    assert seat_state(member, day=D(2016, 4, 1)).standing is Standing.SUCCEEDED


def test_an_end_date_decides_over_the_years_recorded():
    member = seat(last_recorded=year(2016), end=D(2016, 9, 30))
    assert seat_state(member, day=D(2016, 9, 30)).current
    assert seat_state(member, day=D(2016, 10, 1)).text == "Ended on 30 September 2016"


def test_the_start_shown_is_the_date_or_what_the_sources_know():
    assert terms.start_text(seat(start=D(2015, 9, 1))) == "1 Sep 2015"
    assert terms.start_text(seat(first_recorded=year(2015))) == "Not known; recorded from 2015-16"
    assert terms.start_text(seat(last_recorded=year(2020))) == "Not known; recorded from 2020-21"
    assert terms.start_text(seat()) == "Not known"


# --- the database agrees with seat_state ------------------------------------------------------


@pytest.fixture
def years(db):
    return {
        y: YearFactory(label=f"{y}-{(y + 1) % 100:02d}", start=D(y, 4, 1), end=D(y + 1, 3, 31))
        for y in (2015, 2016, 2020)
    }


@pytest.mark.django_db
def test_the_seats_held_during_a_year_are_those_held_on_one_of_its_days(years):
    board = BoardFactory()
    MemberFactory(board=board, position="Kept in Assure")
    MemberFactory(board=board, position="Ends", end=D(2017, 3, 31))
    MemberFactory(board=board, position="Starts", start=D(2017, 4, 1))
    MemberFactory(
        board=board, position="Recorded", first_recorded=years[2015], last_recorded=years[2016]
    )
    MemberFactory(board=board, position="Later", last_recorded=years[2020])
    MemberFactory(board=BoardFactory(), position="Another board's")

    def held(start: int) -> set[str]:
        found = selectors.seats_held_during(board=board, year=ReportingYear.span(start))
        return {m.position for m in found}

    assert held(2016) == {"Kept in Assure", "Ends", "Recorded"}
    assert held(2017) == {"Kept in Assure", "Starts"}
    assert held(2015) == {"Kept in Assure", "Ends", "Recorded"}
    assert held(2020) == {"Kept in Assure", "Starts", "Later"}
    assert held(2025) == {"Kept in Assure", "Starts"}


DAYS = st.dates(min_value=D(2014, 1, 1), max_value=D(2022, 12, 31))
MAYBE_DAY = st.none() | DAYS
MAYBE_YEAR = st.none() | st.sampled_from([2015, 2016, 2020])


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seats=st.lists(st.tuples(MAYBE_DAY, MAYBE_DAY, MAYBE_YEAR, MAYBE_YEAR), min_size=1, max_size=6),
    day=DAYS,
)
def test_the_database_shows_exactly_the_seats_seat_state_gives(years, seats, day):
    board = BoardFactory()
    made = []
    for i, (start, end, first, last) in enumerate(seats):
        member = MemberFactory.build(
            board=board,
            agency=None,
            position=f"Seat {i}",
            start=start,
            end=end,
            first_recorded=years.get(first),
            last_recorded=years.get(last),
        )
        try:
            member.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError:
            continue  # a seat Assure refuses (ending before it starts, say)
        member.save()
        made.append(member)
    assume(made)
    members = Member.objects.filter(board=board).select_related(*terms.TERM_RELATED)
    states = {m.pk: seat_state(m, day=day) for m in members}
    for shown, expected in (
        ("current", {pk for pk, s in states.items() if s.current}),
        ("upcoming", {pk for pk, s in states.items() if s.standing is Standing.UPCOMING}),
        ("past", {pk for pk, s in states.items() if s.past}),
        ("all", set(states)),
    ):
        found = set(
            terms.shown_on(Member.objects.filter(board=board), shown, day).values_list(
                "pk", flat=True
            )
        )
        assert found == expected, shown
    counts = selectors.seat_counts_of(selectors.seats_for_board(board=board, day=day))
    assert counts["current"] + counts["upcoming"] + counts["past"] == len(made)
    summary = selectors.membership_summary(board=board, day=day)
    assert (summary["seats"], summary["recorded"]) == (counts["current"], len(made))
