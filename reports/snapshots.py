"""Freezing a report: render the HTML, the PDF and the data behind them
(CSV and JSON), and store each as a file under MEDIA_ROOT with its SHA-256.

Files are created, never overwritten: a snapshot's path is new for each
version and opened with exclusive creation, so no later build can change the
bytes of one already published.

The HTML carries its styling inside it: the site's stylesheet as it was at
publication, in a <style> element of the page's head. A snapshot so reads
the same offline, saved as one file, and years later when the site's
stylesheet has changed or gone; the HTML's checksum covers its styling too.
The strict Content Security Policy allows no inline style, so the snapshot's
page is served with a policy that allows exactly the SHA-256 of its own
stylesheet and nothing else (`stylesheet_sources`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
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


def logo_uri(board: Any) -> str:
    """The board's logo as a data: URI, read through the storage API, for a
    document that must carry it inside itself (a PDF, a frozen HTML page);
    "" when the board has none or its file is gone (the cover shows the
    board's name alone rather than failing the build)."""
    if not board.logo:
        return ""
    try:
        with board.logo.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return ""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def document_context(built: BuiltReport, *, version: int | None, changes: str) -> dict[str, Any]:
    return {
        "built": built,
        "logo_uri": logo_uri(built.report.board),
        "snapshot_version": version,
        "snapshot_changes": changes,
        "published": built.report.published_at or timezone.now(),
    }


#: The site's stylesheet, as `make setup` builds it from static/scss.
STYLESHEET = "dist/css/assure.css"


class StylesheetMissing(Exception):
    pass


def frozen_stylesheet() -> str:
    """The site's stylesheet as it is now, to be frozen into a snapshot: from
    the static folders, or from STATIC_ROOT where only the collected files
    are deployed. Missing, it stops the build (an unstyled snapshot would be
    published for good)."""
    found = finders.find(STYLESHEET)
    if found:
        css = Path(str(found)).read_text(encoding="utf-8")
    elif staticfiles_storage.exists(STYLESHEET):
        with staticfiles_storage.open(STYLESHEET) as handle:
            css = handle.read().decode("utf-8")
    else:
        raise StylesheetMissing(
            f"the stylesheet {STYLESHEET} is missing (build the static files, then try again)"
        )
    if "</style" in css.lower():
        raise StylesheetMissing(f"the stylesheet {STYLESHEET} cannot be put inside a page")
    return css


def render_html(context: dict[str, Any]) -> bytes:
    context = {**context, "stylesheet": frozen_stylesheet()}
    return render_to_string("reports/annual/document.html", context).encode("utf-8")


class _HeadStyles(HTMLParser):
    """The text of each <style> element in a page's head, exactly as a
    browser hashes it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.styles: list[str] = []
        self._in_style = False
        self.head_done = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "style" and not self.head_done:
            self._in_style = True
            self.styles.append("")
        elif tag == "body":
            self.head_done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        elif tag == "head":
            self.head_done = True

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles[-1] += data


def stylesheet_sources(html: bytes) -> list[str]:
    """CSP source expressions ('sha256-...') allowing the stylesheets frozen
    in a snapshot's head, and no other inline style. Only the head is read:
    the sections' text is cleaned of HTML, and a <style> in the body is
    never allowed."""
    end = html.find(b"</head>")
    parser = _HeadStyles()
    parser.feed(html[: end if end >= 0 else 0].decode("utf-8", errors="replace"))
    parser.close()
    return [f"'sha256-{_b64_sha256(css.encode())}'" for css in parser.styles]


def _b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


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
    """The snapshot's files, written once in a folder of their own."""
    return write_once(
        snapshot_dir(report, version, build_id),
        {fmt: (file_name(report, version, fmt), data) for fmt, data in contents.items()},
    )


def write_once(
    relative_dir: str, files: dict[str, tuple[str, bytes]]
) -> dict[str, tuple[str, str]]:
    """Write each format's (name, bytes) once (exclusive creation) in a new
    folder under MEDIA_ROOT and give (path, SHA-256) for each. A folder or
    file already there is an error, never written into; on any failure what
    was written, and the folder, are removed."""
    directory = Path(settings.MEDIA_ROOT) / relative_dir
    directory.mkdir(parents=True, exist_ok=False)
    stored: dict[str, tuple[str, str]] = {}
    written: list[Path] = []
    try:
        for fmt, (name, data) in files.items():
            path = directory / name
            with path.open("xb") as handle:
                written.append(path)
                handle.write(data)
            stored[fmt] = (f"{relative_dir}/{name}", sha256(data))
    except BaseException:
        remove(written)
        directory.rmdir()
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
