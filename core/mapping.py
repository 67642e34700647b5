"""Importing spreadsheets a board already keeps, in whatever layout it keeps
them: the part every mapping importer shares (action trackers, seats, an
attendance record of a series of meetings), knowing nothing of any app.

The steps, each its own page: the file is read into sheets (core.spreadsheets
.read_book); the person chooses the sheet, the row that holds the headings,
and what to do with merged cells; each column is mapped to one of the
importer's fields (or ignored on purpose), suggested from its heading and
from the mapping the board used last time; each word a choice column holds
("R", "On track", "Complete", "MA", an agency's name...) is mapped to one of
Assure's values; then every row is previewed with its problems named by row
and column, and only a preview with no problems is saved, all or nothing.

Everything here is plain data (JSON in the session between the pages), so
a step can be taken again without reading the file again.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.spreadsheets import MAX_CELL_CHARACTERS, Sheet

#: A column the person chose to leave out of the import.
IGNORE = "ignore"
#: A word the person chose to leave blank (the cell counts as empty).
BLANK = "blank"

#: How many rows from the top are looked at for the row of headings.
HEADER_SEARCH_ROWS = 30


# --- naming cells ---------------------------------------------------------------


def column_letter(index: int) -> str:
    """A column's letters as a spreadsheet names it, from its 0-based index."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """The 0-based index of a column named by its letters ("AB" is 27)."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


_CELL = re.compile(r"^([A-Za-z]{1,3})(\d{1,7})$")


def cell_bounds(ref: str) -> tuple[int, int, int, int] | None:
    """A merged range "B3:C5" as (first row, first column, last row, last
    column), columns 0-based; None for a reference Assure cannot read."""
    parts = ref.split(":")
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2:
        return None
    found = [_CELL.match(part.strip()) for part in parts]
    if not all(found):
        return None
    (c1, r1), (c2, r2) = ((m.group(1), int(m.group(2))) for m in found if m)
    return (
        min(r1, r2),
        min(column_index(c1), column_index(c2)),
        max(r1, r2),
        max(column_index(c1), column_index(c2)),
    )


@dataclass(frozen=True)
class CellProblem:
    """Something wrong with one cell (or a whole row or column, where
    `column` or `row` is empty), in words that say where to look."""

    row: int | None
    column: str
    heading: str
    message: str

    def __str__(self) -> str:
        place = []
        if self.row is not None:
            place.append(f"Row {self.row}")
        if self.column:
            place.append(f"column {self.column}" + (f" ({self.heading})" if self.heading else ""))
        where = ", ".join(place)
        if where:
            where = where[0].upper() + where[1:]
        return f"{where}: {self.message}" if where else self.message


# --- words ----------------------------------------------------------------------


def text_of(value: Any) -> str:
    """A cell as the text a person sees in it: a whole number without its
    ".0", whitespace at the ends gone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return str(value)
    return str(value).strip()


def word_key(value: Any) -> str:
    """A word as mappings remember it: case, spacing and the punctuation at
    its ends do not count ("RED", "Red " and "red." are one word)."""
    text = " ".join(text_of(value).split()).casefold()
    return text.strip(" .,;:!?*-–")


def heading_key(value: Any) -> str:
    """A heading as suggestions compare it: letters and digits only
    ("Process RAG", "process_rag" and "PROCESS-RAG" are one heading)."""
    return "".join(ch for ch in text_of(value).casefold() if ch.isalnum())


# --- the layout: sheet, row of headings, merged cells -----------------------------


@dataclass
class Layout:
    """Which sheet, which row holds the headings, and whether merged cells
    are filled in (each cell of a merged range given its first cell's value)."""

    sheet: int = 0
    header_row: int = 0  # the spreadsheet's row number; 0 until chosen
    unmerge: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "header_row": self.header_row, "unmerge": self.unmerge}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Layout:
        data = data or {}
        return cls(
            sheet=int(data.get("sheet", 0)),
            header_row=int(data.get("header_row", 0)),
            unmerge=bool(data.get("unmerge", False)),
        )


def suggest_header_row(sheet: Sheet) -> int:
    """The row that most looks like the headings: the first near the top
    with text in at least two cells and in most of the columns the widest
    row there fills (a title row above the table fills one cell)."""
    top = sheet.rows[:HEADER_SEARCH_ROWS]
    if not top:
        return 0
    filled = [sum(1 for v in values if text_of(v)) for _, values in top]
    widest = max(filled)
    for (number, values), count in zip(top, filled, strict=True):
        texts = sum(1 for v in values if isinstance(v, str) and v.strip())
        if count >= max(2, math.ceil(widest * 0.6)) and texts >= count * 0.8:
            return number
    return top[0][0]


def suggest_sheet(sheets: Sequence[Sheet], score: Callable[[list[str]], int]) -> int:
    """The sheet whose headings the importer recognises best (`score`), the
    first with rows on a tie."""
    best, best_score = 0, -1
    for index, sheet in enumerate(sheets):
        if not sheet.rows:
            continue
        header = header_of(sheet, suggest_header_row(sheet))
        value = score(header)
        if value > best_score:
            best, best_score = index, value
    return best


def header_of(sheet: Sheet, row: int) -> list[str]:
    for number, values in sheet.rows:
        if number == row:
            return [text_of(v) for v in values]
    return []


@dataclass
class Table:
    """The chosen sheet below its headings: each heading by column, and the
    data rows with their spreadsheet row numbers. Merged ranges below the
    headings that were not filled in are problems of their own."""

    sheet: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    merged: list[str] = field(default_factory=list)  # the ranges left merged
    filled: list[str] = field(default_factory=list)  # the ranges filled in
    #: The rows above the headings, nearest first, merged ranges there filled
    #: in: where a heading's date may be written (a row of dates over a row
    #: of meeting names, a month merged over its meetings' days).
    above: list[tuple[int, list[Any]]] = field(default_factory=list)

    def value(self, values: list[Any], column: int) -> Any:
        return values[column] if column < len(values) else None

    def heading(self, column: int) -> str:
        return self.header[column] if column < len(self.header) else ""

    def problem(self, row: int | None, column: int | None, message: str) -> CellProblem:
        if column is None:
            return CellProblem(row, "", "", message)
        return CellProblem(row, column_letter(column), self.heading(column), message)

    @property
    def width(self) -> int:
        return max([len(self.header), *(len(values) for _, values in self.rows)], default=0)


def _fill_merged(rows: dict[int, list[Any]], bounds: tuple[int, int, int, int]) -> None:
    first_row, first_col, last_row, last_col = bounds
    top = rows.get(first_row, [])
    value = top[first_col] if first_col < len(top) else None
    for number in range(first_row, last_row + 1):
        values = rows.setdefault(number, [])
        if len(values) <= last_col:
            values.extend([None] * (last_col + 1 - len(values)))
        for column in range(first_col, last_col + 1):
            values[column] = value


def table_of(sheet: Sheet, layout: Layout) -> Table:
    """The sheet below its row of headings, merged ranges filled in when the
    person asked; ranges wholly above the headings (a title) do not count."""
    rows = {number: list(values) for number, values in sheet.rows}
    header_row = layout.header_row or suggest_header_row(sheet)
    merged, filled = [], []
    for ref in sheet.merged:
        bounds = cell_bounds(ref)
        if bounds is None or bounds[2] < header_row:
            continue
        if layout.unmerge:
            _fill_merged(rows, bounds)
            filled.append(ref)
        else:
            merged.append(ref)
    header = [text_of(v) for v in rows.get(header_row, [])]
    top = {number: list(values) for number, values in rows.items() if number < header_row}
    for ref in sheet.merged:
        bounds = cell_bounds(ref)
        if bounds is not None and bounds[2] < header_row:
            _fill_merged(top, bounds)
    above = sorted(top.items(), reverse=True)
    body = [
        (number, values)
        for number, values in sorted(rows.items())
        if number > header_row and any(text_of(v) for v in values)
    ]
    return Table(
        sheet=sheet.name, header=header, rows=body, merged=merged, filled=filled, above=above
    )


def merged_problems(table: Table) -> list[CellProblem]:
    """Each merged range left merged, named with its cells: a value in a
    merged range belongs to one cell, and the rows beside it look blank."""
    problems = []
    for ref in table.merged:
        bounds = cell_bounds(ref)
        row = bounds[0] if bounds else None
        column = bounds[1] if bounds else None
        problems.append(
            table.problem(
                row,
                column,
                f"cells {ref} are merged. Unmerge them in your spreadsheet, or choose to fill "
                "each merged range with its value.",
            )
        )
    return problems


# --- fields and the mapping of columns ------------------------------------------

TEXT, DATE, CHOICE, MULTI, MEETING = "text", "date", "choice", "multi", "meeting"


@dataclass(frozen=True)
class Field:
    """One thing an importer reads from a column.

    `kind` is how a cell is read: text as it is; a date; a choice (each
    word mapped to one of Assure's values); several choices in one cell
    (separated by commas, semicolons or new lines); or a meeting (the column
    is one meeting, its date in the heading; several columns may be). The
    aliases are headings, compared by heading_key, that suggest the field."""

    name: str
    label: str
    kind: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    hint: str = ""
    #: What the words page calls this field's words, when not its label.
    words_label: str = ""

    @property
    def many(self) -> bool:
        return self.kind == MEETING

    @property
    def has_words(self) -> bool:
        return self.kind in (CHOICE, MULTI, MEETING)


@dataclass
class Mapping:
    """What the person chose: a field (or IGNORE) for each column by its
    index, and for each field with words, a value for each word (by
    word_key)."""

    columns: dict[int, str] = field(default_factory=dict)
    words: dict[str, dict[str, str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"columns": {str(k): v for k, v in self.columns.items()}, "words": self.words}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Mapping:
        data = data or {}
        columns = {int(k): str(v) for k, v in (data.get("columns") or {}).items()}
        words = {
            str(name): {str(w): str(v) for w, v in (values or {}).items()}
            for name, values in (data.get("words") or {}).items()
        }
        return cls(columns=columns, words=words)

    def columns_of(self, name: str) -> list[int]:
        return sorted(column for column, chosen in self.columns.items() if chosen == name)

    def column_of(self, name: str) -> int | None:
        found = self.columns_of(name)
        return found[0] if found else None


def suggest_columns(
    header: Sequence[str],
    fields: Sequence[Field],
    remembered: dict[str, str] | None = None,
    *,
    guess: Callable[[str], str | None] | None = None,
) -> dict[int, str]:
    """A field for each heading Assure recognises: the board's remembered
    mapping first (headings by heading_key), then each field's own label
    and aliases, then the importer's `guess` (a meeting's date, say). A
    field takes one column unless it may take many; a heading nobody
    recognises is left for the person."""
    by_name = {f.name: f for f in fields}
    known: dict[str, str] = {}
    for f in fields:
        for alias in (f.label, f.name, *f.aliases):
            known.setdefault(heading_key(alias), f.name)
    chosen: dict[int, str] = {}
    taken: set[str] = set()
    passes: list[Callable[[str], str | None]] = [
        lambda h: (remembered or {}).get(heading_key(h)),
        lambda h: known.get(heading_key(h)),
    ]
    if guess is not None:
        passes.append(guess)
    for suggest in passes:
        for column, heading in enumerate(header):
            if column in chosen or not heading:
                continue
            name = suggest(heading)
            if name is None or (name != IGNORE and name not in by_name):
                continue
            if name != IGNORE and name in taken and not by_name[name].many:
                continue
            chosen[column] = name
            taken.add(name)
    return chosen


def column_problems(table: Table, mapping: Mapping, fields: Sequence[Field]) -> list[CellProblem]:
    """A wrong mapping, before any row is read: a required field with no
    column, or one field given two columns."""
    problems = []
    for f in fields:
        columns = mapping.columns_of(f.name)
        if f.required and not columns:
            problems.append(
                table.problem(None, None, f"no column is mapped to {f.label}, which is needed.")
            )
        if len(columns) > 1 and not f.many:
            letters = " and ".join(column_letter(c) for c in columns)
            problems.append(
                table.problem(
                    None,
                    columns[1],
                    f"columns {letters} are both mapped to {f.label}; map one of them to "
                    "something else or ignore it.",
                )
            )
    return problems


# --- words in choice columns ----------------------------------------------------

_SEPARATORS = re.compile(r"[,;\n]+")


def words_in(value: Any, kind: str) -> list[str]:
    """The words of a cell: one, or for several choices, each between
    commas, semicolons or new lines."""
    text = text_of(value)
    if not text:
        return []
    if kind == MULTI:
        return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]
    return [text]


@dataclass
class Word:
    """A word found in a field's columns: as first written, how often, and
    its first cell (for the page that asks what it means)."""

    key: str
    text: str
    count: int = 0
    first: str = ""


def words_of(
    table: Table, mapping: Mapping, f: Field, split: Callable[[str], list[str]] | None = None
) -> list[Word]:
    """Every distinct word in the columns mapped to `f`, in the order first met."""
    found: dict[str, Word] = {}
    for column in mapping.columns_of(f.name):
        for number, values in table.rows:
            for text in words_in(table.value(values, column), f.kind):
                for part in split(text) if split else [text]:
                    key = word_key(part)
                    if not key:
                        continue
                    word = found.setdefault(
                        key, Word(key=key, text=part, first=f"{column_letter(column)}{number}")
                    )
                    word.count += 1
    return list(found.values())


def suggest_words(
    words: Iterable[Word],
    choices: Sequence[tuple[str, str]],
    remembered: dict[str, str] | None = None,
    known: dict[str, str] | None = None,
) -> dict[str, str]:
    """A value for each word Assure can tell: remembered from the board's
    last import, one of the choices' own values or labels, or a word the
    importer knows (`known`, by word_key). Only values still among the
    choices are suggested."""
    values = {value for value, _ in choices}
    own: dict[str, str] = {}
    for value, label in choices:
        own.setdefault(word_key(label), value)
        own.setdefault(word_key(value), value)
    suggested: dict[str, str] = {}
    for word in words:
        for source in (remembered or {}, own, known or {}):
            found = source.get(word.key)
            if found is not None and (found in values or found == BLANK):
                suggested[word.key] = found
                break
    return suggested


# --- dates ----------------------------------------------------------------------

DAY_FIRST, MONTH_FIRST = "day-first", "month-first"
DATE_ORDERS = {
    DAY_FIRST: "Day first, as in the UK (31/03/2027)",
    MONTH_FIRST: "Month first, as in the US (03/31/2027)",
}

_MONTHS = {
    name.casefold(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTHS["sept"] = 9
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
_WORDS = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{2}|\d{4})$"
)
_WORDS_US = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")

#: The years a date is believed in: a two-digit year outside them, or a
#: year typed with a digit missing, is named rather than guessed.
FIRST_YEAR, LAST_YEAR = 1990, 2100


class DateProblem(ValueError):
    """A cell that is not a date in a way Assure can tell; the message says why."""


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return 2000 + year
    if len(text) != 4:
        raise DateProblem(f"{text!r} is not a year")
    return year


def _make(year: int, month: int, day: int, shown: str) -> datetime.date:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateProblem(
            f"{shown!r} is in {year}, outside the years Assure accepts ({FIRST_YEAR} to {LAST_YEAR})"
        )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DateProblem(f"{shown!r} is not a real date") from None


def parse_date(value: Any, *, order: str = DAY_FIRST) -> datetime.date:
    """A cell as a date: a spreadsheet's own date, or text written in one of
    the ways people in England write dates (31/03/2027, 31-03-27, 31.3.2027,
    31 March 2027, 31st Mar 2027, Tuesday 31 March 2027, 2027-03-31, and
    March 31, 2027), the numeric ones read in the file's `order`. A date that
    reads only the other way round is named as such, never silently swapped."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = " ".join(text_of(value).split())
    if not text:
        raise DateProblem("the date is missing")
    iso = _ISO_TIME.match(text)
    if iso:
        text = iso.group(1)
    numeric = _NUMERIC.match(text)
    if numeric:
        return _numeric_date(numeric.groups(), text, order)
    folded = text.casefold()
    words = _WORDS.match(folded)
    if words and words.group(2) in _MONTHS:
        return _make(_year(words.group(3)), _MONTHS[words.group(2)], int(words.group(1)), text)
    words = _WORDS_US.match(folded)
    if words and words.group(1) in _MONTHS:
        return _make(int(words.group(3)), _MONTHS[words.group(1)], int(words.group(2)), text)
    raise DateProblem(f"{text!r} is not a date Assure can read; write it as 31/03/2027")


def _numeric_date(parts: tuple[str, ...], text: str, order: str) -> datetime.date:
    first, second, third = parts
    if len(first) == 4:  # 2027-03-31
        return _make(int(first), int(second), int(third), text)
    year = _year(third)
    day, month = (int(first), int(second)) if order == DAY_FIRST else (int(second), int(first))
    if not 1 <= month <= 12:
        other = "month first" if order == DAY_FIRST else "day first"
        raise DateProblem(
            f"{text!r} has no month {month}: it reads as a date only {other}. "
            "Choose how the file writes its dates, or correct the cell"
        )
    return _make(year, month, day, text)


def ambiguous(value: Any) -> bool:
    """True for a numeric date that reads as two different days either way
    round (03/04/2027), which the preview shows in words so nobody misreads it."""
    numeric = _NUMERIC.match(" ".join(text_of(value).split()))
    if not numeric or len(numeric.group(1)) == 4:
        return False
    first, second = int(numeric.group(1)), int(numeric.group(2))
    return first != second and first <= 12 and second <= 12


FINANCIAL, CALENDAR = "financial", "calendar"
QUARTERS = {
    FINANCIAL: "Financial quarters (Q1 is April to June)",
    CALENDAR: "Calendar quarters (Q1 is January to March)",
}
_QUARTER = re.compile(r"^q(?:uarter)?\s*([1-4])\s*(?:of\s+)?(\d{4})(?:\s*[-/–]\s*(\d{2}|\d{4}))?$")
_MONTH_YEAR = re.compile(r"^(?:end\s+(?:of\s+)?)?([a-z]+)\.?\s+(\d{4})$")
_YEAR_ONLY = re.compile(r"^(?:end\s+(?:of\s+)?)?(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$")


def period_end(text: str, *, quarters: str = FINANCIAL) -> tuple[datetime.date, str] | None:
    """The last day of a period written as text where a date was expected,
    and the period in words: "Q3 2026" (in the file's kind of quarter; "Q3
    2026-27" is always a financial quarter), "March 2027", "2026-27" (a
    reporting year). None for anything else ("Ongoing", "Summer 2027")."""
    folded = " ".join(text.split()).casefold()
    quarter = _QUARTER.match(folded)
    if quarter:
        number, year = int(quarter.group(1)), int(quarter.group(2))
        financial = quarters == FINANCIAL or quarter.group(3) is not None
        if financial:
            start_month = 4 + 3 * (number - 1)
            start_year = year + (start_month - 1) // 12
            start_month = (start_month - 1) % 12 + 1
            kind = f"financial year {year}-{(year + 1) % 100:02d}"
        else:
            start_month, start_year = 1 + 3 * (number - 1), year
            kind = f"calendar year {year}"
        end_month = start_month + 2
        if not FIRST_YEAR <= start_year <= LAST_YEAR:
            return None
        last = calendar.monthrange(start_year, end_month)[1]
        return datetime.date(start_year, end_month, last), f"end of Q{number} of the {kind}"
    month = _MONTH_YEAR.match(folded)
    if month and month.group(1) in _MONTHS:
        year, number = int(month.group(2)), _MONTHS[month.group(1)]
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return None
        last = calendar.monthrange(year, number)[1]
        return datetime.date(year, number, last), f"end of {calendar.month_name[number]} {year}"
    whole = _YEAR_ONLY.match(folded)
    if whole:
        start = int(whole.group(1))
        end = whole.group(2)
        if (
            int(end) % (100 if len(end) == 2 else 10_000)
            == (start + 1) % (100 if len(end) == 2 else 10_000)
            and FIRST_YEAR <= start <= LAST_YEAR
        ):
            return datetime.date(
                start + 1, 3, 31
            ), f"end of the year {start}-{(start + 1) % 100:02d}"
    return None


# --- the preview ----------------------------------------------------------------

NEW, CHANGE, UNCHANGED, ERROR, SKIPPED = "new", "change", "unchanged", "error", "skipped"


@dataclass
class PreviewRow:
    """What one row of the file would do, and its problems."""

    number: int
    label: str = ""
    status: str = UNCHANGED
    notes: list[str] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)

    def refuse(self, problem: CellProblem) -> None:
        if problem not in self.problems:
            self.problems.append(problem)
        self.status = ERROR


@dataclass
class Preview:
    """Every row of the file and what it would do; problems of the file as
    a whole (a wrong mapping, merged cells); and the plan of what saving
    would write, as plain data, whose digest the confirm compares so that
    nothing is saved that the person did not see."""

    rows: list[PreviewRow] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plan: list[Any] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.problems and not self.errors

    @property
    def errors(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.problems]

    @property
    def all_problems(self) -> list[CellProblem]:
        return [*self.problems, *(p for row in self.rows for p in row.problems)]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def digest(self) -> str:
        """A fingerprint of what saving would write."""
        text = json.dumps(self.plan, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def check_cell_text(table: Table, row: PreviewRow, column: int, value: Any, limit: int) -> str:
    """A text cell as it will be stored, or a problem named on the row:
    longer than the field holds, or holding a NUL character."""
    text = text_of(value)
    if "\x00" in text:
        row.refuse(
            table.problem(
                row.number,
                column,
                "the cell holds a NUL character (an invisible control character Assure cannot "
                "store); remove it.",
            )
        )
        return ""
    if len(text) > min(limit, MAX_CELL_CHARACTERS):
        row.refuse(
            table.problem(
                row.number,
                column,
                f"the cell is {len(text):,} characters long; it may hold at most {limit:,}.",
            )
        )
        return ""
    return text


class RowCells:
    """One row's cells read by field, each problem named on the row with its
    column. A field with no column mapped reads as None ("not in this
    file"), so an importer can tell a blank cell from a missing column."""

    def __init__(
        self,
        table: Table,
        mapping: Mapping,
        row: PreviewRow,
        values: list[Any],
        fields: Sequence[Field],
    ) -> None:
        self.table = table
        self.mapping = mapping
        self.row = row
        self.values = values
        self.fields = {f.name: f for f in fields}

    def has(self, name: str) -> bool:
        return self.mapping.column_of(name) is not None

    def raw(self, name: str) -> Any:
        column = self.mapping.column_of(name)
        return None if column is None else self.table.value(self.values, column)

    def refuse(self, name: str | None, message: str) -> None:
        column = self.mapping.column_of(name) if name else None
        self.row.refuse(self.table.problem(self.row.number, column, message))

    def text(self, name: str, limit: int) -> str | None:
        column = self.mapping.column_of(name)
        if column is None:
            return None
        return check_cell_text(self.table, self.row, column, self.raw(name), limit)

    def date(self, name: str, *, order: str = DAY_FIRST) -> datetime.date | None:
        """The cell as a date, None when blank (or not mapped)."""
        raw = self.raw(name)
        if not text_of(raw):
            return None
        try:
            return parse_date(raw, order=order)
        except DateProblem as problem:
            self.refuse(name, f"{problem}.")
            return None

    def word(self, name: str, text: str, column: int | None = None) -> str | None:
        """A word's value as mapped, None when it maps to blank; an unmapped
        word is a problem named on the row."""
        key = word_key(text)
        value = self.mapping.words.get(name, {}).get(key)
        if value == BLANK or not key:
            return None
        if value is None:
            label = self.fields[name].label if name in self.fields else name
            where = self.mapping.column_of(name) if column is None else column
            self.row.refuse(
                self.table.problem(
                    self.row.number,
                    where,
                    f"{text!r} is not mapped to a {label.lower()}: say what it means on the "
                    "words page.",
                )
            )
        return value

    def choice(self, name: str) -> str | None:
        raw = self.raw(name)
        text = text_of(raw)
        return self.word(name, text) if text else None

    def choices(self, name: str) -> list[str]:
        f = self.fields[name]
        found = []
        for text in words_in(self.raw(name), f.kind):
            value = self.word(name, text)
            if value is not None and value not in found:
                found.append(value)
        return found
