"""The annual report as a tagged PDF (PDF/UA-1) by WeasyPrint, from the lean
print template in templates/pdf/: a cover, contents with page numbers
(target-counter), running headers, page numbers, bookmarks from the headings,
and table header rows repeated on every page a table spans."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

PDF_VARIANT = "pdf/ua-1"


def render_pdf_html(context: dict[str, Any]) -> str:
    return render_to_string("pdf/annual_report.html", context)


def render_pdf(context: dict[str, Any]) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    from weasyprint import HTML

    html = HTML(string=render_pdf_html(context), base_url=str(settings.BASE_DIR))
    document = html.render(pdf_variant=PDF_VARIANT, pdf_tags=True)
    data = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
    return bytes(data or b""), len(document.pages)
