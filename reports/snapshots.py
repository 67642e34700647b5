"""Freezing a report: render the HTML, the PDF and the data behind them
(CSV and JSON), and store each as a file under MEDIA_ROOT with its SHA-256.

Files are created, never overwritten: a snapshot's path is new for each
version and opened with exclusive creation, so no later build can change the
bytes of one already published.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from core.spreadsheets import write_csv
from reports.models import AnnualReport, Snapshot
from reports.sections import BuiltReport, Table


def snapshot_dir(report: AnnualReport, version: int, build_id: int) -> str:
    """Relative to MEDIA_ROOT; named by the build too, so no two builds
    ever share a folder, even after a database is restored from a backup."""
    return f"reports/{report.board.slug}/{report.year.label}/v{version}-build{build_id}"


def file_name(report: AnnualReport, version: int, fmt: str) -> str:
    return f"{report.board.slug}-annual-report-{report.year.label}-v{version}.{fmt}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_context(built: BuiltReport, *, version: int | None, changes: str) -> dict[str, Any]:
    return {
        "built": built,
        "snapshot_version": version,
        "snapshot_changes": changes,
        "published": built.report.published_at or timezone.now(),
    }


def render_html(context: dict[str, Any]) -> bytes:
    return render_to_string("reports/annual/document.html", context).encode("utf-8")


def _table_rows(built: BuiltReport) -> list[tuple[str, Table]]:
    return [(s.title, t) for s in built.sections for t in s.tables]


def render_csv(built: BuiltReport) -> bytes:
    """Every table of the report, one row per table row, through the safe
    spreadsheet writer (which neutralises formulas)."""
    rows: list[list[Any]] = [["Section", "Table", "Row", "Column", "Value"]]
    for title, table in _table_rows(built):
        for row in [*table.rows, *([table.foot] if table.foot else [])]:
            label = row[0].text
            for heading, cell in zip(table.head[1:], row[1:], strict=False):
                rows.append([title, table.caption, label, heading, cell.text])
    return write_csv(rows)


def render_json(built: BuiltReport, *, version: int, changes: str) -> bytes:
    report = built.report
    data = {
        "board": report.board.name,
        "year": report.year.label,
        "title": report.title,
        "version": version,
        "changes": changes,
        "sections": [
            {
                "kind": s.kind,
                "title": s.title,
                "text": s.section.body if s.section.is_narrative else "",
                "tables": [
                    {
                        "caption": t.caption,
                        "head": t.head,
                        "rows": [[c.text for c in row] for row in t.rows],
                        "foot": [c.text for c in t.foot],
                        "source": t.source,
                    }
                    for t in s.tables
                ],
            }
            for s in built.sections
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def store(
    report: AnnualReport, version: int, build_id: int, contents: dict[str, bytes]
) -> dict[str, tuple[str, str]]:
    """Write each file once (exclusive creation) and give (path, SHA-256)
    for each format. A file already there is an error, never overwritten."""
    relative_dir = snapshot_dir(report, version, build_id)
    directory = Path(settings.MEDIA_ROOT) / relative_dir
    directory.mkdir(parents=True, exist_ok=False)
    stored: dict[str, tuple[str, str]] = {}
    written: list[Path] = []
    try:
        for fmt, data in contents.items():
            name = file_name(report, version, fmt)
            path = directory / name
            with path.open("xb") as handle:
                handle.write(data)
            written.append(path)
            stored[fmt] = (f"{relative_dir}/{name}", sha256(data))
    except BaseException:
        remove(written)
        raise
    return stored


def remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def absolute(snapshot: Snapshot, fmt: str) -> Path:
    media = Path(settings.MEDIA_ROOT).resolve()
    path = (media / snapshot.path(fmt)).resolve()
    if media not in path.parents:
        raise ValueError("A snapshot's file lies under MEDIA_ROOT.")
    return path
