"""Who read which case review: every page and file that shows a review
records one read of it per person and request, a refusal records nothing,
and nothing in Assure changes a record once made."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import annual
from reports import services as report_services
from reports.models import ReportBuild
from reviews import services
from reviews.models import AppendOnly, CaseReview, ReadRecord
from reviews.read_records import read_record_add
from tests.clock import on_day
from tests.factories import UserFactory
from tests.reports.annual_helpers import draft, media, stored_snapshot  # noqa: F401
from tests.reviews.factories import RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db

D = datetime.date
What = ReadRecord.What
Kind = ReadRecord.Kind


def url(name, world, **kwargs):
    return reverse(f"reviews:{name}", kwargs={"board": world.board.slug, **kwargs})


def published(world, name="Child E"):
    review = ReviewFactory(board=world.board, name=name, kind=CaseReview.Kind.SCR, year=world.year)
    services.publication_record(
        review=review, status="published", date=D(2016, 6, 1), precision="month"
    )
    return review


def reads():
    """Every read record as (review, account, what, how, detail), oldest first."""
    return [
        (r.review_name, r.username, r.what, r.kind, r.detail)
        for r in ReadRecord.objects.order_by("at", "id")
    ]


def inserts(queries) -> int:
    table = connection.ops.quote_name(ReadRecord._meta.db_table)
    return sum(1 for q in queries if q["sql"].startswith(f"INSERT INTO {table}"))


# --- each way a review is read ----------------------------------------------------------


def test_a_managers_look_at_a_review_records_who_when_and_what(world, users, client_for):
    review = ReviewFactory(board=world.board, name="Child J")
    users["manager"].first_name, users["manager"].last_name = "Jo", "Smith"
    users["manager"].save()
    with on_day(D(2026, 12, 7), hour=14):
        response = client_for("manager").get(review.get_absolute_url())
    assert response.status_code == 200
    (record,) = ReadRecord.objects.all()
    assert (record.review, record.review_name, record.board) == (review, "Child J", world.board)
    assert (record.user, record.username, record.person, record.role) == (
        users["manager"],
        "manager",
        "Jo Smith",
        "Business manager",
    )
    assert (record.what, record.kind, record.detail) == (What.REVIEW_PAGE, Kind.VIEW, "")
    assert record.path == review.get_absolute_url()
    assert record.at == datetime.datetime(2026, 12, 7, 14, tzinfo=datetime.UTC)
    assert record.what_read == "The review's page"


def test_each_look_is_a_read_of_its_own(world, client_for):
    review = ReviewFactory(board=world.board, name="Child J")
    client = client_for("chair")
    client.get(review.get_absolute_url())
    client.get(review.get_absolute_url())
    assert reads() == [("Child J", "chair", What.REVIEW_PAGE, Kind.VIEW, "")] * 2
    assert ReadRecord.objects.get(pk=ReadRecord.objects.first().pk).role == "Independent chair"


def test_a_partner_reading_a_published_review_is_recorded(world, client_for):
    review = published(world)
    response = client_for("partner").get(review.get_absolute_url())
    assert response.status_code == 200
    assert reads() == [("Child E", "partner", What.PUBLISHED_PAGE, Kind.VIEW, "")]
    assert ReadRecord.objects.get().role == "Partner"


def test_the_admin_reading_a_review_on_its_page_is_recorded(world, client_for):
    review = ReviewFactory(board=world.board, name="Child J")
    assert client_for("admin").get(review.get_absolute_url()).status_code == 200
    assert reads() == [("Child J", "admin", What.REVIEW_PAGE, Kind.VIEW, "")]
    assert ReadRecord.objects.get().role == "Admin"


def test_each_form_that_shows_a_review_records_one_read(world, client_for):
    review = ReviewFactory(board=world.board, name="Child J")
    RecommendationFactory(review=review, number=1)
    client = client_for("manager")
    pages = [
        (url("review_edit", world, review=review.slug), "Edit the review"),
        (url("step", world, review=review.slug, step="aware"), "Local authority became aware"),
        (url("publication", world, review=review.slug), "Publication"),
        (
            url("recommendation_action", world, review=review.slug, number=1),
            "Add an action for recommendation 1",
        ),
    ]
    for page, detail in pages:
        assert client.get(page).status_code == 200
        assert reads()[-1] == ("Child J", "manager", What.FORM, Kind.VIEW, detail)
    assert ReadRecord.objects.count() == len(pages)


def test_adding_a_review_or_a_recommendation_reads_nothing_yet(world, client_for):
    review = ReviewFactory(board=world.board, name="Child J")
    client = client_for("manager")
    assert client.get(url("review_create", world)).status_code == 200
    assert client.get(url("recommendation_create", world, review=review.slug)).status_code == 200
    assert reads() == []


def test_the_register_page_is_an_index_and_records_no_read(world, client_for):
    ReviewFactory(board=world.board, name="Child J")
    published(world)
    assert client_for("manager").get(url("register", world)).status_code == 200
    assert client_for("partner").get(url("register", world)).status_code == 200
    assert reads() == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exporting_the_register_records_a_download_of_each_review_listed(fmt, world, client_for):
    ReviewFactory(board=world.board, name="Child J")
    ReviewFactory(board=world.board, name="Child K")
    published(world, name="Child E")  # a serious case review: filtered out below
    response = client_for("manager").get(url("register", world), {"_export": fmt, "kind": "rapid"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert sorted(reads()) == [
        ("Child J", "manager", What.REGISTER_EXPORT, Kind.DOWNLOAD, fmt.upper()),
        ("Child K", "manager", What.REGISTER_EXPORT, Kind.DOWNLOAD, fmt.upper()),
    ]
    assert {r.path for r in ReadRecord.objects.all()} == {
        f"{url('register', world)}?_export={fmt}&kind=rapid"
    }


def test_the_record_of_decisions_records_a_read_of_each_review_in_it(world, client_for):
    ReviewFactory(board=world.board, name="Child J", year=world.year)
    ReviewFactory(board=world.board, name="Child K", year=world.year)
    client = client_for("chair")
    assert client.get(url("record", world), {"year": "2016-17"}).status_code == 200
    assert sorted(reads()) == [
        ("Child J", "chair", What.RECORD_PAGE, Kind.VIEW, "2016-17"),
        ("Child K", "chair", What.RECORD_PAGE, Kind.VIEW, "2016-17"),
    ]
    ReadRecord.objects.all().prune()
    download = client.get(url("record_export", world, fmt="xlsx"), {"year": "2016-17"})
    assert download.status_code == 200
    assert sorted(reads()) == [
        ("Child J", "chair", What.RECORD_EXPORT, Kind.DOWNLOAD, "2016-17, XLSX"),
        ("Child K", "chair", What.RECORD_EXPORT, Kind.DOWNLOAD, "2016-17, XLSX"),
    ]


@on_day(D(2026, 12, 7))
def test_a_year_with_no_reviews_records_nothing(world, client_for):
    ReviewFactory(board=world.board, name="Child J", year=world.year)
    response = client_for("chair").get(url("record", world), {"year": "2026-27"})
    assert "Record of decisions and actions 2026-27" in response.content.decode()
    assert response.status_code == 200
    assert reads() == []


def test_a_draft_annual_reports_preview_records_the_reviews_it_holds(world, client_for):
    ReviewFactory(board=world.board, name="Child J", year=world.year)
    unpublished_elsewhere = ReviewFactory(board=world.other_board, name="Child X", year=world.year)
    report = draft(world)
    preview = reverse("reports:annual_report_preview", kwargs={"board": "alpha", "year": "2016-17"})
    assert client_for("chair").get(preview).status_code == 200
    assert reads() == [("Child J", "chair", What.REPORT_PREVIEW, Kind.VIEW, "2016-17")]
    assert unpublished_elsewhere.read_records.count() == 0
    # Without the reviews section the report holds no review.
    report.sections.filter(kind="reviews").update(included=False)
    ReadRecord.objects.all().prune()
    client_for("chair").get(preview)
    assert reads() == []


def test_publishing_freezes_the_reviews_a_snapshot_holds(world, users):
    held = ReviewFactory(board=world.board, name="Child J", year=world.year)
    report = draft(world)
    report.status = report.Status.APPROVED
    report.save()
    build = ReportBuild.objects.create(report=report, purpose=ReportBuild.Purpose.PUBLISH)
    files = {fmt: (f"snapshots/x.{fmt}", "0" * 64) for fmt in ("html", "pdf", "csv", "json")}
    snapshot = report_services.snapshot_record(
        build=build, files=files, pages=1, sections=[], changed_sections=[], reviews=[held]
    )
    assert snapshot.review_ids == [held.pk]
    # A review added to the year later is not in what was published.
    ReviewFactory(board=world.board, name="Child K", year=world.year)
    assert [r.name for r in annual.snapshot_reviews(snapshot=snapshot)] == ["Child J"]


@pytest.mark.usefixtures("media")
def test_reading_a_published_snapshot_records_each_review_it_holds(world, client_for):
    held = ReviewFactory(board=world.board, name="Child J", year=world.year)
    ReviewFactory(board=world.board, name="Child K", year=world.year)
    snapshot = stored_snapshot(draft(world), review_ids=[held.pk])
    client = client_for("partner")
    pdf = client.get(snapshot.file_url("pdf"))
    assert pdf.status_code == 200
    b"".join(pdf.streaming_content)
    html = client.get(snapshot.file_url("html"))
    assert html.status_code == 200
    assert reads() == [
        ("Child J", "partner", What.SNAPSHOT, Kind.DOWNLOAD, "2016-17, version 1, PDF"),
        ("Child J", "partner", What.SNAPSHOT, Kind.VIEW, "2016-17, version 1, HTML"),
    ]


@pytest.mark.usefixtures("media")
def test_a_snapshot_published_before_reads_were_kept_counts_as_its_years_record(world, client_for):
    ReviewFactory(board=world.board, name="Child J", year=world.year)
    snapshot = stored_snapshot(draft(world))
    assert snapshot.review_ids is None
    assert client_for("manager").get(snapshot.file_url("csv")).status_code == 200
    assert reads() == [
        ("Child J", "manager", What.SNAPSHOT, Kind.DOWNLOAD, "2016-17, version 1, CSV")
    ]


def test_the_django_admins_pages_of_a_review_record_reads(world, client_for):
    review = ReviewFactory(board=world.board, name="Child J")
    rec = RecommendationFactory(review=review, number=1)
    client = client_for("admin")
    assert client.get(reverse("admin:reviews_casereview_changelist")).status_code == 200
    assert reads() == []  # the list, like the register, is an index
    pages = [
        (reverse("admin:reviews_casereview_change", args=[review.pk]), "case review page"),
        (reverse("admin:reviews_casereview_history", args=[review.pk]), "case review history"),
        (
            reverse(
                "admin:reviews_casereview_simple_history",
                args=[review.pk, review.history.earliest().history_id],
            ),
            "case review as it was",
        ),
        (reverse("admin:reviews_recommendation_change", args=[rec.pk]), "recommendation page"),
    ]
    for page, detail in pages:
        assert client.get(page).status_code == 200
        assert reads()[-1] == ("Child J", "admin", What.ADMIN, Kind.VIEW, detail)
    assert len(reads()) == 4


# --- refusals read nothing ------------------------------------------------------------


def test_a_refused_or_failed_request_records_no_read(world, client_for):
    review = ReviewFactory(board=world.board, name="Child J", year=world.year)
    other = ReviewFactory(board=world.other_board, name="Child X")
    RecommendationFactory(review=review, number=1)
    manager, chair, partner = client_for("manager"), client_for("chair"), client_for("partner")
    refused = [
        (client_for(None).get(review.get_absolute_url()), 302),  # to the sign-in page
        (partner.get(review.get_absolute_url()), 404),  # not published
        (manager.get(url("review", world, review=other.slug)), 404),  # another board's
        (client_for("other_manager").get(review.get_absolute_url()), 404),
        (chair.get(url("review_edit", world, review=review.slug)), 403),
        (partner.get(url("record", world), {"year": "2016-17"}), 404),
        (manager.get(url("record_export", world, fmt="pdf"), {"year": "2016-17"}), 404),
        (manager.get(url("step", world, review=review.slug, step="no-such-step")), 404),
        (manager.get(url("recommendation_action", world, review=review.slug, number=9)), 404),
        (manager.get(url("register", world), {"_export": "csv", "kind": "nonsense"}), 400),
        (manager.post(url("step", world, review=review.slug, step="aware"), {"date": "x"}), 400),
        (manager.post(url("review", world, review=review.slug)), 405),
    ]
    for response, status in refused:
        assert response.status_code == status, response.request["PATH_INFO"]
    assert reads() == []


@pytest.mark.usefixtures("media")
def test_a_missing_or_unpublished_snapshot_file_records_no_read(world, client_for):
    ReviewFactory(board=world.board, name="Child J", year=world.year)
    snapshot = stored_snapshot(draft(world))
    client = client_for("partner")
    assert client.get(snapshot.file_url("pdf").replace("/pdf", "/exe")).status_code == 404
    from reports import snapshots

    snapshots.storage().delete(snapshot.path("csv"))
    assert client.get(snapshot.file_url("csv")).status_code == 500  # refused: the file is gone
    # Never published (a correction's draft keeps its published versions).
    type(snapshot.report).objects.filter(pk=snapshot.report.pk).update(
        status="draft", published_at=None
    )
    assert client.get(snapshot.file_url("pdf")).status_code == 404
    assert reads() == []


def test_a_successful_save_records_no_read_until_the_page_it_leads_to(world, client_for):
    review = ReviewFactory(board=world.board, name="Child J")
    client = client_for("manager")
    response = client.post(
        url("step", world, review=review.slug, step="aware"),
        {"date": "2026-11-27", "precision": "day"},
    )
    assert response.status_code == 302
    assert reads() == []


# --- any role, any account -------------------------------------------------------------


def test_a_read_names_any_role_even_one_assure_does_not_know_yet(world):
    review = ReviewFactory(board=world.board, name="Child J")
    lead = UserFactory(username="lead", first_name="Ali", last_name="Khan")
    lead.groups.add(Role.objects.create(name="Designated safeguarding lead"))
    root = User.objects.create_superuser("root", "root@example.org", "x")
    read_record_add(user=lead, reviews=[review], what=What.REVIEW_PAGE, kind=Kind.VIEW)
    read_record_add(user=root, reviews=[review], what=What.ADMIN, kind=Kind.VIEW)
    assert [(r.person, r.role) for r in ReadRecord.objects.order_by("id")] == [
        ("Ali Khan", "Designated safeguarding lead"),
        ("root", "Superuser"),
    ]


def test_nobody_signed_in_is_nobody_to_name(world):
    from django.contrib.auth.models import AnonymousUser

    review = ReviewFactory(board=world.board, name="Child J")
    made = read_record_add(
        user=AnonymousUser(), reviews=[review], what=What.SNAPSHOT, kind=Kind.DOWNLOAD
    )
    assert made == []
    assert reads() == []


def test_a_list_naming_a_review_twice_records_it_once(world, users):
    review = ReviewFactory(board=world.board, name="Child J")
    made = read_record_add(
        user=users["chair"], reviews=[review, review], what=What.RECORD_PAGE, kind=Kind.VIEW
    )
    assert len(made) == 1


def test_the_service_refuses_a_read_it_does_not_know(world, users):
    review = ReviewFactory(board=world.board, name="Child J")
    with pytest.raises(ValueError, match="Not a kind of read"):
        read_record_add(user=users["chair"], reviews=[review], what="gossip", kind=Kind.VIEW)
    with pytest.raises(ValueError, match="Not a kind of read"):
        read_record_add(user=users["chair"], reviews=[review], what=What.FORM, kind="glance")
    assert reads() == []


def test_the_record_outlives_the_account_and_the_review(world, client_for, users):
    review = ReviewFactory(board=world.board, name="Child J")
    client_for("chair").get(review.get_absolute_url())
    name = users["chair"].get_full_name()
    users["chair"].delete()
    CaseReview.objects.filter(pk=review.pk).delete()
    record = ReadRecord.objects.get()
    assert (record.user, record.review) == (None, None)
    assert (record.username, record.person, record.role, record.review_name) == (
        "chair",
        name,
        "Independent chair",
        "Child J",
    )


# --- nothing changes a record ------------------------------------------------------------


def test_a_record_cannot_be_changed_or_deleted(world, users):
    review = ReviewFactory(board=world.board, name="Child J")
    (record,) = read_record_add(
        user=users["chair"], reviews=[review], what=What.REVIEW_PAGE, kind=Kind.VIEW
    )
    record.person = "Someone else"
    with pytest.raises(AppendOnly):
        record.save()
    with pytest.raises(AppendOnly):
        record.delete()
    with pytest.raises(AppendOnly):
        ReadRecord.objects.filter(pk=record.pk).update(person="Someone else")
    with pytest.raises(AppendOnly):
        ReadRecord.objects.filter(pk=record.pk).delete()
    assert ReadRecord.objects.get().person == users["chair"].get_full_name()


def test_the_admin_shows_a_record_and_offers_no_way_to_change_it(world, users, client_for):
    review = ReviewFactory(board=world.board, name="Child J")
    (record,) = read_record_add(
        user=users["chair"], reviews=[review], what=What.REVIEW_PAGE, kind=Kind.VIEW
    )
    root_client = Client()
    root_client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    admin_client = client_for("admin")
    change = reverse("admin:reviews_readrecord_change", args=[record.pk])
    for client in (admin_client, root_client):
        listing = client.get(reverse("admin:reviews_readrecord_changelist"))
        assert listing.status_code == 200
        assert "Child J" in listing.content.decode()
        assert 'name="action"' not in listing.content.decode()  # no bulk delete
        page = client.get(change)
        assert page.status_code == 200
        assert 'type="submit"' not in page.content.decode().split('id="content-main"')[1]
        assert client.post(change, {"person": "Someone else"}).status_code == 403
        assert client.get(reverse("admin:reviews_readrecord_add")).status_code == 403
        delete = reverse("admin:reviews_readrecord_delete", args=[record.pk])
        assert client.get(delete).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
    for role in ("manager", "chair", "partner"):
        assert client_for(role).get(change).status_code == 302  # to the admin's sign-in
    assert ReadRecord.objects.get().person == users["chair"].get_full_name()


def test_only_the_admin_role_holds_a_permission_on_read_records(world):
    from django.contrib.auth.models import Permission

    holders = {
        (group.name, p.codename)
        for p in Permission.objects.filter(content_type__model="readrecord")
        for group in p.group_set.all()
    }
    assert holders == {("Admin", "view_readrecord")}


# --- a read costs one insert ------------------------------------------------------------


def test_reading_a_review_adds_one_insert(world, client_for):
    review = ReviewFactory(board=world.board, name="Child J")
    client = client_for("chair")
    client.get(review.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        client.get(review.get_absolute_url())
    assert inserts(queries.captured_queries) == 1


@pytest.mark.parametrize("n", [2, 60])
def test_an_export_of_many_reviews_records_them_in_one_insert(n, world, client_for):
    for i in range(n):
        ReviewFactory(board=world.board, name=f"Child {i}", year=world.year)
    client = client_for("manager")
    client.get(url("register", world))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("register", world), {"_export": "csv"})
    assert response.status_code == 200
    assert inserts(queries.captured_queries) == 1
    assert ReadRecord.objects.count() == n
    with CaptureQueriesContext(connection) as queries:
        client.get(url("record", world), {"year": "2016-17"})
    assert inserts(queries.captured_queries) == 1
    assert ReadRecord.objects.count() == 2 * n


@pytest.mark.parametrize("n", [2, 60])
def test_recording_an_export_costs_the_same_queries_whatever_it_lists(
    n, world, client_for, django_assert_max_num_queries
):
    for i in range(n):
        ReviewFactory(board=world.board, name=f"Child {i}", year=world.year)
    client = client_for("manager")
    client.get(url("register", world))
    with django_assert_max_num_queries(14):
        client.get(url("register", world), {"_export": "xlsx"})
    with django_assert_max_num_queries(15):
        client.get(url("record", world), {"year": "2016-17"})
