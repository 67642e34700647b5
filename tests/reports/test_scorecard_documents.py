"""The scorecard as a printable web page and a tagged PDF, built in the
background: asking for it, its progress, a failed build that leaves nothing
behind and says why, the stored files with their checksums, who may reach
them, and the PDF's structure read back with pikepdf."""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reports import pdf, scorecard_print
from reports import scorecard_documents as documents
from reports.models import ScorecardDocument
from reports.scorecard_tasks import build_scorecard_document
from tests.html import table_rows
from tests.indicators.factories import (
    ComparatorFactory,
    IndicatorFactory,
    SourceFactory,
    ValueFactory,
)
from tests.reports.annual_helpers import media, png  # noqa: F401 - a fixture
from tests.reports.test_annual_pdf import elements

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

FAKE_CHART = png(700, 300)


def year(start: int) -> datetime.date:
    return datetime.date(start, 4, 1)


@pytest.fixture
def indicators(world):
    """Two indicators on the board (one with a suppressed year, England and
    the neighbours), one with no figures, and one on the other board."""
    source = SourceFactory(title="Annual report 2020-21")
    timely = IndicatorFactory(
        board=world.board,
        code="timely",
        name="Assessments completed within 45 days",
        unit="percentage",
        polarity="higher",
        target=Decimal("80"),
        tolerance=Decimal("5"),
        priority=world.action.priority,
        position=1,
    )
    for start, value, marker in ((2018, "82", ""), (2019, None, "c"), (2020, "70", "")):
        ValueFactory(
            indicator=timely,
            period_start=year(start),
            value=None if value is None else Decimal(value),
            marker=marker,
            source=source,
        )
    ComparatorFactory(indicator=timely, kind="england", period_start=year(2020), value=84)
    ComparatorFactory(
        indicator=timely,
        kind="neighbours",
        period_start=year(2020),
        value=Decimal("79.5"),
        neighbours_used=9,
        neighbours_listed=10,
    )
    referrals = IndicatorFactory(
        board=world.board, code="referrals", name="Referrals to children's social care", position=2
    )
    ValueFactory(indicator=referrals, period_start=year(2019), value=2890, source=source)
    ValueFactory(indicator=referrals, period_start=year(2020), value=3247, source=source)
    IndicatorFactory(board=world.board, code="empty", name="Not yet measured", position=3)
    elsewhere = IndicatorFactory(board=world.other_board, code="elsewhere", name="Elsewhere")
    ValueFactory(indicator=elsewhere, period_start=year(2020), value=1)
    return timely, referrals


@pytest.fixture
def fake_charts(monkeypatch):
    """Charts without Chromium, for the tests about the build itself (the
    PDF structure test below exports real ones)."""
    calls = []

    def export(figures):
        calls.append(len(figures))
        return [FAKE_CHART for _ in figures]

    monkeypatch.setattr(scorecard_print.charts, "export_images", export)
    return calls


def documents_url(world):
    return reverse("reports:scorecard_documents", kwargs={"board": world.board.slug})


def test_a_manager_asks_for_the_pdf_and_gets_both_files_with_their_checksums(
    world, users, client_for, indicators, fake_charts, settings, django_capture_on_commit_callbacks
):
    client = client_for("manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(documents_url(world))
    document = ScorecardDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/boards/alpha/scorecard/pdf/{document.pk}/"
    assert document.status == ScorecardDocument.Status.SUCCEEDED
    assert document.requested_by == users["manager"]
    assert (document.progress, document.step, document.error) == (100, "Finished", "")
    assert document.indicators == 3  # the other board's indicator is not in it
    assert document.pages is not None
    assert document.pages >= 4
    assert fake_charts == [2]  # one export for every chart, the empty indicator has none
    day = f"{timezone.localdate():%Y-%m-%d}"
    folder = scorecard_print.document_dir(document)
    assert folder == f"scorecards/alpha/{document.pk}-{document.created:%Y%m%dT%H%M%S%f}"
    assert document.pdf_path == f"{folder}/alpha-scorecard-{day}.pdf"
    assert document.html_path == f"{folder}/alpha-scorecard-{day}.html"
    for fmt in ScorecardDocument.FORMATS:
        data = (Path(settings.MEDIA_ROOT) / document.path(fmt)).read_bytes()
        assert hashlib.sha256(data).hexdigest() == document.sha256(fmt)
    page = client.get(document.get_absolute_url()).content.decode()
    assert "The scorecard is ready" in page
    assert "3 indicators on" in page
    download = client.get(document.file_url("pdf"))
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    assert download["Repr-Digest"] == f"sha-256=:{digest}:"
    assert document.file_url("pdf") in page
    assert f'<code class="assure-sha256">{document.pdf_sha256}</code>' in page
    listing = client.get(documents_url(world)).content.decode()
    assert document.get_absolute_url() in listing


def test_the_web_page_gives_each_chart_in_words_and_its_table_with_the_marker(
    world, indicators, fake_charts
):
    printed = scorecard_print.printed_scorecard(board=world.board)
    html = scorecard_print.render_html(printed).decode()
    assert '<html lang="en-GB"' in html
    assert table_rows(html, "table-timely") == [
        ["Period", "Value", "England", "Statistical neighbours", "Target"],
        ["2020-21", "70%", "84%", "79.5%", "80%"],
        [
            "2019-20",
            "c (confidential (suppressed to protect individuals))",
            "Not recorded",
            "Not recorded",
            "80%",
        ],
        ["2018-19", "82%", "Not recorded", "Not recorded", "80%"],
    ]
    assert "Suppressed: 2019-20 (c)." in html
    assert 'href="/boards/alpha/indicators/timely/"' in html
    assert "Elsewhere" not in html
    assert "Not yet measured" in html
    assert "Off target (80%)" in html


def test_the_figures_as_csv_and_json_keep_the_marker_and_never_a_zero(
    world, indicators, fake_charts
):
    import csv
    import io
    import json

    printed = scorecard_print.printed_scorecard(board=world.board)
    rows = list(csv.reader(io.StringIO(scorecard_print.render_csv(printed).decode("utf-8-sig"))))
    priority = printed.groups[0].title
    suppressed = "c (confidential (suppressed to protect individuals))"
    assert rows[:4] == [
        [
            "Priority",
            "Code",
            "Indicator",
            "Period",
            "Value",
            "England",
            "Statistical neighbours",
            "Target",
        ],
        [
            priority,
            "timely",
            "Assessments completed within 45 days",
            "2020-21",
            "70%",
            "84%",
            "79.5%",
            "80%",
        ],
        [
            priority,
            "timely",
            "Assessments completed within 45 days",
            "2019-20",
            suppressed,
            "",
            "",
            "80%",
        ],
        [
            priority,
            "timely",
            "Assessments completed within 45 days",
            "2018-19",
            "82%",
            "",
            "",
            "80%",
        ],
    ]
    assert [r[1] for r in rows[1:]] == ["timely"] * 3 + ["referrals"] * 2
    data = json.loads(scorecard_print.render_json(printed))
    assert data["board"] == "Alpha Safeguarding Children Board"
    timely = data["priorities"][0]["indicators"][0]
    assert timely["code"] == "timely"
    assert timely["latest"] == "70%"
    assert timely["against_target"] == "Off target (80%)"
    assert timely["periods"][1] == {
        "period": "2019-20",
        "value": suppressed,
        "england": "",
        "neighbours": "",
        "target": "80%",
    }
    codes = [i["code"] for p in data["priorities"] for i in p["indicators"]]
    assert "elsewhere" not in codes
    assert "empty" in codes


def test_asking_again_while_a_build_is_under_way_gives_that_build(world, users, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    first = documents.document_request(board=world.board, user=users["manager"])
    again = documents.document_request(board=world.board, user=users["chair"])
    assert again.pk == first.pk
    assert first.status == ScorecardDocument.Status.QUEUED
    # A build left waiting longer than STALE_AFTER is abandoned, not waited for.
    ScorecardDocument.objects.filter(pk=first.pk).update(
        created=first.created - documents.STALE_AFTER - datetime.timedelta(seconds=1)
    )
    fresh = documents.document_request(board=world.board, user=users["chair"])
    assert fresh.pk != first.pk
    first.refresh_from_db()
    assert first.status == ScorecardDocument.Status.FAILED
    assert first.error == "The build did not finish within 30 minutes and was abandoned."
    # Another board's build is its own.
    other = documents.document_request(board=world.other_board, user=users["other_manager"])
    assert other.pk != fresh.pk


def test_a_partner_may_not_ask_for_one(world, users):
    with pytest.raises(ValidationError) as exc:
        documents.document_request(board=world.board, user=users["partner"])
    assert exc.value.messages == [
        "Only the board's chair and business managers can make the scorecard's documents."
    ]
    assert not ScorecardDocument.objects.exists()


def test_a_failed_build_keeps_no_file_and_says_why(
    world,
    users,
    client_for,
    indicators,
    fake_charts,
    monkeypatch,
    settings,
    django_capture_on_commit_callbacks,
):
    def broken(printed):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(scorecard_print, "render_pdf", broken)
    client = client_for("chair")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(documents_url(world))
    document = ScorecardDocument.objects.get()
    response = client.get(document.get_absolute_url())
    assert document.status == ScorecardDocument.Status.FAILED
    assert document.error == (
        "The build stopped while making the pdf: no fonts. No file was kept; try again, and "
        "tell your administrator if it fails again."
    )
    assert (document.pdf_path, document.html_path, document.pdf_sha256) == ("", "", "")
    assert not (Path(settings.MEDIA_ROOT) / "scorecards").exists() or not any(
        (Path(settings.MEDIA_ROOT) / "scorecards").rglob("*.*")
    )
    page = response.content.decode()
    assert "The PDF could not be made" in page
    assert "no fonts" in page
    assert client.get(document.file_url("pdf")).status_code == 404


def test_a_build_that_fails_after_storing_its_files_removes_them(
    world, users, indicators, fake_charts, monkeypatch, settings
):
    def refuse(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(documents, "document_finish", refuse)
    document = ScorecardDocument.objects.create(board=world.board, requested_by=users["manager"])
    assert build_scorecard_document.call(document.pk) is None
    document.refresh_from_db()
    assert document.status == ScorecardDocument.Status.FAILED
    assert document.error.startswith("The build stopped while storing the files: database went")
    folder = Path(settings.MEDIA_ROOT) / scorecard_print.document_dir(document)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_build_runs_once_however_often_a_worker_picks_it_up(world, users, fake_charts):
    document = ScorecardDocument.objects.create(board=world.board, requested_by=users["manager"])
    assert build_scorecard_document.call(document.pk) == document.pk
    assert build_scorecard_document.call(document.pk) is None
    assert fake_charts == []  # no indicators with figures: nothing to draw
    document.refresh_from_db()
    assert document.status == ScorecardDocument.Status.SUCCEEDED
    assert document.indicators == 0


def test_the_pages_are_for_the_boards_readers_only(world, users, client_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    mine = documents.document_request(board=world.board, user=users["manager"])
    theirs = documents.document_request(board=world.other_board, user=users["other_manager"])
    partner = client_for("partner")
    for url in (documents_url(world), mine.get_absolute_url(), mine.file_url("pdf")):
        assert partner.get(url).status_code == 404
    assert partner.post(documents_url(world)).status_code == 404
    manager = client_for("manager")
    # Another board's document, asked for under this board's address, does not exist.
    wrong = reverse(
        "reports:scorecard_document", kwargs={"board": world.board.slug, "document": theirs.pk}
    )
    assert manager.get(wrong).status_code == 404
    # A document still being built has no file yet; an unknown format never has one.
    assert manager.get(mine.file_url("pdf")).status_code == 404
    unknown = reverse(
        "reports:scorecard_document_file",
        kwargs={"board": world.board.slug, "document": mine.pk, "fmt": "exe"},
    )
    assert manager.get(unknown).status_code == 404
    progress = manager.get(mine.get_absolute_url()).content.decode()
    assert "Waiting to start" in progress
    assert 'hx-trigger="every 2s"' in progress
    fragment = manager.get(mine.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="document-status"')


def test_the_list_reads_a_fixed_number_of_queries(
    world, users, client_for, settings, django_assert_max_num_queries
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client = client_for("manager")
    client.get(documents_url(world))
    for _ in range(12):
        ScorecardDocument.objects.create(board=world.board, requested_by=users["chair"])
    with django_assert_max_num_queries(12):
        response = client.get(documents_url(world))
    assert response.content.decode().count("Waiting to start") == 10


def test_the_scorecard_page_links_to_the_pdf(world, users, client_for):
    page = client_for("chair").get(reverse("reports:scorecard", kwargs={"board": "alpha"}))
    assert (
        '<a class="govuk-link" id="scorecard-pdf-link" href="/boards/alpha/scorecard/pdf/">'
        "Download the scorecard as PDF</a>"
    ) in page.content.decode()


def test_the_scorecards_charts_are_exported_beside_the_layout_as_plain_figures(
    world, indicators, monkeypatch
):
    """One session for the document's charts, started before WeasyPrint lays
    the page out (as the annual report's); kaleido gets the figures as the
    plain dicts indicators.charts makes, not plotly objects to validate."""
    from reports import charts

    events: list[object] = []

    async def drawn(figures):
        events.append([type(f) for f in figures])
        return [png(40, 20) for _ in figures]

    real_lay_out = pdf.lay_out

    def lay_out(html, charts_exported=None, stand_ins=None):
        events.append("assure-chart:0" in html)
        return real_lay_out(html, charts_exported, stand_ins)

    monkeypatch.setattr(charts, "_export_all", drawn)
    monkeypatch.setattr(pdf, "lay_out", lay_out)
    printed = scorecard_print.printed_scorecard(board=world.board)
    charted = [item for item in printed.items if item.has_chart]
    _, pages = scorecard_print.render_pdf(printed)
    assert pages > 2
    assert True in events  # laid out while the charts were on their way
    assert [dict] * len(charted) in events  # one session, every chart, plain dicts
    assert all(item.image_uri.startswith("data:image/png;base64,") for item in charted)
    assert not any(item.image_uri for item in printed.items if not item.has_chart)


def test_the_pdf_is_tagged_with_charts_alt_text_tables_and_bookmarks(world, indicators):
    """Real charts: one kaleido session for the document."""
    printed = scorecard_print.printed_scorecard(board=world.board)
    scorecard_print.attach_charts(printed)
    data, pages = scorecard_print.render_pdf(printed)
    document = pikepdf.open(io.BytesIO(data))
    assert str(document.Root.Lang) == "en-GB"
    assert str(document.docinfo["/Title"]) == "Alpha Safeguarding Children Board scorecard"
    assert bool(document.Root.MarkInfo.Marked) is True
    with document.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"
    assert len(document.pages) == pages
    found = elements(document)
    figures = [e for e in found if e.S == "/Figure"]
    summaries = [s.summary for s in (printed.items[0].status, printed.items[1].status)]
    assert summaries[0].startswith("Assessments completed within 45 days: 70% in 2020-21")
    assert [str(f.get("/Alt", "")) for f in figures] == summaries
    tables = [e for e in found if e.S == "/Table"]
    parts = [[str(k.get("/S")) for k in e.K if isinstance(k, pikepdf.Dictionary)] for e in tables]
    # Each indicator has its figures table, and each with figures its table
    # by period: five tables, each with its caption and its header row. A
    # table that runs on to the next page is tagged again there, with its
    # header row repeated.
    assert sum(1 for kids in parts if kids[0] == "/Caption") == 5
    assert all("/THead" in kids for kids in parts), parts
    # Column and row headers: 2 + 7 rows of figures for each indicator with a
    # figure (6 without a source for the one without), and 4 + a row per
    # period; more where a header row is repeated on a new page.
    kinds = Counter(str(e.S) for e in found)
    assert kinds["/TH"] >= (2 + 7) + (2 + 7) + (2 + 6) + (4 + 3) + (4 + 2)
    with document.open_outline() as outline:
        top = [(item.title, [kid.title for kid in item.children]) for item in outline.root]
    assert top[0] == ("Contents", [])
    assert [title for title, _ in top[1:]] == [g.title for g in printed.groups]
    assert [kid for _, kids in top[1:] for kid in kids] == [
        "Assessments completed within 45 days",
        "Referrals to children's social care",
        "Not yet measured",
    ]
    texts = pdf.page_texts(scorecard_print.render_document(printed))
    assert len(texts) == pages
    assert f"Page 2 of {pages}" in texts[1]
    # The contents list gives the page each indicator starts on.
    for item in printed.items:
        name = item.status.indicator.name
        start = next(i for i, t in enumerate(texts) if i > 1 and name in t)
        assert re.search(re.escape(name) + r"[ .]*" + str(start + 1), texts[1]), name


def test_a_file_already_there_is_never_written_over(world, users, fake_charts, settings):
    document = ScorecardDocument.objects.create(board=world.board, requested_by=users["manager"])
    folder = Path(settings.MEDIA_ROOT) / scorecard_print.document_dir(document)
    folder.mkdir(parents=True)
    taken = folder / f"alpha-scorecard-{timezone.localdate():%Y-%m-%d}.pdf"
    taken.write_bytes(b"someone else's")
    assert build_scorecard_document.call(document.pk) is None
    document.refresh_from_db()
    assert document.status == ScorecardDocument.Status.FAILED
    assert document.error.startswith(
        f"The build stopped while storing the files: scorecards/alpha/{folder.name}/{taken.name} "
        "is already stored and is never written over."
    )
    assert taken.read_bytes() == b"someone else's"
    assert sorted(p.name for p in folder.iterdir()) == [taken.name]


def test_a_build_just_inside_the_stale_limit_is_still_joined(world, users, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    first = documents.document_request(board=world.board, user=users["manager"])
    ScorecardDocument.objects.filter(pk=first.pk).update(
        status=ScorecardDocument.Status.RUNNING,
        created=first.created - documents.STALE_AFTER + datetime.timedelta(seconds=5),
    )
    assert documents.document_request(board=world.board, user=users["chair"]).pk == first.pk
    # A finished build is never joined: asking again starts a new one.
    ScorecardDocument.objects.filter(pk=first.pk).update(status=ScorecardDocument.Status.SUCCEEDED)
    assert documents.document_request(board=world.board, user=users["chair"]).pk != first.pk


def test_progress_is_kept_between_0_and_99_and_only_while_running(world, users):
    document = ScorecardDocument.objects.create(board=world.board, requested_by=users["manager"])
    documents.document_progress(document=document, step="Early", progress=50)
    document.refresh_from_db()
    assert (document.step, document.progress) == ("", 0)  # still waiting: nothing moves
    assert documents.document_start(document=document) is True
    assert documents.document_start(document=document) is False
    documents.document_progress(document=document, step="x" * 150, progress=150)
    document.refresh_from_db()
    assert (document.step, document.progress) == ("x" * 100, 99)
    documents.document_progress(document=document, step="Back", progress=-5)
    document.refresh_from_db()
    assert (document.step, document.progress) == ("Back", 0)


def test_finishing_needs_every_file_and_a_running_build(world, users):
    document = ScorecardDocument.objects.create(board=world.board, requested_by=users["manager"])
    files = {
        "pdf": ("a.pdf", "1" * 64),
        "html": ("a.html", "2" * 64),
        "csv": ("a.csv", "3" * 64),
        "json": ("a.json", "4" * 64),
    }
    with pytest.raises(ValidationError) as exc:
        documents.document_finish(document=document, files=files, pages=1, indicators=1)
    assert exc.value.messages == ["This build is no longer running, so its files were not kept."]
    documents.document_start(document=document)
    with pytest.raises(ValidationError) as exc:
        documents.document_finish(
            document=document, files={"pdf": files["pdf"]}, pages=1, indicators=1
        )
    assert exc.value.messages == [
        "A scorecard document holds the PDF, the web page, the CSV and the JSON."
    ]
    finished = documents.document_finish(document=document, files=files, pages=3, indicators=2)
    assert (finished.status, finished.progress, finished.step) == ("succeeded", 100, "Finished")
    assert (finished.pdf_path, finished.html_sha256, finished.pages) == ("a.pdf", "2" * 64, 3)
    assert finished.indicators == 2
    assert finished.finished is not None


def test_the_list_names_who_asked_and_survives_a_removed_account(
    world, users, client_for, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    ScorecardDocument.objects.create(board=world.board, requested_by=users["chair"])
    ScorecardDocument.objects.create(board=world.board, requested_by=None)
    response = client_for("manager").get(documents_url(world))
    assert response.status_code == 200
    cells = [row[1] for row in table_rows(response.content.decode(), "scorecard-documents")[1:]]
    chair = users["chair"]
    assert sorted(cells) == sorted(
        ["An account since removed", chair.get_full_name() or chair.username]
    )
