"""Freezing a report: render the HTML, the PDF and the data behind them
(CSV and JSON), and store each as a file with its SHA-256, through Django's
storage API (the media folder by default; any storage Django is configured
with, S3 included, works the same).

Files are created, never overwritten: a snapshot's path is new for each
version, and a name already taken stops the build rather than being written
over, so no later build can change the bytes of one already published. Every
read of a stored file (`read_verified`) checks its SHA-256 against the one
recorded when it was written; a file that no longer matches, or has gone, is
never served.

The JSON holds each narrative section as the sanitised HTML that was
published and as plain words made from that HTML (docs/adr/0011), never the
Markdown source: a reader of the data gets nothing a browser would run.

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
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.template.loader import render_to_string
from django.utils import timezone

from core.spreadsheets import write_csv
from reports import narrative
from reports.models import AnnualReport
from reports.sections import BuiltReport, Table


def storage() -> Storage:
    """Where snapshots and scorecard documents are kept: Django's default
    storage, looked up when used so a test's MEDIA_ROOT applies."""
    return default_storage


def snapshot_dir(report: AnnualReport, version: int, build_id: int) -> str:
    """Relative to the storage's root; named by the build too, so no two builds
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


def document_context(
    built: BuiltReport,
    *,
    version: int | None,
    changes: str,
    changed_sections: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    return {
        "built": built,
        "logo_uri": logo_uri(built.report.board),
        "snapshot_version": version,
        "snapshot_changes": changes,
        "changed_sections": changed_sections or [],
        "published": timezone.now() if version else built.report.published_at or timezone.now(),
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


def render_json(
    built: BuiltReport,
    *,
    version: int,
    changes: str,
    changed_sections: list[dict[str, str]] | None = None,
) -> bytes:
    """The report as data. A narrative section's `html` is the sanitised HTML
    published in the web page and the PDF; its `text` is the words of that
    HTML, plain text that must be escaped like any text before it is put in
    a page."""
    report = built.report
    data = {
        "board": report.board.name,
        "year": report.year.label,
        "title": report.title,
        "version": version,
        "changes": changes,
        "changed_sections": changed_sections or [],
        "sections": [
            {
                "kind": s.kind,
                "title": s.title,
                "html": str(s.html or ""),
                "text": narrative.plain_text(s.section.body) if s.html else "",
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


class NameTaken(Exception):
    pass


def write_once(
    relative_dir: str, files: dict[str, tuple[str, bytes]]
) -> dict[str, tuple[str, str]]:
    """Write each format's (name, bytes) once in a folder of its own in the
    storage and give (name in the storage, SHA-256) for each. A name already
    taken is an error, never written over (the storage would otherwise save
    under another name, or, configured to, overwrite); on any failure what
    was written is removed."""
    store = storage()
    stored: dict[str, tuple[str, str]] = {}
    written: list[str] = []
    try:
        for fmt, (name, data) in files.items():
            wanted = f"{relative_dir}/{name}"
            if store.exists(wanted):
                raise NameTaken(f"{wanted} is already stored and is never written over")
            saved = store.save(wanted, ContentFile(data))
            written.append(saved)
            if saved != wanted:
                raise NameTaken(f"{wanted} is already stored and is never written over")
            stored[fmt] = (saved, sha256(data))
    except BaseException:
        remove(written)
        raise
    return stored


def remove(names: list[str]) -> None:
    """Delete stored files a failed build wrote (never a published one's:
    a build removes only what it wrote itself)."""
    store = storage()
    for name in names:
        store.delete(name)


class FileUnavailable(Exception):
    """A stored file that must not be served: gone, or its bytes no longer
    match the SHA-256 recorded when it was written."""

    def __init__(self, name: str, problem: str, found: str = "") -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem
        self.found = found


#: Files up to this size are checked in memory; larger ones spill to disk.
_SPOOL_BYTES = 4 * 1024 * 1024
_CHUNK = 64 * 1024


def read_verified(name: str, expected: str) -> IO[bytes]:
    """The stored file `name`, copied while its SHA-256 is computed and
    given back (rewound) only if it matches `expected`. The copy, not the
    stored file, is what is served: the bytes checked are the bytes sent,
    even if the stored file changes in between."""
    if not name or ".." in Path(name).parts or Path(name).is_absolute():
        raise FileUnavailable(name, "is not a stored file's name")
    store = storage()
    digest = hashlib.sha256()
    copy = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 - served, then closed by the response
    try:
        with store.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                digest.update(chunk)
                copy.write(chunk)
    except Exception as exc:  # any storage's "not there" or "cannot read"
        copy.close()
        raise FileUnavailable(name, "is missing or unreadable") from exc
    if digest.hexdigest() != expected.lower():
        copy.close()
        raise FileUnavailable(name, "no longer matches its SHA-256", found=digest.hexdigest())
    copy.seek(0)
    return copy
