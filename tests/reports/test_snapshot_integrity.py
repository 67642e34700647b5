"""A published file is served only while it is the file published: every
download checks its SHA-256 against the one recorded when it was stored.
A file altered or gone is refused with a page saying so, and the event is
logged with the board, the report and the file. The JSON holds the text
as it was published: sanitised HTML and plain words, never markup."""

from __future__ import annotations

import hashlib
import json
import logging

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from reports import snapshots
from reports.models import ScorecardDocument, SectionKind
from tests.reports.annual_helpers import (  # noqa: F401 - media is a fixture
    draft,
    media,
    stored_snapshot,
    tamper,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.mark.parametrize("fmt", ["pdf", "html", "csv", "json"])
def test_an_altered_file_is_not_served_and_the_event_is_logged(world, client_for, caplog, fmt):
    report = draft(world)
    snapshot = stored_snapshot(report)
    tamper(snapshot, fmt)
    with caplog.at_level(logging.ERROR, logger="reports.integrity"):
        response = client_for("partner").get(snapshot.file_url(fmt))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert "This file cannot be downloaded" in page
    assert "no longer matches the file that was published" in page
    assert snapshot.sha256(fmt) in page
    assert b"altered after publication" not in response.content
    [record] = [r for r in caplog.records if r.name == "reports.integrity"]
    message = record.getMessage()
    assert "board alpha" in message
    assert f"{report.title}, version 1" in message
    assert snapshot.path(fmt) in message
    assert snapshot.sha256(fmt) in message
    assert hashlib.sha256(b"altered after publication").hexdigest() in message
    assert "asked for by partner" in message
    assert record.board == "alpha"
    assert record.file == snapshot.path(fmt)


def test_a_missing_file_is_not_served_and_the_event_is_logged(world, client_for, caplog):
    report = draft(world)
    snapshot = stored_snapshot(report)
    default_storage.delete(snapshot.path("pdf"))
    with caplog.at_level(logging.ERROR, logger="reports.integrity"):
        response = client_for("manager").get(snapshot.file_url("pdf"))
    assert response.status_code == 500
    assert "is missing from where Assure keeps published files" in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "reports.integrity"]
    assert "is missing or unreadable" in record.getMessage()


def test_an_unaltered_file_is_served_byte_for_byte_with_its_digest(world, client_for):
    report = draft(world)
    snapshot = stored_snapshot(report)
    response = client_for("partner").get(snapshot.file_url("csv"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == snapshot.csv_sha256
    assert response["ETag"] == f'"{snapshot.csv_sha256}"'
    assert response["Cache-Control"] == "private, max-age=0"


def test_a_file_of_the_same_length_altered_by_one_byte_is_refused(world, client_for):
    report = draft(world)
    snapshot = stored_snapshot(report)
    original = default_storage.open(snapshot.path("pdf")).read()
    tamper(snapshot, "pdf", original[:-1] + bytes([original[-1] ^ 1]))
    assert client_for("partner").get(snapshot.file_url("pdf")).status_code == 500


def test_an_altered_scorecard_document_is_not_served(world, client_for):
    from reports import scorecard_documents, scorecard_print

    document = ScorecardDocument.objects.create(
        board=world.board, status=ScorecardDocument.Status.RUNNING
    )
    stored = scorecard_print.store(
        document,
        timezone.now(),
        {"pdf": b"%PDF scorecard", "html": b"<p>scorecard</p>", "csv": b"a,b", "json": b"{}"},
    )
    scorecard_documents.document_finish(document=document, files=stored, pages=1, indicators=0)
    document.refresh_from_db()
    tamper(document, "html", b"<script>alert(1)</script>")
    response = client_for("chair").get(document.file_url("html"))
    assert response.status_code == 500
    assert b"<script>" not in response.content


def test_stored_names_are_never_written_over(world):
    report = draft(world)
    stored = snapshots.store(report, 1, 42, {"pdf": b"first"})
    with pytest.raises(snapshots.NameTaken):
        snapshots.store(report, 1, 42, {"pdf": b"second", "csv": b"x"})
    name = stored["pdf"][0]
    assert default_storage.open(name).read() == b"first"
    assert not default_storage.exists(name.replace(".pdf", ".csv"))


def test_a_name_outside_the_storage_is_never_read():
    for name in ("../../etc/passwd", "/etc/passwd", ""):
        with pytest.raises(snapshots.FileUnavailable):
            snapshots.read_verified(name, "0" * 64)


# The JSON holds what was published --------------------------------------------------------

ATTACKS = (
    "Before. &lt;script&gt;alert('typed escaped')&lt;/script&gt; After.\n\n"
    "<script>alert('typed')</script>\n\n"
    "&amp;lt;script&amp;gt;alert('twice')&amp;lt;/script&amp;gt;\n\n"
    "[a link](https://example.org/report) and a < b & c"
)


def test_the_json_holds_the_sanitised_html_and_plain_words_never_markup(world, users):
    from reports import services
    from reports.sections import build_report

    report = draft(world)
    services.section_save(section=report.sections.get(kind=SectionKind.CONTEXT), body=ATTACKS)
    built = build_report(report)
    data = json.loads(snapshots.render_json(built, version=1, changes=""))
    context = next(s for s in data["sections"] if s["kind"] == "context")
    raw = json.dumps(data)
    assert "<script" not in raw.lower()
    assert "&lt;script" not in raw.lower()
    assert "alert(" not in raw
    assert context["html"] == (
        '<p class="govuk-body">Before.  After.</p>\n'
        '<p class="govuk-body"><a href="https://example.org/report" class="govuk-link" '
        'rel="noopener noreferrer">a link</a> and a &lt; b &amp; c</p>\n'
    )
    assert context["text"] == "Before.  After.\na link and a < b & c"
    assert "markdown" not in context
    assert str(built.sections[1].html) == context["html"]


def test_a_javascript_link_is_refused_when_written_and_never_published(world):
    from django.core.exceptions import ValidationError

    from reports import narrative, services

    report = draft(world)
    context = report.sections.get(kind=SectionKind.CONTEXT)
    for body in (
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "![chart](data:image/svg+xml;base64,PHN2Zz4=)",
    ):
        with pytest.raises(ValidationError) as exc:
            services.section_save(section=context, body=body)
        assert exc.value.message_dict["body"][0].startswith(
            "A link must start with https://, http:// or mailto:. Change or remove: "
        )
    context.refresh_from_db()
    assert context.body == ""
    # Text that reached the database some other way is still never a link.
    rendered = str(narrative.render("[click](javascript:alert(1))"))
    assert "href" not in rendered


def test_cleaning_twice_changes_nothing(world):
    from reports import narrative

    for text in (ATTACKS, "a < b", "**S&AG** &amp; more", "<scr<script>ipt>x</script>"):
        once = narrative.clean_source(text)
        assert narrative.clean_source(once) == once
        assert "<script" not in once.lower()


def test_a_public_downloads_check_is_the_same(world, client_for):
    """The public page's files go through the same check (tests/reports/
    test_public_page.py opens the page itself)."""
    from reports.models import PublicPage

    report = draft(world)
    snapshot = stored_snapshot(report)
    PublicPage.objects.create(board=world.board, enabled=True)
    tamper(snapshot, "pdf")
    public_url = reverse(
        "public:snapshot_file",
        kwargs={"board": "alpha", "year": "2016-17", "version": 1, "fmt": "pdf"},
    )
    response = client_for(None).get(public_url)
    assert response.status_code == 500
    assert response["Cache-Control"] == "no-store"
    assert "contact Alpha Safeguarding Children Board" in response.content.decode()
