"""The scorecard as a document: an accessible printable web page and a
tagged PDF (PDF/UA-1, by WeasyPrint), from the same reads as the scorecard
page (indicators.selectors.scorecard).

The PDF has a cover, contents with page numbers, running headers, page
numbers and bookmarks (the annual report's print stylesheet,
templates/pdf/annual_report.css), each indicator's figures with England and
the statistical neighbours, its chart as a PNG exported by kaleido from the
plotly figure (indicators.charts.figure; one kaleido session for the whole
document and a cache keyed by the figure, reports.charts) with the chart in
words as its alternative text, and its data table with a header row that
repeats on every page the table spans. The web page gives each chart in
words beside its table (an inline SVG would need styles the Content Security
Policy refuses). A suppressed figure is shown by its marker, never as zero.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from board.models import Board
from core.spreadsheets import write_csv
from indicators import charts as indicator_charts
from indicators import selectors as indicator_selectors
from indicators.selectors import IndicatorStatus
from reports import charts, pdf, snapshots
from reports.models import ScorecardDocument

PDF_TEMPLATE = "pdf/scorecard.html"
HTML_TEMPLATE = "reports/scorecard_documents/print.html"


@dataclass
class PrintedIndicator:
    status: IndicatorStatus
    image_uri: str = ""  # its chart, filled in for the PDF (render_document)

    @property
    def anchor(self) -> str:
        return f"indicator-{self.status.indicator.code}"

    @property
    def has_chart(self) -> bool:
        return bool(self.status.points)

    @property
    def source(self) -> str:
        """The source of the figure used, and what it revises."""
        latest = self.status.latest
        if latest is None:
            return ""
        text = latest.source
        if latest.revised:
            text += "; revises " + "; ".join(
                f"{other.shown} from {other.source}" for other in latest.revises
            )
        return text


@dataclass
class PrintedGroup:
    title: str
    anchor: str
    items: list[PrintedIndicator]


@dataclass
class PrintedScorecard:
    board: Board
    made: datetime.datetime
    groups: list[PrintedGroup] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.board.name} scorecard"

    @property
    def items(self) -> list[PrintedIndicator]:
        return [item for group in self.groups for item in group.items]

    @property
    def count(self) -> int:
        return len(self.items)


def printed_scorecard(*, board: Board) -> PrintedScorecard:
    """The board's scorecard as the document shows it: three queries."""
    printed = PrintedScorecard(board=board, made=timezone.now())
    for n, group in enumerate(indicator_selectors.scorecard(board=board), 1):
        printed.groups.append(
            PrintedGroup(
                title=group.title,
                anchor=f"priority-{n}",
                items=[PrintedIndicator(status) for status in group.statuses],
            )
        )
    return printed


def _charted(printed: PrintedScorecard) -> list[PrintedIndicator]:
    """The indicators with figures whose chart is not drawn yet."""
    return [item for item in printed.items if item.has_chart and not item.image_uri]


def attach_charts(printed: PrintedScorecard) -> None:
    """Every indicator with figures gets its chart as a PNG image now: those
    not cached yet are exported in one kaleido session. (`render_document`
    draws the charts not attached beside the layout instead.) The figures
    go to kaleido as the plain dicts `indicators.charts.figure` makes:
    wrapping them in plotly's Figure validated every attribute and added
    plotly's default template to each, a cost and no gain."""
    drawn = _charted(printed)
    figures = [indicator_charts.figure(item.status) for item in drawn]
    for item, image in zip(drawn, charts.export_images(figures), strict=True):
        item.image_uri = charts.data_uri(image)


def render_html(printed: PrintedScorecard) -> bytes:
    return render_to_string(HTML_TEMPLATE, {"printed": printed}).encode("utf-8")


def render_pdf_html(printed: PrintedScorecard) -> str:
    return render_to_string(
        PDF_TEMPLATE, {"printed": printed, "logo_uri": snapshots.logo_uri(printed.board)}
    )


def render_document(printed: PrintedScorecard) -> Any:
    """The laid-out WeasyPrint document. Charts not attached yet are
    exported in one kaleido session while WeasyPrint reads the page, as the
    annual report's are (reports.pdf.lay_out_with_charts); afterwards every
    indicator with figures has its chart."""
    drawn = _charted(printed)
    return pdf.lay_out_with_charts(
        lambda: render_pdf_html(printed),
        drawn,
        [indicator_charts.figure(item.status) for item in drawn],
    )


def render_pdf(printed: PrintedScorecard) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    document = render_document(printed)
    return pdf.write(document), len(document.pages)


# The figures as data ------------------------------------------------------------------------


def _shown(point: Any) -> str:
    """A figure as the document shows it: its marker in words when it is
    suppressed, never zero."""
    return point.shown if point is not None else ""


def render_csv(printed: PrintedScorecard) -> bytes:
    """Every indicator's figures, a row a period, newest first, beside
    England, the statistical neighbours and the target the figure is rated
    against (its year's, or the standing one), through the safe spreadsheet
    writer."""
    rows: list[list[Any]] = [
        [
            "Priority",
            "Code",
            "Indicator",
            "Period",
            "Value",
            "England",
            "Statistical neighbours",
            "Target",
        ]
    ]
    for group in printed.groups:
        for item in group.items:
            indicator = item.status.indicator
            for row in item.status.table:
                rows.append(
                    [
                        group.title,
                        indicator.code,
                        indicator.name,
                        row.label,
                        _shown(row.point),
                        _shown(row.england),
                        _shown(row.neighbours),
                        row.target,
                    ]
                )
    return write_csv(rows)


def render_json(printed: PrintedScorecard) -> bytes:
    """The scorecard as data: each indicator with its latest figure, its
    direction of travel and rating in words, and its figures by period."""
    data = {
        "board": printed.board.name,
        "title": printed.title,
        "made": timezone.localtime(printed.made).isoformat(),
        "priorities": [
            {
                "title": group.title,
                "indicators": [
                    {
                        "code": item.status.indicator.code,
                        "name": item.status.indicator.name,
                        "latest": _shown(item.status.latest),
                        "previous": _shown(item.status.previous),
                        "direction": item.status.direction.words,
                        "against_target": item.status.rating.words,
                        "source": item.source,
                        "periods": [
                            {
                                "period": row.label,
                                "value": _shown(row.point),
                                "england": _shown(row.england),
                                "neighbours": _shown(row.neighbours),
                                "target": row.target,
                            }
                            for row in item.status.table
                        ],
                    }
                    for item in group.items
                ],
            }
            for group in printed.groups
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


# Storing -----------------------------------------------------------------------------------


def document_dir(document: ScorecardDocument) -> str:
    """Relative to the storage's root; one folder per document, named by its id and
    the moment it was asked for, so no two documents share a folder even
    after a database restored from a backup hands out an id again."""
    return f"scorecards/{document.board.slug}/{document.pk}-{document.created:%Y%m%dT%H%M%S%f}"


def file_name(document: ScorecardDocument, made: datetime.datetime, fmt: str) -> str:
    return f"{document.board.slug}-scorecard-{timezone.localtime(made):%Y-%m-%d}.{fmt}"


def store(
    document: ScorecardDocument, made: datetime.datetime, contents: dict[str, bytes]
) -> dict[str, tuple[str, str]]:
    """The document's files, written once in a folder of its own."""
    return snapshots.write_once(
        document_dir(document),
        {fmt: (file_name(document, made, fmt), data) for fmt, data in contents.items()},
    )


def remove(document: ScorecardDocument) -> None:
    """Remove the files in the document's folder: a failed build leaves no
    file behind."""
    folder = document_dir(document)
    try:
        _, names = snapshots.storage().listdir(folder)
    except FileNotFoundError:
        return
    snapshots.remove([f"{folder}/{name}" for name in names])
