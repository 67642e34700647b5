"""The record of who read a board's case reviews, as the business manager and
the Admin see it: newest first, a page at a time, by person and by day,
exported through Assure's one spreadsheet writer; and how long it is kept."""

from __future__ import annotations

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from board.models import Board
from board.services import read_retention_problems, read_retention_set
from reviews.models import CaseReview, ReadRecord
from tests.clock import on_day
from tests.factories import UserFactory
from tests.reviews.factories import ReviewFactory
from tests.reviews.html import text_of

pytestmark = pytest.mark.django_db

D = datetime.date
LONDON = ZoneInfo("Europe/London")
What = ReadRecord.What
Kind = ReadRecord.Kind


def url(name, world, **kwargs):
    return reverse(f"reviews:{name}", kwargs={"board": world.board.slug, **kwargs})


def london(*parts):
    return datetime.datetime(*parts, tzinfo=LONDON)


def read(review, user, at, what=What.REVIEW_PAGE, kind=Kind.VIEW, detail=""):
    """A read made at `at` (London time), as the service makes it."""
    from reviews.read_records import read_record_add

    with on_day(at.date(), hour=at.hour):
        (record,) = read_record_add(
            user=user, reviews=[review], what=what, kind=kind, detail=detail
        )
    return record


def rows(response):
    """The table's rows as the text a person reads, one string a row."""
    import lxml.html

    root = lxml.html.fromstring(response.content)
    found = []
    for tr in root.xpath('//*[@id="read-records"]/tbody/tr'):
        cells = [" ".join(cell.text_content().split()) for cell in tr.xpath("td|th")]
        if len(cells) > 1:  # not the row that says there is nothing to list
            found.append(" ".join(cells))
    return found


@pytest.fixture
def child_j(world):
    return ReviewFactory(board=world.board, name="Child J", slug="child-j")


def test_a_manager_sees_who_read_a_review_newest_first(world, users, child_j, client_for):
    other = ReviewFactory(board=world.board, name="Child K")
    read(child_j, users["chair"], london(2026, 12, 1, 9))
    read(
        child_j,
        users["partner"],
        london(2026, 12, 3, 15),
        What.SNAPSHOT,
        Kind.DOWNLOAD,
        "2016-17, version 1, PDF",
    )
    read(other, users["chair"], london(2026, 12, 2, 10))
    with on_day(D(2026, 12, 7)):
        response = client_for("manager").get(url("review_read_records", world, review="child-j"))
    assert response.status_code == 200
    assert rows(response) == [
        f"3 Dec 2026, 15:00 {users['partner'].get_full_name()} partner Partner "
        "A published annual report: 2016-17, version 1, PDF Downloaded",
        f"1 Dec 2026, 09:00 {users['chair'].get_full_name()} chair Independent chair "
        "The review's page Viewed",
    ]
    retention = text_of(response.content, "#retention")
    assert "kept for 24 months, so this list goes back no further than 7 December 2024" in retention
    assert "Change how long read records are kept" in retention


def test_the_boards_record_names_each_review_and_links_to_its_own(
    world, users, child_j, client_for
):
    read(child_j, users["chair"], london(2026, 12, 1, 9))
    gone = ReviewFactory(board=world.board, name="Child Q")
    read(gone, users["chair"], london(2026, 12, 2, 9))
    CaseReview.objects.filter(pk=gone.pk).delete()
    response = client_for("admin").get(url("read_records", world))
    assert response.status_code == 200
    assert [r.split(" chair ", 1)[1] for r in rows(response)] == [
        "Independent chair Child Q (since removed) The review's page Viewed",
        "Independent chair Child J The review's page Viewed",
    ]
    assert url("review_read_records", world, review="child-j") in response.content.decode()
    assert child_j.get_absolute_url() + '"' not in response.content.decode()
    # The Admin reads the record but does not set how long it is kept.
    assert "Change how long read records are kept" not in response.content.decode()


def test_another_boards_reads_are_not_shown(world, users, client_for):
    theirs = ReviewFactory(board=world.other_board, name="Child X")
    read(theirs, users["admin"], london(2026, 12, 1, 9))
    response = client_for("manager").get(url("read_records", world))
    assert rows(response) == []
    assert "Nobody has read any of these case reviews in Assure since" in response.content.decode()
    assert (
        client_for("manager").get(url("review_read_records", world, review=theirs.slug)).status_code
        == 404
    )


def test_reading_the_record_is_not_reading_the_review(world, users, child_j, client_for):
    client = client_for("manager")
    client.get(url("review_read_records", world, review="child-j"))
    client.get(url("review_read_records", world, review="child-j"), {"_export": "csv"})
    assert ReadRecord.objects.count() == 0


def test_the_record_filters_by_person(world, users, child_j, client_for):
    read(child_j, users["chair"], london(2026, 12, 1, 9))
    read(child_j, users["partner"], london(2026, 12, 2, 9))
    client = client_for("manager")
    page = client.get(url("review_read_records", world, review="child-j"))
    options = text_of(page.content, "#id_username")
    assert f"{users['chair'].get_full_name()} (chair)" in options
    response = client.get(
        url("review_read_records", world, review="child-j"), {"username": "chair"}
    )
    assert rows(response) == [
        f"1 Dec 2026, 09:00 {users['chair'].get_full_name()} chair Independent chair "
        "The review's page Viewed"
    ]


def test_a_removed_accounts_reads_are_still_found_by_its_name(world, users, child_j, client_for):
    read(child_j, users["chair"], london(2026, 12, 1, 9))
    name = users["chair"].get_full_name()
    users["chair"].delete()
    client = client_for("manager")
    page = client.get(url("review_read_records", world, review="child-j"))
    assert f"{name} (chair)" in text_of(page.content, "#id_username")
    response = client.get(
        url("review_read_records", world, review="child-j"), {"username": "chair"}
    )
    assert len(rows(response)) == 1


def test_the_record_filters_by_day_to_the_edge_of_each_day(world, users, child_j, client_for):
    chair = users["chair"]
    read(child_j, chair, london(2026, 11, 30, 23))
    read(child_j, chair, london(2026, 12, 1, 0))
    read(child_j, chair, london(2026, 12, 2, 23))
    read(child_j, chair, london(2026, 12, 3, 0))
    client = client_for("manager")
    page = url("review_read_records", world, review="child-j")
    response = client.get(page, {"read_from": "2026-12-01", "read_to": "2026-12-02"})
    assert [r.split(",")[0] for r in rows(response)] == ["2 Dec 2026", "1 Dec 2026"]
    parts = {
        "read_from_day": "1",
        "read_from_month": "12",
        "read_from_year": "2026",
        "read_to_day": "1",
        "read_to_month": "12",
        "read_to_year": "2026",
    }
    assert [r.split(",")[0] for r in rows(client.get(page, parts))] == ["1 Dec 2026"]


def test_a_period_that_ends_before_it_starts_lists_nothing_and_says_why(
    world, users, child_j, client_for
):
    read(child_j, users["chair"], london(2026, 12, 1, 9))
    response = client_for("manager").get(
        url("review_read_records", world, review="child-j"),
        {"read_from": "2026-12-02", "read_to": "2026-12-01"},
    )
    assert response.status_code == 400
    assert "The last day must be the same as or after the first day." in response.content.decode()
    assert "No reads are listed until the filters above are corrected." in response.content.decode()
    export = client_for("manager").get(
        url("review_read_records", world, review="child-j"),
        {"read_from": "2026-12-02", "read_to": "2026-12-01", "_export": "csv"},
    )
    assert export.status_code == 400


def test_days_far_in_the_past_or_future_are_fair_questions(world, users, child_j, client_for):
    read(child_j, users["chair"], london(2026, 12, 1, 9))
    page = url("review_read_records", world, review="child-j")
    client = client_for("manager")
    assert len(rows(client.get(page, {"read_from": "0001-01-01", "read_to": "9999-12-31"}))) == 1
    assert rows(client.get(page, {"read_from": "9999-12-31"})) == []


def test_the_record_goes_a_page_at_a_time(world, users, child_j, client_for):
    for day in range(1, 31):
        read(child_j, users["chair"], london(2026, 11, day, 9))
    client = client_for("manager")
    first = client.get(url("review_read_records", world, review="child-j"))
    assert len(rows(first)) == 25
    assert rows(first)[0].startswith("30 Nov 2026")
    second = client.get(url("review_read_records", world, review="child-j"), {"page": "2"})
    assert [r.split(",")[0] for r in rows(second)] == [f"{d} Nov 2026" for d in range(5, 0, -1)]


def test_the_record_exports_as_csv_through_the_safe_writer(world, child_j, client_for):
    sly = UserFactory(
        username="sly",
        first_name="=HYPERLINK(1)",
        last_name="",
        role="Independent chair",
        boards=[world.board],
    )
    read(child_j, sly, london(2026, 12, 1, 9))
    response = client_for("manager").get(
        url("review_read_records", world, review="child-j"), {"_export": "csv"}
    )
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="alpha-child-j-read-records.csv"'
    )
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table == [
        ["When", "Person", "Account", "Role", "What they read", "How"],
        [
            "2026-12-01 09:00",
            "'=HYPERLINK(1)",
            "sly",
            "Independent chair",
            "The review's page",
            "Viewed",
        ],
    ]


@pytest.mark.parametrize("n", [5, 300])
def test_the_record_pages_run_the_same_queries_whatever_their_size(
    n, world, users, child_j, client_for, django_assert_max_num_queries
):
    ReadRecord.objects.bulk_create(
        ReadRecord(
            board=world.board,
            review=child_j,
            review_name="Child J",
            user=users["chair"],
            username=f"reader{i % 40}",
            person=f"Reader {i % 40}",
            role="Independent chair",
            kind=Kind.VIEW,
            what=What.REVIEW_PAGE,
        )
        for i in range(n)
    )
    client = client_for("manager")
    client.get(url("read_records", world))
    with django_assert_max_num_queries(13):
        client.get(url("review_read_records", world, review="child-j"))
    with django_assert_max_num_queries(13):
        client.get(url("read_records", world), {"username": "reader1"})
    with django_assert_max_num_queries(13):
        client.get(url("read_records", world), {"_export": "xlsx"})


# --- how long the records are kept --------------------------------------------------------


def test_a_new_board_keeps_read_records_for_two_years(world):
    assert Board.objects.get(pk=world.board.pk).read_records_kept_months == 24


@pytest.mark.parametrize(
    ("months", "problem"),
    [
        (12, None),
        (120, None),
        (11, "at least 12 months and at most 120 months"),
        (121, "at least 12 months and at most 120 months"),
        (0, "at least 12 months"),
        (-24, "at least 12 months"),
        ("24", "whole number"),
        (24.0, "whole number"),
        (True, "whole number"),
        (None, "whole number"),
    ],
)
def test_the_retention_period_is_whole_months_from_one_year_to_ten(months, problem):
    problems = read_retention_problems(months=months)
    if problem is None:
        assert problems == {}
    else:
        assert problem in problems["months"][0]


def test_the_manager_sets_the_retention_period_and_history_says_who(world, users, client_for):
    client = client_for("manager")
    page = url("read_retention", world)
    form = client.get(page)
    assert form.status_code == 200
    assert 'value="24"' in form.content.decode()
    response = client.post(page, {"months": "36"})
    assert response.status_code == 302
    assert response["Location"] == url("read_records", world)
    board = Board.objects.get(pk=world.board.pk)
    assert board.read_records_kept_months == 36
    latest = board.history.order_by("-history_date", "-history_id").first()
    assert (latest.read_records_kept_months, latest.history_user) == (36, users["manager"])
    listing = client.get(url("read_records", world))
    assert "Read records are now kept for 36 months." in listing.content.decode()


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("", "Enter how many months to keep read records, such as 24."),
        ("two years", "Enter the number of months as a whole number, such as 24."),
        ("6", "Keep read records for at least 12 months and at most 120 months (1 to 10 years)."),
        ("99999999999999999999", "at most 120 months"),
    ],
)
def test_a_retention_period_refused_says_why_and_changes_nothing(sent, message, world, client_for):
    before = world.board.history.count()
    response = client_for("manager").post(url("read_retention", world), {"months": sent})
    assert response.status_code == 400
    assert message in response.content.decode()
    board = Board.objects.get(pk=world.board.pk)
    assert board.read_records_kept_months == 24
    assert board.history.count() == before


def test_the_service_refuses_what_the_form_refuses(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        read_retention_set(board=world.board, months=6)
    assert "at least 12 months" in refused.value.message_dict["months"][0]
    assert Board.objects.get(pk=world.board.pk).read_records_kept_months == 24


def test_setting_the_same_period_again_adds_no_history(world):
    read_retention_set(board=world.board, months=30)
    count = world.board.history.count()
    read_retention_set(board=world.board, months=30)
    assert world.board.history.count() == count


def test_the_django_admin_shows_the_period_but_does_not_set_it(world, client_for):
    client = client_for("admin")
    from django.contrib.auth.models import User
    from django.test import Client

    root = Client()
    root.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    change = reverse("admin:board_board_change", args=[world.board.pk])
    page = root.get(change).content.decode()
    assert "Months read records are kept" in page
    assert 'name="read_records_kept_months"' not in page
    assert client.get(change).status_code == 200


def _load(path):
    from django.core.management import call_command

    call_command("load_past_reports", str(path), stdout=io.StringIO())


def test_a_fixture_cannot_set_a_period_the_service_refuses(tmp_path):
    import json

    from django.core.management import CommandError

    path = tmp_path / "t.json"
    board = {"slug": "t", "name": "T Board", "short_name": "TSCB", "area": "T"}
    path.write_text(
        json.dumps([{"model": "board.board", "fields": {**board, "read_records_kept_months": 6}}])
    )
    with pytest.raises(CommandError) as refused:
        _load(path)
    assert "read_records_kept_months" in str(refused.value)
    assert not Board.objects.filter(slug="t").exists()


def test_loading_the_boards_fixture_again_keeps_the_period_the_manager_set(
    tmp_path, world, client_for
):
    import json

    path = tmp_path / "t.json"
    fields = {"slug": "alpha", "name": world.board.name, "short_name": "ASCB", "area": "Alpha"}
    path.write_text(json.dumps([{"model": "board.board", "fields": fields}]))
    _load(path)
    client_for("manager").post(url("read_retention", world), {"months": "48"})
    _load(path)
    assert Board.objects.get(slug="alpha").read_records_kept_months == 48
