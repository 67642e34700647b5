"""The board's side of importing its own spreadsheets: the importers each
app registers (an action tracker, seats, an attendance record), what a
person's import holds between its pages, and the remembered mapping.

core.mapping reads files and maps columns and words without knowing any
app. Here an importer says which fields it reads, which values each word
may take, how to preview the rows against the board's records and how to
save them through the app's own services. The pages (board.import_views)
are the same for every importer; priorities registers the action tracker
from its AppConfig.ready, since the board app cannot import it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.db import transaction

from board import services
from board.models import Board, ImportMapping
from core import mapping as m
from core.spreadsheets import Sheet

#: Importers by the kind in their web address.
REGISTRY: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    REGISTRY[importer.kind] = importer
    return importer


class Importer:
    """One kind of spreadsheet a board brings. Subclasses set the class
    attributes and implement preview and save; the rest has defaults."""

    kind: ClassVar[str]
    #: "an action tracker": what the pages call the file.
    noun: ClassVar[str]
    #: The page's heading: "Import an action tracker".
    title: ClassVar[str]
    fields: ClassVar[list[m.Field]]
    #: What the upload page says the file should hold, one point a line.
    guidance: ClassVar[list[str]] = []
    #: The board navigation's section the pages belong to.
    section: ClassVar[str] = "board:home"

    def __init__(self, board: Board, options: dict[str, Any] | None = None) -> None:
        self.board = board
        self.options = options or {}

    # --- the options the mapping page asks for, beside the columns ---------

    def options_form(self, data: Any = None, initial: dict[str, Any] | None = None) -> forms.Form:
        """The importer's own questions (which plan, which group, how dates
        are written...). A plain form: its cleaned data, made JSON by
        options_of, is what preview and save read."""
        return forms.Form(data, initial=initial)

    def options_of(self, form: forms.Form) -> dict[str, Any]:
        return {
            name: (value.isoformat() if hasattr(value, "isoformat") else value)
            for name, value in form.cleaned_data.items()
        }

    # --- columns and words -----------------------------------------------------

    def field(self, name: str) -> m.Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def guess_column(self, heading: str) -> str | None:
        """A field for a heading no alias names (a meeting's date, say)."""
        return None

    def guess_columns(self, table: m.Table, columns: dict[int, str]) -> dict[int, str]:
        """The suggested columns, with any the importer can tell from more
        than the heading (a date written above it, say)."""
        return columns

    def score(self, header: list[str]) -> int:
        """How many headings this importer recognises: which sheet to suggest."""
        return len(m.suggest_columns(header, self.fields, guess=self.guess_column))

    def choices(self, f: m.Field) -> list[tuple[str, str]]:
        """The values a word of field `f` may be mapped to, as (value, label)."""
        return []

    def known_words(self, f: m.Field) -> dict[str, str]:
        """Words Assure recognises for field `f` without being told, by word_key."""
        return {}

    def split(self, f: m.Field) -> Callable[[str], list[str]] | None:
        """How a cell of field `f` splits into words, if it holds more than one."""
        return None

    def forget(self, f: m.Field, value: str) -> bool:
        """True for a word's value not to remember for the next file (a new
        record this import creates, say)."""
        return False

    # --- rows ------------------------------------------------------------------

    def preview(self, table: m.Table, mapping: m.Mapping) -> m.Preview:
        raise NotImplementedError

    def save(self, preview: m.Preview, *, user: Any) -> str:
        """Write the preview's plan through the apps' services and say what
        was done. Runs inside the confirm's transaction."""
        raise NotImplementedError

    def done_url(self) -> str:
        return self.board.get_absolute_url()


# --- a person's import between its pages ---------------------------------------------

SESSION_KEY = "assure-mapping-import"


@dataclass
class Pending:
    """What one person's import of one kind holds between its pages: the
    file's sheets, the layout, the mapping, the options and the digest of
    the last preview shown. Kept in the session as JSON."""

    kind: str
    board: int
    name: str
    sheets: list[Sheet]
    token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    layout: m.Layout = field(default_factory=m.Layout)
    mapping: m.Mapping = field(default_factory=m.Mapping)
    options: dict[str, Any] = field(default_factory=dict)
    #: Whether the columns (and options) have been chosen on their page.
    mapped: bool = False
    digest: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "board": self.board,
            "name": self.name,
            "sheets": [sheet.as_json() for sheet in self.sheets],
            "token": self.token,
            "layout": self.layout.as_json(),
            "mapping": self.mapping.as_json(),
            "options": self.options,
            "mapped": self.mapped,
            "digest": self.digest,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Pending:
        return cls(
            kind=str(data["kind"]),
            board=int(data["board"]),
            name=str(data["name"]),
            sheets=[Sheet.from_json(sheet) for sheet in data["sheets"]],
            token=str(data["token"]),
            layout=m.Layout.from_json(data.get("layout")),
            mapping=m.Mapping.from_json(data.get("mapping")),
            options=dict(data.get("options") or {}),
            mapped=bool(data.get("mapped")),
            digest=str(data.get("digest", "")),
        )

    @property
    def sheet(self) -> Sheet:
        index = self.layout.sheet if 0 <= self.layout.sheet < len(self.sheets) else 0
        return self.sheets[index]

    def table(self) -> m.Table:
        return m.table_of(self.sheet, self.layout)


def pending_of(session: Any, *, kind: str, board: Board) -> Pending | None:
    """The person's import of `kind` into `board`, if one is under way."""
    stored = (session.get(SESSION_KEY) or {}).get(kind)
    if not stored:
        return None
    try:
        pending = Pending.from_json(stored)
    except (KeyError, TypeError, ValueError):
        return None
    return pending if pending.board == board.pk else None


def pending_keep(session: Any, pending: Pending) -> None:
    imports = dict(session.get(SESSION_KEY) or {})
    imports[pending.kind] = pending.as_json()
    session[SESSION_KEY] = imports


def pending_drop(session: Any, kind: str) -> None:
    imports = dict(session.get(SESSION_KEY) or {})
    if imports.pop(kind, None) is not None:
        session[SESSION_KEY] = imports


# --- suggestions from the remembered mapping ---------------------------------------


def remembered(*, board: Board, kind: str) -> ImportMapping | None:
    return ImportMapping.objects.filter(board=board, kind=kind).select_related("saved_by").first()


def start_mapping(importer: Importer, pending: Pending, saved: ImportMapping | None) -> None:
    """Suggest the layout, columns and options for a new file: the sheet
    whose headings the importer recognises best, its row of headings, and
    the board's last mapping of this kind where its headings recur."""
    pending.layout.sheet = m.suggest_sheet(pending.sheets, importer.score)
    pending.layout.header_row = m.suggest_header_row(pending.sheet)
    suggest_columns(importer, pending, saved)
    pending.options = dict(saved.options) if saved else {}


def suggest_columns(importer: Importer, pending: Pending, saved: ImportMapping | None) -> None:
    table = pending.table()
    pending.mapping.columns = importer.guess_columns(
        table,
        m.suggest_columns(
            table.header,
            importer.fields,
            saved.columns if saved else None,
            guess=importer.guess_column,
        ),
    )


def words_for(importer: Importer, table: m.Table, mapping: m.Mapping, f: m.Field) -> list[m.Word]:
    return m.words_of(table, mapping, f, importer.split(f))


def suggest_words(
    importer: Importer, pending: Pending, table: m.Table, saved: ImportMapping | None
) -> None:
    """A value for every word Assure can tell, keeping what the person
    already chose on the words page."""
    for f in importer.fields:
        if not f.has_words or not pending.mapping.columns_of(f.name):
            continue
        words = words_for(importer, table, pending.mapping, f)
        chosen = pending.mapping.words.get(f.name, {})
        suggested = m.suggest_words(
            words,
            importer.choices(f),
            (saved.words.get(f.name) if saved else None),
            importer.known_words(f),
        )
        pending.mapping.words[f.name] = {**suggested, **chosen}


def run_preview(importer: Importer, pending: Pending) -> m.Preview:
    """The preview of the file as mapped: the layout's and the mapping's
    own problems first, then every row as the importer reads it."""
    table = pending.table()
    problems = m.merged_problems(table)
    problems += m.column_problems(table, pending.mapping, importer.fields)
    preview = importer.preview(table, pending.mapping)
    preview.problems[:0] = problems
    if not table.rows:
        preview.problems.append(
            m.CellProblem(
                None, "", "", f"the sheet {table.sheet} has no rows below its row of headings."
            )
        )
    return preview


class PreviewChanged(Exception):
    """What saving would write is no longer what the preview showed."""


@transaction.atomic
def import_save(*, importer: Importer, pending: Pending, user: Any) -> tuple[m.Preview, str]:
    """Save the import as the last preview showed it, or nothing: the rows
    are read again against the board as it is now, and if what they would
    write differs from what was shown (someone changed a record since), or
    any row has a problem, PreviewChanged. The mapping is remembered in
    the same transaction."""
    preview = run_preview(importer, pending)
    if not preview.valid or preview.digest != pending.digest:
        raise PreviewChanged
    message = importer.save(preview, user=user)
    table = pending.table()
    services.import_mapping_remember(
        board=importer.board,
        kind=importer.kind,
        columns={
            m.heading_key(table.heading(column)): chosen
            for column, chosen in pending.mapping.columns.items()
            if table.heading(column) and (chosen == m.IGNORE or not _many(importer, chosen))
        },
        words={
            name: {
                word: value
                for word, value in values.items()
                if (f := importer.field(name)) is not None and not importer.forget(f, value)
            }
            for name, values in pending.mapping.words.items()
        },
        options={
            key: value for key, value in pending.options.items() if key not in _ONE_FILE_OPTIONS
        },
        saved_by=user,
    )
    return preview, message


#: Options that belong to one file, not to the board's way of keeping it.
_ONE_FILE_OPTIONS = ("as_at",)


def _many(importer: Importer, name: str) -> bool:
    """A field several columns take (a meeting): its headings are dates that
    the next file will not repeat, so they are not remembered."""
    f = importer.field(name)
    return bool(f and f.many)


def field_choices(importer: Importer) -> Sequence[tuple[str, str]]:
    """The choices of every column's select: each field, or ignore it."""
    return [
        ("", "Choose what this column holds"),
        (m.IGNORE, "Ignore this column"),
        *((f.name, f.label + (" (needed)" if f.required else "")) for f in importer.fields),
    ]
