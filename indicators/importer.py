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
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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

REQUIRED = ("time_period", "time_identifier", "geographic_level", "new_la_code", "la_name")
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
MARKERS = set(Marker.values)


@dataclass
class Statistics:
    """An uploaded file, read: plain JSON, so it can wait in the session."""

    name: str
    header: list[str]
    rows: list[list[str]]

    def column(self, row: list[str], name: str) -> str:
        index = self.header.index(name) if name in self.header else -1
        return row[index].strip() if 0 <= index < len(row) else ""

    @property
    def measures(self) -> list[str]:
        return [h for h in self.header if h and h not in GEOGRAPHY]

    @property
    def authorities(self) -> list[tuple[str, str]]:
        found: dict[str, str] = {}
        for row in self.rows:
            if self.column(row, "geographic_level").lower() == LOCAL_AUTHORITY:
                code = self.column(row, "new_la_code")
                if code:
                    found.setdefault(code, self.column(row, "la_name"))
        return sorted(((code, f"{name} ({code})") for code, name in found.items()), key=_second)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "header": self.header, "rows": self.rows}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Statistics:
        return cls(name=data["name"], header=data["header"], rows=data["rows"])


def _second(pair: tuple[str, str]) -> str:
    return pair[1]


def read_statistics(name: str, content: bytes) -> Statistics:  # noqa: C901
    """The uploaded file as header and rows, or SpreadsheetError saying why not."""
    limit = settings.ASSURE_MAX_UPLOAD_BYTES
    if len(content) > limit:
        raise SpreadsheetError(
            f"The file is {sheets.describe_size(len(content))}; the largest Assure accepts is "
            f"{sheets.describe_size(limit)}."
        )
    if not content.strip():
        raise SpreadsheetError("The file is empty.")
    if content[:4] == b"PK\x03\x04" or b"\x00" in content[:2048]:
        raise SpreadsheetError(
            "The file is not a CSV file. Download the data as CSV from explore education "
            "statistics and upload that."
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read). Published "
            "statistics files are UTF-8: upload the file as downloaded, or save it again as "
            "“CSV UTF-8”."
        ) from None
    max_rows = settings.ASSURE_IMPORT_MAX_ROWS
    table: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text)):
            if not any(cell.strip() for cell in row):
                continue
            table.append(row[: sheets.MAX_COLUMNS])
            if len(table) > max_rows + 1:
                raise SpreadsheetError(
                    f"The file has more than {max_rows:,} rows; Assure imports at most "
                    f"{max_rows:,} rows at a time. Filter it to fewer years or areas first."
                )
    except csv.Error as exc:
        raise SpreadsheetError(f"The CSV file could not be read: {exc}.") from None
    if not table:
        raise SpreadsheetError("The file is empty.")
    header = [h.strip().lower() for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SpreadsheetError(
            f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
            "Published statistics files have the columns time_period, time_identifier, "
            "geographic_level, new_la_code and la_name, then one column per measure."
        )
    statistics = Statistics(name=name, header=header, rows=table[1:])
    if not statistics.measures:
        raise SpreadsheetError("The file has no measure columns, only where and when.")
    return statistics


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
    if authority not in {code for code, _ in statistics.authorities}:
        preview.errors.append(
            f"The file has no local authority with the code {authority!r}: choose one it holds."
        )
        return preview
    neighbours = list(
        StatisticalNeighbour.objects.filter(board=board).values_list("la_code", flat=True)
    )
    region = ""
    own: dict[int, list[str]] = {}
    england: dict[int, list[str]] = {}
    regions: dict[tuple[int, str], list[str]] = {}
    neighbour_rows: dict[tuple[int, str], list[str]] = {}
    chosen_periods: dict[int, str] = {}
    for number, row in enumerate(statistics.rows, start=2):
        level = statistics.column(row, "geographic_level").lower()
        code = statistics.column(row, "new_la_code")
        relevant = level in (NATIONAL, REGIONAL) or (
            level == LOCAL_AUTHORITY and (code == authority or code in neighbours)
        )
        if not relevant:
            continue
        period = read_period(
            statistics.column(row, "time_period"), statistics.column(row, "time_identifier")
        )
        if period is None:
            preview.errors.append(
                f"Row {number}: the period {statistics.column(row, 'time_period')!r} "
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
        elif code == authority:
            key, key_rows = start, own
            region = region or statistics.column(row, "region_name")
        else:
            key, key_rows = (start, code), neighbour_rows
        if key in key_rows:
            preview.errors.append(
                f"Row {number}: a second row for the same area and period. Assure imports files "
                "with one row per area and period: filter the file to one breakdown first."
            )
            continue
        key_rows[key] = [*row, str(number)]
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
                    preview, indicator, start, neighbour_rows, neighbours, column, measure
                )
    if neighbours:
        missing = sorted({n for n in neighbours if not any(k[1] == n for k in neighbour_rows)})
        if missing:
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
        unit = indicator.unit if what == "value" else _comparator_unit(indicator)
        for messages in services.number_problems(unit, value).values():
            item.problems.extend(f"Row {row[-1]}, column {measure}: {m}" for m in messages)
    preview.items.append(item)
    return item


def _comparator_unit(indicator: Indicator) -> str:
    """Comparators of a count may be averages: checked as figures, not counts."""
    return Indicator.Unit.RATE if indicator.unit == Indicator.Unit.COUNT else indicator.unit


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
    preview.items.append(
        Item(
            indicator=indicator,
            what=Comparator.Kind.NEIGHBOURS,
            start_year=start,
            value=average,
            marker="",
            neighbours_used=len(used),
            neighbours_listed=len(neighbours),
        )
    )


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
                first = max(editions, key=lambda v: v.edition)
                item.revises = f"{_shown(first)} from {first.source.title}"
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


def read_neighbours(content: bytes) -> list[tuple[str, str]]:
    """An uploaded neighbour list (columns la_code and la_name, nearest
    first) as (code, name) pairs, or SpreadsheetError."""
    if content[:4] == b"PK\x03\x04" or b"\x00" in content[:2048]:
        raise SpreadsheetError("The file is not a CSV file.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            "The file is not UTF-8 text: save it again as “CSV UTF-8”."
        ) from None
    try:
        rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise SpreadsheetError(f"The CSV file could not be read: {exc}.") from None
    if not rows:
        raise SpreadsheetError("The file is empty.")
    header = [h.strip().lower() for h in rows[0]]
    if "la_code" not in header:
        raise SpreadsheetError("The file has no la_code column: give each neighbour's code.")
    code_at = header.index("la_code")
    name_at = header.index("la_name") if "la_name" in header else None
    pairs = []
    for row in rows[1:51]:
        code = row[code_at].strip() if code_at < len(row) else ""
        name = row[name_at].strip() if name_at is not None and name_at < len(row) else ""
        pairs.append((code, name))
    if len(rows) > 51:
        raise SpreadsheetError("A neighbour list names at most 50 authorities.")
    return pairs
