"""Read records go when the board's retention period is over, to the day:
prune_read_records, safe to run every day, says what it removed from each
board, and with --dry-run removes nothing."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from board.services import read_retention_set
from reviews.models import ReadRecord
from reviews.read_records import kept_from, read_record_add, read_records_prune
from tests.clock import on_day
from tests.reviews.factories import ReviewFactory

pytestmark = pytest.mark.django_db

D = datetime.date
LONDON = ZoneInfo("Europe/London")


def read_at(review, user, moment: datetime.datetime) -> ReadRecord:
    """A read made at `moment` (London time), as the service makes it."""
    import time_machine

    with time_machine.travel(moment, tick=False):
        (record,) = read_record_add(
            user=user, reviews=[review], what=ReadRecord.What.REVIEW_PAGE, kind="view"
        )
    return record


def london(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=LONDON)


def left() -> list[datetime.datetime]:
    return [r.at.astimezone(LONDON) for r in ReadRecord.objects.order_by("at")]


@pytest.fixture
def review(world):
    return ReviewFactory(board=world.board, name="Child J")


@pytest.mark.parametrize(
    ("today", "months", "first_kept"),
    [
        (D(2026, 12, 7), 24, D(2024, 12, 7)),
        (D(2027, 4, 1), 24, D(2025, 4, 1)),
        (D(2027, 3, 31), 12, D(2026, 3, 31)),
        (D(2026, 3, 31), 1 * 12 + 1, D(2025, 2, 28)),  # no 31 February: its last day
        (D(2028, 2, 29), 24, D(2026, 2, 28)),
        (D(2027, 1, 15), 120, D(2017, 1, 15)),
    ],
)
def test_a_board_keeps_reads_from_the_same_day_its_period_ago(today, months, first_kept, world):
    world.board.read_records_kept_months = months
    assert kept_from(board=world.board, today=today) == first_kept


def test_a_read_is_kept_to_the_last_minute_of_its_period_and_gone_the_day_after(
    world, users, review
):
    chair = users["chair"]
    read_at(review, chair, london(2024, 12, 6, 23, 59))
    read_at(review, chair, london(2024, 12, 7, 0, 0))
    read_at(review, chair, london(2024, 12, 7, 23, 59))
    read_at(review, chair, london(2026, 12, 7, 9, 0))

    (pruned,) = [p for p in read_records_prune(today=D(2026, 12, 7)) if p.board == world.board]
    assert (pruned.count, pruned.kept_from, pruned.months) == (1, D(2024, 12, 7), 24)
    assert left() == [
        london(2024, 12, 7, 0, 0),
        london(2024, 12, 7, 23, 59),
        london(2026, 12, 7, 9, 0),
    ]
    read_records_prune(today=D(2026, 12, 8))
    assert left() == [london(2026, 12, 7, 9, 0)]


def test_the_edge_is_midnight_in_london_in_summer_time_too(world, users, review):
    """Midnight in British Summer Time is 23:00 the day before in UTC."""
    chair = users["chair"]
    read_at(review, chair, london(2025, 6, 30, 23, 30))
    read_at(review, chair, london(2025, 7, 1, 0, 30))
    read_records_prune(today=D(2027, 7, 1))
    assert left() == [london(2025, 7, 1, 0, 30)]


def test_each_board_keeps_reads_for_its_own_period(world, users, review):
    theirs = ReviewFactory(board=world.other_board, name="Child X")
    read_retention_set(board=world.other_board, months=12)
    read_at(review, users["chair"], london(2025, 6, 1, 9))
    read_at(theirs, users["admin"], london(2025, 6, 1, 9))
    results = {p.board.slug: p.count for p in read_records_prune(today=D(2026, 12, 7))}
    assert results == {"alpha": 0, "beta": 1}
    assert [r.review_name for r in ReadRecord.objects.all()] == ["Child J"]


def test_pruning_twice_on_one_day_removes_nothing_more(world, users, review):
    read_at(review, users["chair"], london(2020, 1, 1, 9))
    read_at(review, users["chair"], london(2026, 1, 1, 9))
    first = sum(p.count for p in read_records_prune(today=D(2026, 12, 7)))
    second = sum(p.count for p in read_records_prune(today=D(2026, 12, 7)))
    assert (first, second, ReadRecord.objects.count()) == (1, 0, 1)


def test_a_shorter_period_removes_older_reads_at_the_next_prune(world, users, review):
    read_at(review, users["chair"], london(2025, 6, 1, 9))
    read_records_prune(today=D(2026, 12, 7))
    assert ReadRecord.objects.count() == 1
    read_retention_set(board=world.board, months=12)
    read_records_prune(today=D(2026, 12, 7))
    assert ReadRecord.objects.count() == 0


def test_a_dry_run_counts_and_removes_nothing(world, users, review):
    read_at(review, users["chair"], london(2020, 1, 1, 9))
    results = read_records_prune(today=D(2026, 12, 7), dry_run=True)
    assert [p.count for p in results if p.board == world.board] == [1]
    assert ReadRecord.objects.count() == 1


def test_pruning_runs_one_delete_per_board(world, users, review):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for year in range(2015, 2020):
        read_at(review, users["chair"], london(year, 1, 1, 9))
    with CaptureQueriesContext(connection) as queries:
        read_records_prune(today=D(2026, 12, 7))
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    # The boards, then one delete for each of the two (in a savepoint here,
    # as the test runs in a transaction of its own).
    assert [s for s in statements if s in ("SELECT", "DELETE")] == ["SELECT", "DELETE", "DELETE"]
    assert ReadRecord.objects.count() == 0


def test_the_command_says_what_it_removed_from_each_board(world, users, review):
    read_at(review, users["chair"], london(2020, 1, 1, 9))
    read_at(review, users["chair"], london(2021, 1, 1, 9))
    read_at(review, users["chair"], london(2026, 1, 1, 9))
    out = io.StringIO()
    with on_day(D(2026, 12, 7), hour=2):
        call_command("prune_read_records", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        "Alpha Safeguarding Children Board: would remove 2 read records made before "
        "7 December 2024 (kept for 24 months).",
        "Beta Safeguarding Children Board: would remove no read records made before "
        "7 December 2024 (kept for 24 months).",
        "Would remove 2 read records in all, on 7 December 2026.",
    ]
    assert ReadRecord.objects.count() == 3

    out = io.StringIO()
    with on_day(D(2026, 12, 7), hour=2):
        call_command("prune_read_records", stdout=out)
    assert out.getvalue().splitlines()[0] == (
        "Alpha Safeguarding Children Board: removed 2 read records made before "
        "7 December 2024 (kept for 24 months)."
    )
    assert out.getvalue().splitlines()[-1] == "Removed 2 read records in all, on 7 December 2026."
    assert ReadRecord.objects.count() == 1

    out = io.StringIO()
    with on_day(D(2026, 12, 7), hour=3):
        call_command("prune_read_records", stdout=out)
    assert out.getvalue().splitlines()[-1] == "Removed no read records in all, on 7 December 2026."
    assert ReadRecord.objects.count() == 1


def test_the_command_reads_the_clock_to_the_day(world, users, review):
    read_at(review, users["chair"], london(2024, 12, 7, 12))
    with on_day(D(2026, 12, 7), hour=23):
        call_command("prune_read_records", stdout=io.StringIO())
    assert ReadRecord.objects.count() == 1
    with on_day(D(2026, 12, 8), hour=0):
        call_command("prune_read_records", stdout=io.StringIO())
    assert ReadRecord.objects.count() == 0
