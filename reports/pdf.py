"""The annual report as a tagged PDF (PDF/UA-1) by WeasyPrint, from the lean
print template in templates/pdf/: a cover, contents with page numbers
(target-counter), running headers, page numbers, bookmarks from the headings,
and table header rows repeated on every page a table spans."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from reports import charts
from reports.sections import BuiltReport

PDF_VARIANT = "pdf/ua-1"


def render_pdf_html(context: dict[str, Any]) -> str:
    return render_to_string("pdf/annual_report.html", context)


def attach_charts(built: BuiltReport) -> None:
    """Every chart of the report as an SVG image: one kaleido session for
    those not cached yet."""
    figures = built.figures
    if not figures:
        return
    made = [
        charts.figure(title=f.caption, labels=f.labels, values=f.values, unit=f.unit)
        for f in figures
    ]
    for block, svg in zip(figures, charts.export_svgs(made), strict=True):
        block.svg_uri = charts.data_uri(svg)


def render_document(context: dict[str, Any]) -> Any:
    """The laid-out WeasyPrint document, charts drawn."""
    from weasyprint import HTML

    attach_charts(context["built"])
    html = HTML(string=render_pdf_html(context), base_url=str(settings.BASE_DIR))
    return html.render(pdf_variant=PDF_VARIANT, pdf_tags=True)


def render_pdf(context: dict[str, Any]) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    document = render_document(context)
    data = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
    return bytes(data or b""), len(document.pages)


def page_texts(document: Any) -> list[str]:
    """The text drawn on each page, margin boxes included, in reading order:
    what the PDF shows, for tests that compare it with the data."""
    from weasyprint.formatting_structure.boxes import TextBox

    texts = []
    for page in document.pages:
        words = [box.text for box in page._page_box.descendants() if isinstance(box, TextBox)]
        texts.append(" ".join(words))
    return texts
