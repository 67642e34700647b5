"""Published statistics into indicators: the tidy CSV files the Department
for Education's explore education statistics service publishes.

A file has one row per time period and area (``time_period``,
``time_identifier``, ``geographic_level``, ``region_name``, ``new_la_code``,
``la_name`` ...) and one column per measure. The business manager uploads it,
chooses the board's local authority and which measure column fills which
indicator, and sees a preview: new, changed and unchanged values, the
suppressed cells by marker, and every row that cannot be read. Nothing is
saved until the preview is confirmed; then everything is saved in one
transaction through the indicator services, and importing the same file
again changes nothing.

National rows become the England comparator and the authority's region's
rows the region comparator. The statistical neighbours' average is worked
out from the board's uploaded neighbour list, leaving out suppressed and
missing neighbours and saying how many it used.

Every refusal (not a CSV file, not UTF-8, missing columns, an authority the
file does not hold, a cell that is neither a number nor a known marker, a
period that cannot be read) says why, and changes nothing.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from board.models import Board, SourceDocument, year_label
from core import spreadsheets as sheets
from indicators import services
from indicators.models import (
    Comparator,
    Indicator,
    IndicatorValue,
    Marker,
    PeriodKind,
    StatisticalNeighbour,
)
from indicators.selectors import format_number, marker_words

SpreadsheetError = sheets.SpreadsheetError

#: A row's place: the period, the level, and the authority by either code
#: (new_la_code E06000032, old_la_code 821); a file may carry only one of them.
REQUIRED = ("time_period", "time_identifier", "geographic_level", "la_name")
CODE_COLUMNS = ("new_la_code", "old_la_code")
#: Columns that say where and when a row is, not what it measures.
GEOGRAPHY = {
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
    "lad_code",
    "lad_name",
    "pcon_code",
    "pcon_name",
}
NATIONAL = "national"
REGIONAL = "regional"
LOCAL_AUTHORITY = "local authority"
#: The levels an import uses; rows of others (districts, constituencies) are
#: counted and left out as the file is read, so they cost no memory.
LEVELS = (NATIONAL, REGIONAL, LOCAL_AUTHORITY)
MARKERS = set(Marker.values)


@dataclass
class Statistics:
    """An uploaded file, read: plain JSON, so it can wait in the session.
    Only the rows of the levels an import uses are kept (`left_out` counts
    the others)."""

    name: str
    header: list[str]
    rows: list[list[str]]
    left_out: int = 0
    #: The file's line number of each kept row (the header is line 1).
    lines: list[int] = field(default_factory=list)

    def column(self, row: list[str], name: str) -> str:
        index = self.header.index(name) if name in self.header else -1
        return row[index].strip() if 0 <= index < len(row) else ""

    def codes(self, row: list[str]) -> set[str]:
        """The row's authority codes, either kind, as given."""
        return {c.upper() for c in (self.column(row, n) for n in CODE_COLUMNS) if c}

    def code(self, row: list[str]) -> str:
        """The code an authority is chosen by: its new code, or its old one
        where the file gives no new code."""
        return (self.column(row, "new_la_code") or self.column(row, "old_la_code")).upper()

    def line(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else index + 2

    @property
    def measures(self) -> list[str]:
        return [h for h in self.header if h and h not in GEOGRAPHY]

    @property
    def authorities(self) -> list[tuple[str, str]]:
        found: dict[str, str] = {}
        for row in self.rows:
            if self.column(row, "geographic_level").lower() == LOCAL_AUTHORITY:
                code = self.code(row)
                if code and code not in found:
                    codes = " and ".join(
                        c for c in (self.column(row, n) for n in CODE_COLUMNS) if c
                    )
                    found[code] = f"{self.column(row, 'la_name')} ({codes})"
        return sorted(found.items(), key=_second)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "header": self.header,
            "rows": self.rows,
            "left_out": self.left_out,
            "lines": self.lines,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Statistics:
        return cls(
            name=data["name"],
            header=data["header"],
            rows=data["rows"],
            left_out=data.get("left_out", 0),
            lines=data.get("lines", []),
        )


def _second(pair: tuple[str, str]) -> str:
    return pair[1]


def _not_csv() -> SpreadsheetError:
    return SpreadsheetError(
        "The file is not a CSV file. Download the data as CSV from explore education "
        "statistics and upload that."
    )


def _not_utf8(where: str) -> SpreadsheetError:
    return SpreadsheetError(
        f"The file is not UTF-8 text ({where} cannot be read). Published statistics files "
        "are UTF-8: upload the file as downloaded, or save it again as “CSV UTF-8”."
    )


def read_statistics(name: str, content: bytes | IO[bytes]) -> Statistics:  # noqa: C901
    """The uploaded file as header and rows, or SpreadsheetError saying why
    not. The file is read as a stream, a row at a time, so its size (up to
    ASSURE_STATISTICS_MAX_BYTES) costs memory only for the rows kept; there
    is no limit on rows: a published file has as many as it has."""
    stream: IO[bytes] = io.BytesIO(content) if isinstance(content, bytes) else content
    limit = settings.ASSURE_STATISTICS_MAX_BYTES
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > limit:
        raise SpreadsheetError(
            f"The file is {sheets.describe_size(size)}; the largest Assure accepts is "
            f"{sheets.describe_size(limit)}."
        )
    start = stream.read(2048)
    stream.seek(0)
    if not start.strip():
        raise SpreadsheetError("The file is empty.")
    if start[:4] == b"PK\x03\x04" or b"\x00" in start:
        raise _not_csv()
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    header: list[str] | None = None
    statistics: Statistics | None = None
    level_at = -1
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if statistics is None:
                header = [h.strip().lower() for h in row[: sheets.MAX_COLUMNS]]
                _check_header(header)
                statistics = Statistics(name=name, header=header, rows=[])
                level_at = header.index("geographic_level")
                continue
            level = row[level_at].strip().lower() if level_at < len(row) else ""
            if level not in LEVELS:
                statistics.left_out += 1
                continue
            statistics.rows.append(row[: sheets.MAX_COLUMNS])
            statistics.lines.append(reader.line_num)
    except UnicodeDecodeError:
        raise _not_utf8(f"the text after line {reader.line_num}") from None
    except csv.Error as exc:
        raise SpreadsheetError(f"The CSV file could not be read: {exc}.") from None
    finally:
        text.detach()
    if statistics is None:
        raise SpreadsheetError("The file is empty.")
    if not statistics.rows and not statistics.left_out:
        raise SpreadsheetError(
            "The file has a header and no rows: it names its columns but holds no figures. "
            "Download the file again with the years and areas you want ticked."
        )
    if not statistics.rows:
        raise SpreadsheetError(
            f"The file has no national, regional or local authority rows (its "
            f"{statistics.left_out:,} rows are of other levels)."
        )
    return statistics


def _check_header(header: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in header]
    if not any(c in header for c in CODE_COLUMNS):
        missing.append("new_la_code or old_la_code")
    if missing:
        raise SpreadsheetError(
            f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
            "Published statistics files have the columns time_period, time_identifier, "
            "geographic_level, new_la_code, old_la_code and la_name, then one column per "
            "measure."
        )
    if not [h for h in header if h and h not in GEOGRAPHY]:
        raise SpreadsheetError("The file has no measure columns, only where and when.")


# --- periods and cells ---------------------------------------------------------

_SPLIT_YEAR = re.compile(r"^(\d{4})(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def read_period(time_period: str, time_identifier: str) -> tuple[int, str] | None:
    """The reporting year a period names, as (its starting year, how it was
    read), or None when it names none: "202021" is 2020-21; "2021" is the
    year to 31 March 2021, 2020-21."""
    text = time_period.strip()
    identifier = time_identifier.strip().lower()
    split = _SPLIT_YEAR.match(text)
    if split:
        first, second = int(split.group(1)), int(split.group(2))
        if (first + 1) % 100 != second:
            return None
        return first, f"{text} read as {year_label(first)}"
    single = _YEAR.match(text)
    if single and "calendar" not in identifier and "month" not in identifier:
        year = int(single.group(1))
        return year - 1, (
            f"{text} ({time_identifier.strip() or 'year'}) read as {year_label(year - 1)}, "
            f"the year to 31 March {year}"
        )
    return None


def read_cell(raw: str) -> tuple[Decimal | None, str] | None:
    """A measure cell as (value, "") or (None, marker), or None when it is
    neither a number nor a known marker. Blank is None, None: not given."""
    text = raw.strip()
    if text.lower() in MARKERS:
        return None, text.lower()
    if not text:
        return None, ""
    number = services.as_decimal(text)
    if number is None:
        return None
    return number, ""


# --- preview --------------------------------------------------------------------


@dataclass
class Item:
    """One figure the import would record."""

    indicator: Indicator
    what: str  # "value", or a comparator kind
    start_year: int
    value: Decimal | None
    marker: str
    status: str = "new"  # new, changed, unchanged
    old: str = ""
    revises: str = ""
    area_name: str = ""
    neighbours_used: int | None = None
    neighbours_listed: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def period(self) -> str:
        return year_label(self.start_year)

    @property
    def shown(self) -> str:
        if self.marker:
            return marker_words(self.marker)
        return format_number(self.value, self.indicator.unit)

    @property
    def area(self) -> str:
        if self.what == "value":
            return "The board's area"
        if self.what == Comparator.Kind.REGION:
            return f"Region: {self.area_name}"
        if self.what == Comparator.Kind.NEIGHBOURS:
            return f"Statistical neighbours (average of {self.neighbours_used} of {self.neighbours_listed})"
        return "England"


@dataclass
class Preview:
    authority: str
    items: list[Item] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors and not any(i.problems for i in self.items)

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in ("new", "changed", "unchanged")}

    @property
    def suppressed(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for item in self.items:
            if item.marker:
                counts[item.marker] = counts.get(item.marker, 0) + 1
        return [(marker_words(m), n) for m, n in sorted(counts.items())]


def _source_key(publication: str) -> str:
    return ("ees-" + slugify(publication))[:80]


def preview_statistics(  # noqa: C901
    *,
    board: Board,
    statistics: Statistics,
    authority: str,
    mapping: dict[str, str],
    publication: str,
) -> Preview:
    """What the import would record, without saving anything. Four queries."""
    preview = Preview(authority=authority)
    indicators = {
        i.code: i for i in Indicator.objects.filter(board=board, code__in=mapping.values())
    }
    unknown = [code for code in mapping.values() if code not in indicators]
    if unknown:
        preview.errors.append(f"The board has no indicator {', '.join(unknown)}.")
        return preview
    authority = authority.strip().upper()
    if authority not in {code for code, _ in statistics.authorities}:
        preview.errors.append(
            f"The file has no local authority with the code {authority!r}: choose one it holds."
        )
        return preview
    neighbours = list(StatisticalNeighbour.objects.filter(board=board))
    neighbour_by_code = {code: n.la_code for n in neighbours for code in n.codes}
    own_codes: set[str] = set()
    region = ""
    own: dict[int, list[str]] = {}
    england: dict[int, list[str]] = {}
    regions: dict[tuple[int, str], list[str]] = {}
    neighbour_rows: dict[tuple[int, str], list[str]] = {}
    neighbours_found: set[str] = set()
    file_codes: list[str] = []
    chosen_periods: dict[int, str] = {}
    for index, row in enumerate(statistics.rows):
        number = statistics.line(index)
        level = statistics.column(row, "geographic_level").lower()
        codes = statistics.codes(row)
        mine = statistics.code(row) == authority
        neighbour = next((neighbour_by_code[c] for c in codes if c in neighbour_by_code), "")
        if level == LOCAL_AUTHORITY:
            if len(file_codes) < 2 and codes:
                file_codes.append(" / ".join(sorted(codes)))
            if neighbour:
                neighbours_found.add(neighbour)
        relevant = level in (NATIONAL, REGIONAL) or (
            level == LOCAL_AUTHORITY and (mine or neighbour)
        )
        if not relevant:
            continue
        period = read_period(
            statistics.column(row, "time_period"), statistics.column(row, "time_identifier")
        )
        if period is None:
            preview.errors.append(
                f"Row {number}, column time_period: the period "
                f"{statistics.column(row, 'time_period')!r} "
                f"({statistics.column(row, 'time_identifier') or 'no time identifier'}) is not a "
                "reporting year Assure can read: it reads 2021 (the year to March 2021) and 202021."
            )
            continue
        start, words = period
        chosen_periods.setdefault(start, words)
        key: Any
        key_rows: dict[Any, list[str]]
        if level == NATIONAL:
            key, key_rows = start, england
        elif level == REGIONAL:
            key, key_rows = (start, statistics.column(row, "region_name")), regions
        elif mine:
            key, key_rows = start, own
            own_codes |= codes
            region = region or statistics.column(row, "region_name")
        else:
            key, key_rows = (start, neighbour), neighbour_rows
        if key in key_rows:
            preview.errors.append(
                f"Row {number}: a second row for the same area and period. Assure imports files "
                "with one row per area and period: filter the file to one breakdown first."
            )
            continue
        key_rows[key] = [*row, str(number)]
    clash = sorted(n.la_name or n.la_code for n in neighbours if n.codes & own_codes)
    if clash:
        preview.errors.append(
            f"The board's neighbour list names its own authority ({', '.join(clash)}): upload "
            "the list of its neighbours again without it."
        )
    if neighbours and not neighbours_found:
        listed_codes = ", ".join(n.la_code for n in neighbours[:5])
        preview.errors.append(
            f"None of the board's {len(neighbours)} statistical neighbours ({listed_codes}"
            f"{' ...' if len(neighbours) > 5 else ''}) matches a local authority row of this "
            f"file, whose authorities have codes such as {' and '.join(file_codes) or 'none'}. "
            "Check the neighbour list (its codes, or that it is the list for this board) "
            "before importing: an average of no neighbours would be no average."
        )
    preview.periods = [chosen_periods[s] for s in sorted(chosen_periods)]
    if not own:
        preview.errors.append("The file has no rows for that local authority.")
    listed = len(neighbours)
    for measure, code in mapping.items():
        indicator = indicators[code]
        column = statistics.header.index(measure)
        for start, row in sorted(own.items()):
            _add_item(preview, indicator, "value", start, row, column, measure)
        for start, row in sorted(england.items()):
            _add_item(preview, indicator, Comparator.Kind.ENGLAND, start, row, column, measure)
        for (start, name), row in sorted(regions.items()):
            if name and name == region:
                item = _add_item(
                    preview, indicator, Comparator.Kind.REGION, start, row, column, measure
                )
                if item:
                    item.area_name = name
        if listed:
            for start in sorted(own):
                _neighbour_item(
                    preview,
                    indicator,
                    start,
                    neighbour_rows,
                    [n.la_code for n in neighbours],
                    column,
                    measure,
                )
    if neighbours:
        missing = [n.la_code for n in neighbours if n.la_code not in neighbours_found]
        if missing and neighbours_found:
            preview.notes.append(
                f"The file has no rows for {len(missing)} of the board's {listed} neighbours "
                f"({', '.join(missing)}); the average leaves them out."
            )
    else:
        preview.notes.append(
            "The board has no statistical neighbour list yet, so no neighbours' average is made."
        )
    _compare_with_saved(preview, _source_key(publication))
    return preview


def _add_item(
    preview: Preview,
    indicator: Indicator,
    what: str,
    start: int,
    row: list[str],
    column: int,
    measure: str,
) -> Item | None:
    raw = row[column] if column < len(row) - 1 else ""
    cell = read_cell(raw)
    if cell is None:
        preview.errors.append(
            f"Row {row[-1]}, column {measure}: {raw.strip()!r} is neither a number nor a "
            "suppression marker (c, x, z, u, k or low)."
        )
        return None
    value, marker = cell
    if value is None and not marker:
        return None  # blank: the file does not give it
    item = Item(indicator=indicator, what=what, start_year=start, value=value, marker=marker)
    if value is not None:
        item.problems.extend(
            f"Row {row[-1]}, column {measure}: {m}" for m in _figure_problems(item)
        )
    preview.items.append(item)
    return item


def _figure_problems(item: Item) -> list[str]:
    """The rules the save applies to the item's figure, asked of the same
    service functions (a value's unit, or `comparator_number_problems`), so
    a preview that passes is never refused at confirm."""
    if item.value is None:
        return []
    if item.what == "value":
        found = services.number_problems(item.indicator.unit, item.value)
    else:
        found = services.comparator_number_problems(
            unit=item.indicator.unit, kind=item.what, number=item.value
        )
    return [message for messages in found.values() for message in messages]


def _neighbour_item(
    preview: Preview,
    indicator: Indicator,
    start: int,
    rows: dict[tuple[int, str], list[str]],
    neighbours: list[str],
    column: int,
    measure: str,
) -> None:
    used: list[Decimal] = []
    for code in neighbours:
        row = rows.get((start, code))
        if row is None:
            continue
        raw = row[column] if column < len(row) - 1 else ""
        cell = read_cell(raw)
        if cell is None:
            preview.errors.append(
                f"Row {row[-1]}, column {measure}: {raw.strip()!r} is neither a number nor a "
                "suppression marker (c, x, z, u, k or low)."
            )
            continue
        if cell[0] is not None:
            used.append(cell[0])
    if not used:
        return
    average = (sum(used, Decimal(0)) / len(used)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    item = Item(
        indicator=indicator,
        what=Comparator.Kind.NEIGHBOURS,
        start_year=start,
        value=average,
        marker="",
        neighbours_used=len(used),
        neighbours_listed=len(neighbours),
    )
    item.problems.extend(
        f"The neighbours' average for {year_label(start)}, column {measure}: {m}"
        for m in _figure_problems(item)
    )
    preview.items.append(item)


def fingerprint(preview: Preview) -> str:
    """What a preview would record, as a hash: the page keeps it with the
    confirmed import, and the background import saves only a preview that
    hashes the same, so nothing is saved that the business manager did not see."""
    # Sorted: the order of the items follows the mapping's keys, and
    # PostgreSQL's jsonb keeps keys in an order of its own, so the background
    # import may rebuild the same preview in another order.
    items = sorted(
        json.dumps([i.indicator.code, i.what, i.start_year, str(i.value), i.marker, i.status])
        for i in preview.items
    )
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()


def _compare_with_saved(preview: Preview, source_key: str) -> None:
    """Mark each item new, changed or unchanged against what is saved. Two queries."""
    ids = {i.indicator.pk for i in preview.items}
    values: dict[tuple[int, int], list[IndicatorValue]] = {}
    for value in IndicatorValue.objects.filter(
        indicator_id__in=ids, period_kind=PeriodKind.YEAR
    ).select_related("source"):
        values.setdefault((value.indicator_id, value.period_start.year), []).append(value)
    comparators = {
        (c.indicator_id, c.kind, c.period_start.year): c
        for c in Comparator.objects.filter(indicator_id__in=ids, period_kind=PeriodKind.YEAR)
    }
    for item in preview.items:
        saved: Any
        if item.what == "value":
            editions = values.get((item.indicator.pk, item.start_year), [])
            saved = next((v for v in editions if v.source.key == source_key), None)
            if saved is None and editions:
                latest = max(editions, key=lambda v: v.edition)
                if (latest.value, latest.marker) != (item.value, item.marker):
                    item.revises = f"{_shown(latest)} from {latest.source.title}"
        else:
            saved = comparators.get((item.indicator.pk, item.what, item.start_year))
        if saved is None:
            item.status = "new"
            continue
        same = saved.marker == item.marker and (
            saved.value == item.value if item.value is not None else saved.value is None
        )
        if item.what == Comparator.Kind.NEIGHBOURS:
            same = same and saved.neighbours_used == item.neighbours_used
        item.status = "unchanged" if same else "changed"
        item.old = _shown(saved)


def _shown(record: Any) -> str:
    if record.marker:
        return marker_words(record.marker)
    return format_number(record.value, record.indicator.unit)


# --- save -------------------------------------------------------------------------


@transaction.atomic
def save_statistics(*, preview: Preview, publication: str) -> int:
    """Record every new or changed figure of a valid preview, in one
    transaction; unchanged figures are left as they are. Returns how many
    were recorded."""
    if not preview.valid:
        raise ValueError("A preview with errors cannot be saved.")
    source, _ = SourceDocument.objects.get_or_create(
        key=_source_key(publication),
        defaults={
            "title": publication.strip()[:300],
            "publisher": "Department for Education (explore education statistics)",
        },
    )
    saved = 0
    for item in preview.items:
        if item.status == "unchanged":
            continue
        start = _year_start(item.start_year)
        if item.what == "value":
            services.value_record(
                indicator=item.indicator,
                period_kind=PeriodKind.YEAR,
                period_start=start,
                source=source,
                value=item.value,
                marker=item.marker,
            )
        else:
            comparator = Comparator(
                indicator=item.indicator,
                kind=item.what,
                period_kind=PeriodKind.YEAR,
                period_start=start,
                value=item.value,
                marker=item.marker,
                source=source,
                area_name=item.area_name,
                neighbours_used=item.neighbours_used,
                neighbours_listed=item.neighbours_listed,
            )
            services.comparator_save(comparator=comparator)
        saved += 1
    return saved


def _year_start(start_year: int) -> datetime.date:
    return datetime.date(start_year, 4, 1)


# --- the neighbour list -------------------------------------------------------------

#: Header words for an authority's codes and name, in a list or in the model.
NEW_CODE_HEADERS = ("new_la_code", "new la code", "la code (new)", "new code", "la_code_new")
OLD_CODE_HEADERS = ("old_la_code", "old la code", "la number", "la no", "la_number", "old code")
CODE_HEADERS = ("la_code", "la code", "code")
NAME_HEADERS = ("la_name", "la name", "local authority", "authority", "name")
#: A neighbour column of the published model: "SN1", "SN 2", "Statistical
#: neighbour 3", "Neighbour 4" (and "SN1 name" or "SN1 code" where it gives both).
NEIGHBOUR_COLUMN = re.compile(
    r"^(?:sn|statistical neighbou?r|neighbou?r)\s*_?(\d{1,2})(?:\s*[-_ ]?\s*(name|code|la number|number))?$"
)
#: Rows the model may have above its header (a title, notes).
HEADER_SEARCH_ROWS = 20


@dataclass
class NeighbourTable:
    """A neighbour file's header, found in its first rows, and what each column is."""

    rows: list[list[str]]
    new_at: int | None
    old_at: int | None
    code_at: int | None
    name_at: int | None
    neighbour_columns: dict[int, list[int]]  # neighbour number: its columns


def _header_index(header: list[str], names: tuple[str, ...]) -> int | None:
    return next((header.index(n) for n in names if n in header), None)


def _neighbour_table(table: list[list[str]]) -> NeighbourTable:
    for at, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        header = [" ".join(str(h).strip().lower().split()) for h in row]
        found = NeighbourTable(
            rows=table[at + 1 :],
            new_at=_header_index(header, NEW_CODE_HEADERS),
            old_at=_header_index(header, OLD_CODE_HEADERS),
            code_at=_header_index(header, CODE_HEADERS),
            name_at=_header_index(header, NAME_HEADERS),
            neighbour_columns={},
        )
        for index, title in enumerate(header):
            match = NEIGHBOUR_COLUMN.match(title)
            if match:
                found.neighbour_columns.setdefault(int(match.group(1)), []).append(index)
        if {found.new_at, found.old_at, found.code_at} != {None}:
            return found
    raise SpreadsheetError(
        "The file has no column of authority codes in its first "
        f"{HEADER_SEARCH_ROWS} rows. A neighbour list has la_code (or new_la_code and "
        "old_la_code) and la_name columns, nearest first; the published statistical "
        "neighbour model has each authority's name, old three-digit and new nine-character "
        "codes, and its neighbours in columns SN1 to SN10."
    )


def _cell(row: list[Any], at: int | None) -> str:
    if at is None or at >= len(row) or row[at] is None:
        return ""
    value = row[at]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _codes_of(table: NeighbourTable, row: list[Any]) -> tuple[str, str]:
    """The row's (new code, old code), whichever columns hold them."""
    new, old = _cell(row, table.new_at).upper(), _cell(row, table.old_at)
    given = _cell(row, table.code_at).upper()
    if given and services.la_code_kind(given) == "new":
        new = new or given
    elif given:
        old = old or given
    if old.isdigit() and len(old) < 3:
        old = old.zfill(3)  # a spreadsheet reads 085 as the number 85
    return new, old


def _entry(new: str, old: str, name: str) -> tuple[str, str, str]:
    return (new or old, name, old if new else "")


def read_neighbours(
    content: bytes, *, name: str = "neighbours.csv", authority: str = ""
) -> list[tuple[str, str, str]]:
    """An uploaded neighbour file as (code, name, other code) triples,
    nearest first, or SpreadsheetError saying why not. Two layouts:

    - a list, one neighbour a row: la_code (or new_la_code and old_la_code,
      either kind of code) and la_name;
    - the published statistical neighbour model as downloaded (CSV or XLSX,
      title rows above its header allowed): one row per authority with its
      name, old and new codes, and its neighbours in columns SN1 to SN10 (by
      name or code). The row of `authority` (the board's authority, by name or
      either code) gives the neighbours; each neighbour's codes come from its
      own row of the model.
    """
    limit = settings.ASSURE_STATISTICS_MAX_BYTES
    if len(content) > limit:
        raise SpreadsheetError(
            f"The file is {sheets.describe_size(len(content))}; the largest Assure accepts is "
            f"{sheets.describe_size(limit)}."
        )
    raw = sheets.read_table(
        name,
        content,
        max_rows=5000,
        max_unpacked_bytes=settings.ASSURE_IMPORT_MAX_UNPACKED_BYTES,
    )
    table = _neighbour_table([[_cell(r, i) for i in range(len(r))] for r in raw])
    if not table.rows:
        raise SpreadsheetError("The file has a header and no rows: it names no neighbours.")
    if table.neighbour_columns:
        return _from_model(table, authority)
    if len(table.rows) > 50:
        raise SpreadsheetError("A neighbour list names at most 50 authorities.")
    return [_entry(*_codes_of(table, row), _cell(row, table.name_at)) for row in table.rows]


def _from_model(table: NeighbourTable, authority: str) -> list[tuple[str, str, str]]:  # noqa: C901
    wanted = authority.strip().lower()
    by_key: dict[str, tuple[str, str, str]] = {}
    mine: list[Any] | None = None
    for row in table.rows:
        new, old = _codes_of(table, row)
        la_name = _cell(row, table.name_at)
        entry = (new, old, la_name)
        for key in (new, old, la_name):
            if key:
                by_key.setdefault(key.lower(), entry)
        if wanted and wanted in {new.lower(), old.lower(), la_name.lower()}:
            mine = row
    if mine is None:
        raise SpreadsheetError(
            f"The model has no row for {authority or 'the board'}: give the board's authority "
            "as the model names it, or by its old three-digit or new nine-character code."
        )
    found: list[tuple[str, str, str]] = []
    for number in sorted(table.neighbour_columns):
        cells = [_cell(mine, at) for at in table.neighbour_columns[number]]
        cells = [c for c in cells if c]
        if not cells:
            continue
        known = next((by_key[c.lower()] for c in cells if c.lower() in by_key), None)
        if known is None:
            code = next((c.upper() for c in cells if services.la_code_kind(c.upper())), "")
            if not code:
                raise SpreadsheetError(
                    f"Neighbour {number} of {authority} ({cells[0]}) is not an authority the "
                    "model has a row for, and gives no code."
                )
            kind = services.la_code_kind(code)
            known = (code, "", "") if kind == "new" else ("", code, "")
            names = [c for c in cells if not services.la_code_kind(c.upper())]
            known = (known[0], known[1], names[0] if names else "")
        found.append(_entry(*known))
    if not found:
        raise SpreadsheetError(f"The model's row for {authority} names no neighbours.")
    return found
