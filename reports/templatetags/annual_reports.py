"""The board's published annual reports and scorecards, for its home page
(a template tag, so the board app's page lists them without the board app
importing reports: the layers run board < reports), and the list of a
published version's files with their SHA-256, wherever they are offered for
download (signed in or on the public page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import reverse

from reports.annual import published_snapshots
from reports.models import ScorecardDocument, Snapshot
from reports.scorecard_documents import published_documents

register = template.Library()


@dataclass
class Download:
    label: str
    fmt: str
    url: str
    sha256: str

    @property
    def saves(self) -> bool:
        """Whether the browser saves the file rather than showing it."""
        return self.fmt != "html"


@register.inclusion_tag("reports/annual/_published.html")
def published_annual_reports(board: Any) -> dict[str, Any]:
    return {
        "board": board,
        "published": published_snapshots(board=board),
        "scorecards": published_documents(board=board),
    }


def _snapshot_url(snapshot: Snapshot, fmt: str, public: bool) -> str:
    if not public:
        return snapshot.file_url(fmt)
    report = snapshot.report
    return reverse(
        "public:snapshot_file",
        kwargs={
            "board": report.board.slug,
            "year": report.year.label,
            "version": snapshot.version,
            "fmt": fmt,
        },
    )


@register.inclusion_tag("reports/annual/_downloads.html")
def snapshot_downloads(snapshot: Snapshot, public: bool = False) -> dict[str, Any]:
    """A published version's files, PDF first, each with its SHA-256, and the
    day it was published and what it changed."""
    order = ("pdf", "html", "csv", "json")
    return {
        "snapshot": snapshot,
        "report": snapshot.report,
        "downloads": [
            Download(
                Snapshot.LABELS[fmt],
                fmt,
                _snapshot_url(snapshot, fmt, public),
                snapshot.sha256(fmt),
            )
            for fmt in order
        ],
    }


def _document_url(document: ScorecardDocument, fmt: str, public: bool) -> str:
    if not public:
        return document.file_url(fmt)
    return reverse(
        "public:scorecard_file",
        kwargs={"board": document.board.slug, "document": document.pk, "fmt": fmt},
    )


@register.inclusion_tag("reports/scorecard_documents/_downloads.html")
def scorecard_downloads(document: ScorecardDocument, public: bool = False) -> dict[str, Any]:
    return {
        "document": document,
        "downloads": [
            Download(
                ScorecardDocument.LABELS[fmt],
                fmt,
                _document_url(document, fmt, public),
                document.sha256(fmt),
            )
            for fmt in document.formats
        ],
    }
