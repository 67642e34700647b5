"""The annual report's PDF, read back with pikepdf: tagged (PDF/UA-1) with a
structure tree, the document's language and title, alternative text on
every figure, table header cells, bookmarks, and the page numbers the
contents list gives. Charts come from one kaleido session per build and a
cache keyed by the figure."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pikepdf
import pytest

from reports import charts, pdf, snapshots
from reports.sections import build_report
from tests.reports.annual_helpers import (  # noqa: F401 - media is a fixture
    complete_data,
    draft,
    media,
    write_narrative,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def _walk(node: Any, found: list[Any]) -> None:
    if isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                _walk(kid, found)
        elif kids is not None:
            _walk(kids, found)


def elements(document: pikepdf.Pdf) -> list[Any]:
    found: list[Any] = []
    _walk(document.Root.StructTreeRoot, found)
    return found


@pytest.fixture
def report_pdf(world):
    complete_data(world)
    report = draft(world)
    write_narrative(report)
    built = build_report(report)
    data, pages = pdf.render_pdf(snapshots.document_context(built, version=1, changes=""))
    return report, built, data, pages


def test_the_pdf_is_tagged_with_its_language_and_title(report_pdf):
    report, _, data, pages = report_pdf
    document = pikepdf.open(io.BytesIO(data))
    assert str(document.Root.Lang) == "en-GB"
    assert str(document.docinfo["/Title"]) == report.title
    assert bool(document.Root.MarkInfo.Marked) is True
    assert "/StructTreeRoot" in document.Root
    with document.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"
    assert len(document.pages) == pages
    assert pages >= 5  # cover, contents, and a page per section at least


def test_every_figure_has_its_alternative_text(report_pdf):
    _, built, data, _ = report_pdf
    document = pikepdf.open(io.BytesIO(data))
    figures = [e for e in elements(document) if e.S == "/Figure"]
    summaries = [f.summary for f in built.figures]
    assert len(summaries) == 2  # the strategic board's attendance and the budget
    assert [str(f.get("/Alt", "")) for f in figures] == summaries


def test_tables_have_header_cells_and_repeat_their_header_row(report_pdf):
    _, _, data, _ = report_pdf
    document = pikepdf.open(io.BytesIO(data))
    kinds = Counter(str(e.S) for e in elements(document))
    assert kinds["/Table"] >= 3
    assert kinds["/TH"] > kinds["/Table"]
    assert kinds["/THead"] >= kinds["/Table"]
    css = pdf.render_pdf_html({"built": report_pdf[1]})
    assert "thead { display: table-header-group; }" in css


def test_the_pdf_has_bookmarks_for_each_section_and_numbered_contents(report_pdf):
    _, built, data, _ = report_pdf
    document = pikepdf.open(io.BytesIO(data))
    with document.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert titles[0] == "Contents"
    assert titles[1:] == [s.title for s in built.sections]
    document = pdf.render_document(snapshots.document_context(built, version=1, changes=""))
    texts = pdf.page_texts(document)
    pages = len(texts)
    assert f"Page 2 of {pages}" in texts[1]
    # The contents list gives each section's page, and the section starts there.
    contents = texts[1]
    for section in built.sections:
        start = next(
            i
            for i, t in enumerate(texts)
            if (i > 1 and t.startswith(section.title)) or (f" {section.title} " in t and i > 1)
        )
        assert f"{section.title}" in contents
        assert str(start + 1) in contents


def test_charts_are_exported_in_one_session_and_cached_by_figure(monkeypatch, settings):
    sessions = []

    async def fake_export(figures):
        sessions.append(len(figures))
        return [
            f"<svg xmlns='http://www.w3.org/2000/svg'><title>{i}</title></svg>"
            for i in range(len(figures))
        ]

    monkeypatch.setattr(charts, "_export_all", fake_export)
    one = charts.figure(title="A", labels=["x", "y"], values=[1, 2], unit="%")
    two = charts.figure(title="B", labels=["x"], values=[3], unit="£")
    first = charts.export_svgs([one, two])
    assert sessions == [2]
    again = charts.export_svgs(
        [two, one, charts.figure(title="C", labels=["z"], values=[4], unit="%")]
    )
    assert sessions == [2, 1]
    assert again[:2] == [first[1], first[0]]
    assert (settings.MEDIA_ROOT / "cache" / "charts" / f"{charts.figure_key(one)}.svg").is_file()


def test_a_system_check_warns_when_chromium_is_missing(settings):
    settings.BROWSER_PATH = "/nowhere/chromium"
    (warning,) = charts.check_chromium()
    assert warning.id == "reports.W001"
    assert "/nowhere/chromium" in warning.msg
    settings.BROWSER_PATH = "/usr/bin/chromium"
    assert charts.check_chromium() == []
