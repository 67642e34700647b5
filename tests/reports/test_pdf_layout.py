"""The built PDF read back as a reader sees it (tests/pdf_layout.py, with
PDFium): no two words drawn over each other, no text past the page's margin.
On a synthetic report (narrative, every generated section, long and wide
tables) and on the three past reports regenerated from the fixtures."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from bench.synthetic import generate, write_synthetic_narrative
from board.models import ReportingYear
from reports import pdf, services, snapshots
from reports.models import AnnualReport
from reports.sections import build_report
from tests.pdf_layout import layout_problems, page_words
from tests.reports.annual_helpers import media  # noqa: F401 - a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

HTML = '<html lang="en-GB"><head><title>T</title><style>@page {{ size: A4; margin: 20mm }}{style}</style></head><body>{body}</body></html>'


def _says(words, title: str) -> bool:
    text = " ".join(w.text for w in words)
    return f" {title} " in f" {text} "


def built_pdf(report: AnnualReport) -> tuple[bytes, int]:
    built = build_report(report)
    return pdf.render_pdf(snapshots.document_context(built, version=1, changes=""))


def test_the_check_finds_text_run_into_the_next_cell_and_off_the_page():
    """A training table's "as stated" cells that may not wrap run into each
    other, and a line that may not wrap runs off the page: both are found."""
    style = "table { table-layout: fixed; width: 60mm } td { white-space: nowrap }"
    body = (
        "<table><tr><td>92% as stated</td><td>77% as stated</td><td>65%</td></tr></table>"
        '<p style="white-space: nowrap">' + "wide " * 60 + "</p>"
    )
    problems = layout_problems(pdf.write(pdf.lay_out(HTML.format(style=style, body=body))))
    assert [(a.text, b.text) for a, b in problems.overlaps] == [
        ("stated", "77%"),
        ("stated", "65%"),
    ]
    assert problems.outside
    assert {w.text for w in problems.outside} == {"wide"}


def test_the_check_passes_text_that_wraps_in_its_cells():
    style = "table { table-layout: fixed; width: 60mm }"
    body = (
        "<table><tr><td>92% as stated</td><td>77% as stated</td><td>65%</td></tr></table>"
        "<p>" + "wide " * 60 + "</p><p>Kerned and ligatured: fine office, jiggly quay.</p>"
    )
    data = pdf.write(pdf.lay_out(HTML.format(style=style, body=body)))
    assert not layout_problems(data)
    words = [w.text for page in page_words(data) for w in page]
    assert "92%" in words
    assert "office," in words  # a ligature stays one word


def test_a_synthetic_report_has_no_overlapping_text_and_nothing_past_the_margin(world):
    board = generate(scale=1)
    report = services.report_create(board=board, year=ReportingYear.for_start_year(2016))
    write_synthetic_narrative(report, paragraphs=4)
    data, pages = built_pdf(report)
    problems = layout_problems(data)
    assert not problems, str(problems)
    assert problems.pages == pages
    # The attendance matrix of six meetings has a landscape page of its own.
    from pypdfium2 import PdfDocument

    document = PdfDocument(data)
    sizes = {tuple(round(v) for v in document[n].get_size()) for n in range(len(document))}
    document.close()
    assert sizes == {(595, 842), (842, 595)}


@pytest.fixture
def past_reports(db):
    call_command("load_past_reports", verbosity=0, stdout=StringIO())
    call_command("past_annual_reports", stdout=StringIO())


@pytest.mark.parametrize(
    ("board", "year"), [("luton", "2016-17"), ("luton", "2020-21"), ("bedford-borough", "2016-17")]
)
def test_each_past_report_has_no_overlapping_text_and_nothing_past_the_margin(
    past_reports, board, year
):
    report = AnnualReport.objects.get(board__slug=board, year__label=year)
    data, pages = built_pdf(report)
    problems = layout_problems(data)
    assert not problems, str(problems)
    assert problems.pages == pages
    # Chapters start pages and their sections flow: most sections share a
    # page with another instead of taking one each.
    built = build_report(report)
    words = page_words(data)
    starts = {
        next(n for n, page in enumerate(words) if n > 1 and _says(page, section.title))
        for section in built.sections
    }
    assert len(starts) <= len(pdf.chapters(built)) + len(built.sections) // 3
