"""A public page per board: off until the business manager turns it on;
then anyone, without signing in, reads the board's published annual reports
(every version) and published scorecards at /public/<board>/ and downloads
their files, checked against their SHA-256; nothing unpublished, and no
other page, is reachable without signing in."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from board.models import ReportingYear
from reports import public, scorecard_documents, scorecard_print, services
from reports.models import PublicPage, ScorecardDocument
from tests.reports.annual_helpers import (  # noqa: F401 - media is a fixture
    draft,
    media,
    stored_snapshot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

PAGE = "/public/alpha/"


def turn_on(world: Any, users: Any) -> PublicPage:
    return public.public_page_set(board=world.board, enabled=True, user=users["manager"])


def made_scorecard(board: Any, *, published_by: Any = None) -> ScorecardDocument:
    document = ScorecardDocument.objects.create(
        board=board, status=ScorecardDocument.Status.RUNNING
    )
    stored = scorecard_print.store(
        document,
        timezone.now(),
        {
            "pdf": b"%PDF scorecard",
            "html": b"<p>The scorecard</p>",
            "csv": b"Priority,Code\r\n",
            "json": b'{"indicators": []}',
        },
    )
    scorecard_documents.document_finish(document=document, files=stored, pages=3, indicators=7)
    if published_by is not None:
        scorecard_documents.document_publish(document=document, user=published_by)
    document.refresh_from_db()
    return document


def snapshot_url(version: int = 1, fmt: str = "pdf", year: str = "2016-17") -> str:
    return reverse(
        "public:snapshot_file",
        kwargs={"board": "alpha", "year": year, "version": version, "fmt": fmt},
    )


# The setting --------------------------------------------------------------------------------


def test_the_public_page_is_off_until_the_business_manager_turns_it_on(world, users, client):
    stored_snapshot(draft(world))
    assert client.get(PAGE).status_code == 404
    assert client.get(snapshot_url()).status_code == 404
    page = turn_on(world, users)
    assert page.enabled
    assert page.changed_by == users["manager"]
    assert client.get(PAGE).status_code == 200
    public.public_page_set(board=world.board, enabled=False, user=users["manager"])
    assert client.get(PAGE).status_code == 404
    assert client.get(snapshot_url()).status_code == 404
    assert [h.enabled for h in PublicPage.history.order_by("history_id")] == [True, False]


def test_only_the_boards_business_manager_turns_it_on(world, users):
    for name in ("chair", "partner", "admin", "other_manager"):
        with pytest.raises(ValidationError) as exc:
            public.public_page_set(board=world.board, enabled=True, user=users[name])
        assert exc.value.messages == [
            "Only the board's business manager turns its public page on or off."
        ]
    assert not PublicPage.objects.exists()


def test_saving_the_same_choice_again_adds_no_history(world, users):
    turn_on(world, users)
    turn_on(world, users)
    assert PublicPage.history.count() == 1


def test_the_setting_page_turns_it_on_and_shows_who_changed_it(world, users, client_for):
    client = client_for("manager")
    url = reverse("reports:public_page", kwargs={"board": "alpha"})
    page = client.get(url).content.decode()
    assert "/public/alpha/" in page
    assert client.post(url, {"enabled": "maybe"}).status_code == 400
    assert not PublicPage.objects.exists()
    response = client.post(url, {"enabled": "on"})
    assert response.status_code == 302
    assert PublicPage.objects.get(board=world.board).enabled
    page = client.get(url).content.decode()
    assert "turned on by" in page
    listing = client.get(reverse("reports:annual_reports", kwargs={"board": "alpha"}))
    assert "The board's public page is on" in listing.content.decode()


# What the public reads ---------------------------------------------------------------------


def test_anyone_reads_the_published_reports_and_scorecards_and_nothing_else(world, users, client):
    published = draft(world)
    snapshot = stored_snapshot(published)
    unpublished = services.report_create(board=world.board, year=ReportingYear.for_start_year(2017))
    scorecard = made_scorecard(world.board, published_by=users["manager"])
    unpublished_scorecard = made_scorecard(world.board)
    other = services.report_create(board=world.other_board, year=ReportingYear.for_start_year(2016))
    stored_snapshot(other)
    turn_on(world, users)

    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert published.title in page
    assert unpublished.title not in page
    assert other.title not in page
    for fmt in ("pdf", "html", "csv", "json"):
        assert snapshot.sha256(fmt) in page
        assert snapshot_url(fmt=fmt) in page
    assert f"Version 1, published {snapshot.created:%-d %B %Y}" in page
    assert scorecard.pdf_sha256 in page
    assert f"/public/alpha/scorecards/{scorecard.pk}/pdf" in page
    assert f"/public/alpha/scorecards/{unpublished_scorecard.pk}/" not in page
    assert 'href="/boards/' not in page  # no link into the signed-in pages


def test_anyone_downloads_a_published_file_exactly_as_published(world, users, client):
    snapshot = stored_snapshot(draft(world))
    turn_on(world, users)
    response = client.get(snapshot_url())
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == snapshot.pdf_sha256
    assert "attachment" in response["Content-Disposition"]
    assert response["ETag"] == f'"{snapshot.pdf_sha256}"'
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache == {"public", "max-age=86400", "immutable"}
    again = client.get(snapshot_url(), HTTP_IF_NONE_MATCH=f'"{snapshot.pdf_sha256}"')
    assert again.status_code == 304


def test_everything_unpublished_is_not_found(world, users, client):
    report = draft(world)
    stored_snapshot(report)
    turn_on(world, users)
    draft_only = services.report_create(board=world.board, year=ReportingYear.for_start_year(2017))
    unpublished_scorecard = made_scorecard(world.board)
    other = services.report_create(board=world.other_board, year=ReportingYear.for_start_year(2016))
    stored_snapshot(other)
    for url in (
        snapshot_url(version=2),
        snapshot_url(year=draft_only.year.label),
        snapshot_url(fmt="exe"),
        f"/public/alpha/scorecards/{unpublished_scorecard.pk}/pdf",
        f"/public/alpha/scorecards/{unpublished_scorecard.pk}/exe",
        "/public/beta/",  # its page is off
        reverse(
            "public:snapshot_file",
            kwargs={"board": "beta", "year": "2016-17", "version": 1, "fmt": "pdf"},
        ),
        "/public/nobody/",
    ):
        assert client.get(url).status_code == 404, url


def test_a_correction_being_drafted_is_not_public_but_the_published_version_is(
    world, users, client
):
    from reports.models import AnnualReport

    report = draft(world)
    snapshot = stored_snapshot(report)
    AnnualReport.objects.filter(pk=report.pk).update(
        status=AnnualReport.Status.DRAFT, correction_changes="Secret draft words"
    )
    turn_on(world, users)
    page = client.get(PAGE).content.decode()
    assert report.title in page
    assert "Secret draft words" not in page
    assert client.get(snapshot_url()).status_code == 200
    assert snapshot.pk


def test_the_public_html_is_served_with_its_own_stylesheet_allowed(world, users, client):
    from reports import snapshots
    from reports.models import Snapshot

    report = draft(world)
    html = (
        b"<!DOCTYPE html><html><head><style>p{color:red}</style></head><body><p>x</p></body></html>"
    )
    stored = snapshots.store(report, 1, 7, {"html": html, "pdf": b"p", "csv": b"c", "json": b"{}"})
    Snapshot.objects.create(
        report=report,
        version=1,
        **{f"{fmt}_path": path for fmt, (path, _) in stored.items()},
        **{f"{fmt}_sha256": sha for fmt, (_, sha) in stored.items()},
    )
    AnnualReport = type(report)
    AnnualReport.objects.filter(pk=report.pk).update(
        status=AnnualReport.Status.PUBLISHED, published_at=timezone.now()
    )
    turn_on(world, users)
    response = client.get(snapshot_url(fmt="html"))
    assert response.status_code == 200
    assert "inline" in response.get("Content-Disposition", "inline")
    policy = response["Content-Security-Policy"]
    assert snapshots.stylesheet_sources(html)[0] in policy
    assert "'unsafe-inline'" not in policy


def test_public_responses_carry_the_security_headers_and_set_no_cookie(world, users, client):
    snapshot = stored_snapshot(draft(world))
    turn_on(world, users)
    for url in (PAGE, snapshot_url(), snapshot_url(fmt="json")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert not response.cookies, (url, response.cookies)
    assert snapshot.pk
    page = client.get(PAGE)
    assert "public" in page["Cache-Control"]
    assert "<script>" not in page.content.decode()


def test_every_other_page_stays_behind_sign_in(world, users, client):
    report = draft(world)
    snapshot = stored_snapshot(report)
    turn_on(world, users)
    for url in (
        "/boards/alpha/",
        reverse("reports:annual_reports", kwargs={"board": "alpha"}),
        report.get_absolute_url(),
        snapshot.file_url("pdf"),
        reverse("reports:scorecard_documents", kwargs={"board": "alpha"}),
        reverse("reports:public_page", kwargs={"board": "alpha"}),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]


def test_the_public_page_reads_a_constant_number_of_queries(
    world, users, client, django_assert_max_num_queries
):
    turn_on(world, users)
    for start in range(2010, 2016):
        stored_snapshot(
            services.report_create(board=world.board, year=ReportingYear.for_start_year(start))
        )
    for _ in range(4):
        made_scorecard(world.board, published_by=users["manager"])
    with django_assert_max_num_queries(5):
        response = client.get(PAGE)
    page = response.content.decode()
    assert page.count("Web page (HTML)") == 6 + 4


# Scorecards are published by the business manager ------------------------------------------


def test_a_finished_scorecard_is_published_once_by_the_business_manager(world, users):
    document = made_scorecard(world.board)
    for name in ("chair", "partner", "other_manager"):
        with pytest.raises(ValidationError):
            scorecard_documents.document_publish(document=document, user=users[name])
    published = scorecard_documents.document_publish(document=document, user=users["manager"])
    assert published.published_by == users["manager"]
    assert published.published_at is not None
    with pytest.raises(ValidationError) as exc:
        scorecard_documents.document_publish(document=document, user=users["manager"])
    assert exc.value.messages[0].startswith("This scorecard was published on ")
    waiting = ScorecardDocument.objects.create(board=world.board)
    with pytest.raises(ValidationError) as exc:
        scorecard_documents.document_publish(document=waiting, user=users["manager"])
    assert exc.value.messages == ["Only a scorecard that has been made can be published."]


def test_partners_download_published_scorecards_only(world, users, client_for):
    published = made_scorecard(world.board, published_by=users["manager"])
    unpublished = made_scorecard(world.board)
    partner = client_for("partner")
    home = partner.get("/boards/alpha/").content.decode()
    assert published.file_url("pdf") in home
    assert unpublished.file_url("pdf") not in home
    assert published.pdf_sha256 in home
    response = partner.get(published.file_url("pdf"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF scorecard"
    assert partner.get(unpublished.file_url("pdf")).status_code == 404
    assert partner.get(published.get_absolute_url()).status_code == 404


def test_the_document_page_publishes_a_scorecard(world, users, client_for):
    document = made_scorecard(world.board)
    url = reverse(
        "reports:scorecard_document_publish", kwargs={"board": "alpha", "document": document.pk}
    )
    assert client_for("chair").post(url).status_code == 403
    page = client_for("manager").get(document.get_absolute_url()).content.decode()
    assert f'action="{url}"' in page
    response = client_for("manager").post(url)
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.is_published
    page = client_for("manager").get(document.get_absolute_url()).content.decode()
    assert "Published to the board's partners on" in page
    assert f'action="{url}"' not in page


def test_a_scorecard_made_before_its_figures_were_kept_as_data_lists_what_it_has(
    world, users, client
):
    document = made_scorecard(world.board, published_by=users["manager"])
    ScorecardDocument.objects.filter(pk=document.pk).update(
        csv_path="", csv_sha256="", json_path="", json_sha256=""
    )
    turn_on(world, users)
    page = client.get(PAGE).content.decode()
    assert f"/public/alpha/scorecards/{document.pk}/pdf" in page
    assert f"/public/alpha/scorecards/{document.pk}/csv" not in page
    assert client.get(f"/public/alpha/scorecards/{document.pk}/csv").status_code == 404
    response = client.get(f"/public/alpha/scorecards/{document.pk}/json")
    assert response.status_code == 404


def test_anyone_downloads_a_published_scorecards_figures(world, users, client):
    document = made_scorecard(world.board, published_by=users["manager"])
    turn_on(world, users)
    for fmt, start in (("csv", b"Priority,Code"), ("json", b'{"indicators"')):
        response = client.get(f"/public/alpha/scorecards/{document.pk}/{fmt}")
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert body.startswith(start)
        assert hashlib.sha256(body).hexdigest() == document.sha256(fmt)
