"""Training figures from spreadsheets (CSV and XLSX), as training units keep
them: one row per period and delivery mode, or one row per course with its
date, sessions, places, bookings, attendance, no-shows and cancellations
(and, where the unit records them, its delegates by agency).

Which column holds what is settled first (training.columns: a column Assure
does not know is named and the person maps it to a field or ignores it).
Nothing is saved as the file is read. The preview says what every row
would do (new, changed, unchanged, or its errors, each naming the file's
own column) and, for courses, what each period they fall in would become:
a period with courses takes its courses delivered, places, bookings,
attendance, no-shows and cancellations from them, replacing what was
recorded there by hand, and the preview names each figure it replaces.
Only a preview with no errors is saved, in one transaction, through the
same services as the forms (training.services), so an import refuses what
a form refuses. Importing the same file again changes nothing.

Cells are read as training units write them: dates in several layouts
(12/06/2020, 12 June 2020, 2020-06-12, 12-Jun-20, a date cell),
percentages as "92%", 92 or 0.92 (a column whose plain numbers all lie
between 0 and 1 holds fractions, as a spreadsheet keeps a cell formatted
as a percentage), counts with thousands separators. What cannot be read
is named by row and column.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.http import HttpResponse
from django.utils import timezone

from board.models import Agency, Board, Group, ReportingYear
from board.services import FIRST_YEAR, YEARS_AHEAD
from core import spreadsheets as sheets
from training import selectors, services
from training.columns import (
    AGENCY,
    COURSE_COLUMNS,
    COURSES,
    IGNORE,
    PERIOD_COLUMNS,
    PERIODS,
    SpreadsheetError,
    Upload,
    apply,
    check_size,
    columns_of,
    mapping_problems,
    read_upload,
    suggest,
)
from training.forms import owners_for
from training.models import (
    COUNTS,
    MAX_COUNT,
    MAX_SESSIONS,
    STATED_RATES,
    Mode,
    TrainingCourse,
    TrainingFigures,
    quarter_of,
)

__all__ = [
    "COURSES",
    "COURSE_COLUMNS",
    "PERIODS",
    "PERIOD_COLUMNS",
    "SpreadsheetError",
    "check_size",
]

PERCENTS = ("satisfaction_pct", *STATED_RATES)
LABELS = {name: column for column, name in PERIOD_COLUMNS.items()}
COURSE_LABELS = {name: column for column, name in COURSE_COLUMNS.items()}
#: The counts a course row may give, beside its places.
COURSE_COUNTS = (
    "delegates_booked",
    "delegates_attended",
    "delegates_no_show",
    "cancellations",
    "late_cancellations",
)

#: The columns of Assure's course export: the import's own, what Assure
#: computes (read back as ignored), then one column per agency.
COURSE_EXPORT_COLUMNS = (
    "Owner",
    "Course",
    "Date",
    "Mode",
    "Sessions",
    "Places",
    "Delegates booked",
    "Delegates attended",
    "No-shows",
    "Cancellations",
    "Late cancellations",
    "Places filled %",
    "Attended of booked %",
    "Notes",
    "Places filled % as computed",
    "Attended of booked % as computed",
    "Agency not recorded",
)


# --- reading ----------------------------------------------------------------


def read_rows(
    name: str, content: bytes, agencies: list[Agency] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """What the file holds (PERIODS or COURSES) and its rows keyed by
    Assure's column names, when Assure knows every column; otherwise
    SpreadsheetError naming what the page would ask about. For scripts and
    tests: the page lets the person choose instead (training.columns)."""
    upload = read_upload(name, content)
    choices = suggest(upload, agencies or [])
    per_column, general = mapping_problems(upload.kind, choices)
    if per_column or general:
        what = "courses" if upload.kind == COURSES else "period figures"
        unknown = [c.heading for c in choices if not c.target]
        parts = [*general]
        if unknown:
            parts.append(f"Assure does not know the columns {', '.join(repr(u) for u in unknown)}")
        parts += [m for i, m in sorted(per_column.items()) if choices[i].target]
        raise SpreadsheetError(
            f"The columns are wrong for a file of {what}: " + "; ".join(parts) + "."
        )
    rows, _ = apply(upload, choices)
    return upload.kind, rows


# --- preview ----------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class RowResult:
    number: int  # the spreadsheet row, counting the header as row 1
    label: str = ""
    status: str = "unchanged"  # create, change, unchanged, error
    errors: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    record: Any = None
    #: A course's delegates by agency as the row changes them (None: the
    #: file has no agency column, so they stay as they are).
    agencies: dict[Agency, int | None] | None = None


@dataclass
class PeriodResult:
    """What a course import does to one period's figures."""

    label: str
    courses: int
    status: str = "unchanged"  # create, change, unchanged, error
    replaced: list[Change] = field(default_factory=list)
    by_hand: bool = False  # the period's figures were kept by hand, not from courses
    errors: list[str] = field(default_factory=list)


@dataclass
class Preview:
    kind: str
    rows: list[RowResult]
    periods: list[PeriodResult] = field(default_factory=list)
    #: How columns were read that a person may not expect (fractions as
    #: percentages), in words.
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def period_errors(self) -> list[PeriodResult]:
        return [p for p in self.periods if p.errors]

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.errors and not self.period_errors

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def changed(self) -> int:
        return self.count("change")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def noun(self) -> str:
        return "courses" if self.kind == COURSES else "periods"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


FRACTION, WHOLE, MIXED = "fraction", "whole", "mixed"


def _bare_number(raw: Any) -> Decimal | None:
    """A cell's number when it is written without a percent sign."""
    text = _text(raw).replace(",", "")
    if not text or text.endswith("%"):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _percent_scale(rows: list[dict[str, Any]], column: str) -> str:
    """How a column writes percentages without a sign: all between 0 and 1
    (FRACTION, as a spreadsheet keeps a cell formatted as a percentage),
    none strictly between 0 and 1 (WHOLE), or both kinds (MIXED: a value
    such as 0.92 there cannot be read either way)."""
    values = [v for v in (_bare_number(row.get(column)) for row in rows) if v is not None]
    if values and all(Decimal(0) <= v <= Decimal(1) for v in values) and any(values):
        return FRACTION
    if any(v > 1 for v in values) and any(Decimal(0) < v < Decimal(1) for v in values):
        return MIXED
    return WHOLE


class _Context:
    """What rows are checked against, read once per preview."""

    def __init__(
        self, board: Board, kind: str, rows: list[dict[str, Any]], headings: dict[str, str]
    ) -> None:
        self.board = board
        self.headings = headings
        self.owners: dict[str, Board | Group] = {}
        owners = owners_for(board)
        for _, owner in owners:
            names = [owner.slug, owner.name, owner.short_name]
            for name in names:
                if name:
                    self.owners.setdefault(name.casefold(), owner)
        self.owner_names = ", ".join(str(owner) for _, owner in owners)
        self.modes: dict[str, str] = {}
        for value, label in Mode.choices:
            self.modes[value.casefold()] = value
            self.modes[str(label).casefold()] = value
            self.modes[value.replace("-", " ").casefold()] = value
        self.last_year = timezone.localdate().year + YEARS_AHEAD
        columns = {name for row in rows[:1] for name in row}
        self.agencies: dict[str, Agency] = {}
        if any(name.startswith(AGENCY) for name in columns):
            self.agencies = {a.slug: a for a in Agency.objects.filter(slug__in=_slugs(columns))}
        labels = LABELS if kind == PERIODS else COURSE_LABELS
        self.scales = {
            column: _percent_scale(rows, column)
            for column in columns
            if labels.get(column) in PERCENTS or columns_of(kind).get(column) in PERCENTS
        }
        self._courses: dict[tuple[Any, ...], TrainingCourse] | None = None
        self._counts: dict[int, dict[Agency, int]] | None = None

    def heading(self, column: str) -> str:
        """The file's own name for one of Assure's columns."""
        return self.headings.get(column, column)

    def course(
        self, owner: Board | Group, day: datetime.date, mode: str, title: str
    ) -> TrainingCourse | None:
        """The course already recorded with this owner, date, mode and title:
        the owners' courses are read once, on the first course row."""
        if self._courses is None:
            boards = [o.pk for o in self.owners.values() if isinstance(o, Board)]
            groups = [o.pk for o in self.owners.values() if isinstance(o, Group)]
            found = TrainingCourse.objects.filter(Q(board_id__in=boards) | Q(group_id__in=groups))
            self._courses = {(c.board_id, c.group_id, c.date, c.mode, c.title): c for c in found}
        board_id, group_id = (owner.pk, None) if isinstance(owner, Board) else (None, owner.pk)
        return self._courses.get((board_id, group_id, day, mode, title))

    def agency_counts(self, course: TrainingCourse) -> dict[Agency, int]:
        """A recorded course's delegates by agency: every course's are read
        once, on the first row that needs them."""
        if course.pk is None:
            return {}
        if self._counts is None:
            self.course(self.board, datetime.date.min, "", "")  # the courses, read once
            assert self._courses is not None
            self._counts = services.course_agency_counts(c.pk for c in self._courses.values())
        return self._counts.get(course.pk, {})


def _slugs(columns: set[str]) -> list[str]:
    return [name[len(AGENCY) :] for name in columns if name.startswith(AGENCY)]


def _owner(context: _Context, row: dict[str, Any], result: RowResult) -> Board | Group | None:
    text = _text(row.get("Owner"))
    if not text:
        return context.board
    owner = context.owners.get(text.casefold())
    if owner is None:
        result.errors.append(
            f"The owner {text!r} is not this board or a pan-area group serving it "
            f"({context.owner_names}); leave it blank for the board."
        )
    return owner


def _mode(context: _Context, row: dict[str, Any], result: RowResult) -> str:
    text = _text(row.get("Mode"))
    mode = context.modes.get(text.casefold().replace("–", "-"))
    if mode is None:
        labels = ", ".join(str(label) for label in Mode.labels)
        if text:
            result.errors.append(
                f"The mode {text!r} is not a delivery mode Assure knows: {labels}."
            )
        else:
            result.errors.append(f"The mode is missing: give one of {labels}.")
        return ""
    return mode


_YEAR = re.compile(r"^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$")


def _year(context: _Context, row: dict[str, Any], result: RowResult) -> ReportingYear | None:
    text = _text(row.get("Year"))
    match = _YEAR.match(text)
    start = int(match.group(1)) if match else 0
    if match:
        end = int(match.group(2))
        if end != (start + 1) % (100 if len(match.group(2)) == 2 else 10_000):
            start = 0
    if not start:
        what = f"The year {text!r} is not a reporting year" if text else "The year is missing"
        result.errors.append(f"{what}: write it as 2020-21 (April 2020 to March 2021).")
        return None
    if not FIRST_YEAR <= start <= context.last_year:
        result.errors.append(
            f"The year {text} is outside the years Assure keeps ({FIRST_YEAR} to "
            f"{context.last_year})."
        )
        return None
    return ReportingYear.span(start)


_QUARTER = re.compile(r"^(?:q(?:uarter)?\s*)?([1-4])$")
WHOLE_YEAR_WORDS = ("", "year", "whole year", "the whole year", "all year", "total", "0")


def _quarter(row: dict[str, Any], result: RowResult) -> int | None:
    text = _text(row.get("Quarter")).casefold()
    if text in WHOLE_YEAR_WORDS:
        return None
    match = _QUARTER.match(text)
    if match is None:
        result.errors.append(
            f"The quarter {_text(row.get('Quarter'))!r} is not a period Assure knows: write 1 to 4 "
            "(or Q1 to Q4), or leave it blank for the whole year."
        )
        return None
    return int(match.group(1))


def _number(raw: Any, column: str, result: RowResult, *, percent: bool, scale: str = WHOLE) -> Any:
    """A count (a whole number, 0 or more) or a percentage (0 to 100, kept
    to 2 decimal places), or None for a blank cell; `column` names the cell
    in messages. A percentage written without its sign is read by its
    column's `scale`: in a column of fractions 0.92 is 92%."""
    text = _text(raw).replace(",", "")
    explicit = percent and text.endswith("%")
    if percent:
        text = text.removesuffix("%").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    shown = _text(raw)
    if value is None or not value.is_finite():
        kind = "a percentage, for example 94%" if percent else "a whole number, for example 12"
        result.errors.append(f"{column} is {shown!r}, which is not a number: give {kind}.")
        return None
    if percent and not explicit:
        if scale == FRACTION:
            value *= 100
        elif scale == MIXED and Decimal(0) < value < Decimal(1):
            result.errors.append(
                f"{column} is {shown}, in a column whose other percentages are whole numbers "
                f"such as 85: write {value * 100:f}% if it means that, or {shown}%."
            )
            return None
    problem = _percent_problem(value) if percent else _count_problem(value)
    if problem:
        result.errors.append(f"{column} is {shown}: {problem}")
        return None
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP) if percent else int(value)


def _percent_problem(value: Decimal) -> str:
    if not Decimal(0) <= value <= Decimal(100):
        return "a percentage lies between 0 and 100."
    return ""


def _count_problem(value: Decimal) -> str:
    if value < 0:
        return "a count cannot be less than 0."
    if value != value.to_integral_value():
        return "a count is a whole number."
    if value > MAX_COUNT:
        return f"a count cannot be more than {MAX_COUNT:,}."
    return ""


_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b", re.IGNORECASE)
_WEEKDAY = re.compile(r"^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*,?\s+", re.IGNORECASE)
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d-%m-%y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y/%m/%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B %y",
    "%d %b %y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d-%B-%Y",
    "%B %d %Y",
    "%b %d %Y",
)
#: Excel's day 0, for a date cell a CSV kept as its serial number.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def read_date(raw: Any) -> datetime.date | None:
    """A date as training units write it: ISO, day first with slashes,
    hyphens or dots, with the month in words ("12 June 2020", "Fri 12th
    Jun 2020", "12-Jun-20"), with a time after it, or as Excel's serial
    number (43994). Day first, as in England: 06/12/2020 is 6 December."""
    text = _TIME.sub("", _text(raw)).strip()
    text = _WEEKDAY.sub("", _ORDINAL.sub(r"\1", text)).replace(",", " ")
    text = re.sub(r"\bsept\b", "Sep", " ".join(text.split()), flags=re.IGNORECASE)
    if re.fullmatch(r"\d{5}", text):
        return _EXCEL_EPOCH + datetime.timedelta(days=int(text))
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def _date(raw: Any, column: str, result: RowResult) -> datetime.date | None:
    text = _text(raw)
    if not text:
        result.errors.append(f"{column} is blank: give the date the course ran.")
        return None
    day = read_date(raw)
    if day is None:
        result.errors.append(
            f"{column} is {text!r}, which is not a date Assure can read: write it as "
            "12/06/2020, 12 June 2020 or 2020-06-12 (day first)."
        )
    return day


def _check_cells(context: _Context, row: dict[str, Any], result: RowResult) -> None:
    for column, value in row.items():
        if isinstance(value, str) and "\x00" in value:
            result.errors.append(
                f"The {context.heading(column)} cell holds a NUL character (an invisible "
                "control character that Assure cannot store); remove it."
            )
        if isinstance(value, str) and len(value) > sheets.MAX_CELL_CHARACTERS:
            result.errors.append(
                f"The {context.heading(column)} cell is {len(value):,} characters long; a cell "
                f"may hold at most {sheets.MAX_CELL_CHARACTERS:,}."
            )


def _service_errors(problems: dict[str, list[str]], result: RowResult) -> None:
    """The service's refusals, which name their figures, as the row's errors."""
    for messages in problems.values():
        for message in messages:
            if message not in result.errors:
                result.errors.append(message)


def _owner_fields(owner: Board | Group) -> dict[str, Any]:
    if isinstance(owner, Board):
        return {"board": owner, "group": None}
    return {"board": None, "group": owner}


def _period_label(owner: Board | Group, mode: str, year: ReportingYear, quarter: int | None) -> str:
    period = f"{year.label} Q{quarter}" if quarter else f"{year.label} (whole year)"
    return f"{owner}: {Mode(mode).label.lower()}, {period}"


def _counts(
    context: _Context, row: dict[str, Any], columns: dict[str, str], result: RowResult
) -> dict[str, Any]:
    """The row's counts and percentages in the columns it has, by field."""
    values: dict[str, Any] = {}
    for column, name in columns.items():
        if column not in row or name not in (*COUNTS, *PERCENTS, "early_cancellations"):
            continue
        values[name] = _number(
            row.get(column),
            context.heading(column),
            result,
            percent=name in PERCENTS,
            scale=context.scales.get(column, WHOLE),
        )
    _cancellations(context, values, result)
    return values


def _cancellations(context: _Context, values: dict[str, Any], result: RowResult) -> None:
    """A file that counts early and late cancellations apart gives their
    total; one that gives the total and the early ones gives the late ones.
    Early cancellations are not kept on their own: they are the rest."""
    if "early_cancellations" not in values:
        return
    early = values.pop("early_cancellations")
    if early is None:
        return
    total, late = values.get("cancellations"), values.get("late_cancellations")
    early_h = context.heading("Early cancellations")
    if total is None and late is not None:
        values["cancellations"] = early + late
    elif total is not None and late is None:
        if early > total:
            result.errors.append(
                f"{early_h} ({early:,}) cannot be more than {context.heading('Cancellations')} "
                f"({total:,}): the early ones are some of them."
            )
        else:
            values["late_cancellations"] = total - early
    elif total is not None and late is not None:
        if early + late != total:
            result.errors.append(
                f"{early_h} ({early:,}) and {context.heading('Late cancellations')} ({late:,}) "
                f"come to {early + late:,}, not {context.heading('Cancellations')} "
                f"({total:,}): early and late are all the cancellations between them."
            )
    else:
        result.errors.append(
            f"{early_h} is given without the late cancellations or all of them: give one of "
            "those too, so Assure knows how many were cancelled."
        )


def _period_row(context: _Context, number: int, row: dict[str, Any]) -> RowResult:
    result = RowResult(number)
    _check_cells(context, row, result)
    owner = _owner(context, row, result)
    year = _year(context, row, result)
    quarter = _quarter(row, result)
    mode = _mode(context, row, result)
    values = _counts(context, row, PERIOD_COLUMNS, result)
    if "Notes" in row:
        values["notes"] = _text(row.get("Notes"))
    if owner is None or year is None or not mode or result.errors:
        return result
    result.label = _period_label(owner, mode, year, quarter)
    lookup = {"board_id": owner.pk} if isinstance(owner, Board) else {"group_id": owner.pk}
    period = {"quarter": quarter} if quarter else {"quarter__isnull": True}
    existing = (
        TrainingFigures.objects.filter(year__label=year.label, mode=mode, **lookup, **period)
        .select_related("board", "group", "year")
        .first()
    )
    figures = existing or TrainingFigures(
        **_owner_fields(owner), year=year, quarter=quarter, mode=mode
    )
    for name, value in values.items():
        old = getattr(figures, name)
        if old != value and not (name == "notes" and (old or "").strip() == value):
            result.changes.append(Change(LABELS[name], _shown(old), _shown(value)))
        setattr(figures, name, value)
    _service_errors(services.figures_problems(figures=figures, year=year), result)
    result.record = figures
    if existing is None:
        result.status = "create"
    elif result.changes:
        result.status = "change"
    return result


def _title(context: _Context, row: dict[str, Any], result: RowResult, above: str) -> str:
    title = _text(row.get("Course"))
    if not title:
        message = "The course title is missing."
        if above:
            message += (
                " If its cell is merged with the one above, unmerge it and give the title on "
                "every row: a merged cell holds its text in its first row only."
            )
        result.errors.append(message)
    elif len(title) > 200:
        result.errors.append("The course title is longer than 200 characters.")
    return title


def _course_values(
    context: _Context, row: dict[str, Any], course: TrainingCourse, result: RowResult
) -> dict[str, Any]:
    """The course's fields as the row gives them: sessions (a blank is one),
    places (or places per session times sessions), the counts, the rates
    stated and notes."""
    values = _counts(context, row, COURSE_COLUMNS, result)
    if "Sessions" in row:
        sessions = _number(row.get("Sessions"), context.heading("Sessions"), result, percent=False)
        values["sessions"] = 1 if sessions is None else sessions
    if "Places per session" in row:
        each = _number(
            row.get("Places per session"),
            context.heading("Places per session"),
            result,
            percent=False,
        )
        runs = values.get("sessions", course.sessions) or 1
        values["places_offered"] = None if each is None else each * runs
        if each is not None and each * runs > MAX_COUNT:
            result.errors.append(f"The places come to more than {MAX_COUNT:,}.")
    elif "Places" in row:
        values["places_offered"] = _number(
            row.get("Places"), context.heading("Places"), result, percent=False
        )
    if "Notes" in row:
        values["notes"] = _text(row.get("Notes"))
    if values.get("sessions", 1) > MAX_SESSIONS:
        result.errors.append(
            f"{context.heading('Sessions')} is {values['sessions']:,}: a course cannot have more "
            f"than {MAX_SESSIONS:,} sessions."
        )
    return values


def _agency_changes(
    context: _Context, row: dict[str, Any], result: RowResult
) -> dict[Agency, int | None] | None:
    """The delegates by agency the row gives: a count for each agency
    column, a blank or 0 for none from that agency."""
    columns = [name for name in row if name.startswith(AGENCY)]
    if not columns:
        return None
    changes: dict[Agency, int | None] = {}
    for column in columns:
        agency = context.agencies.get(column[len(AGENCY) :])
        count = _number(row.get(column), context.heading(column), result, percent=False)
        if agency is None:
            if not count:
                continue  # a blank cell of an unknown agency says nothing of it
            result.errors.append(
                f"{context.heading(column)}: the agency is not one Assure knows; add it first, "
                "or ignore the column."
            )
            continue
        changes[agency] = count or None
    return changes


def _course_row(context: _Context, number: int, row: dict[str, Any], above: str = "") -> RowResult:
    result = RowResult(number)
    _check_cells(context, row, result)
    owner = _owner(context, row, result)
    title = _title(context, row, result, above)
    day = _date(row.get("Date"), context.heading("Date"), result)
    mode = _mode(context, row, result)
    existing = context.course(owner, day, mode, title) if owner and day and mode and title else None
    course = existing or TrainingCourse(
        **_owner_fields(owner or context.board), title=title, mode=mode or Mode.OTHER
    )
    course.date = day  # type: ignore[assignment]
    values = _course_values(context, row, course, result)
    agencies = _agency_changes(context, row, result)
    if owner is None or day is None or not mode or not title or result.errors:
        return result
    result.label = f"{title}, {day:%-d %B %Y} ({Mode(mode).label.lower()}, {owner})"
    course.year = ReportingYear.span_of(day)
    course.quarter = quarter_of(day)
    for name, value in values.items():
        old = getattr(course, name)
        if old != value:
            result.changes.append(Change(COURSE_LABELS[name], _shown(old), _shown(value)))
        setattr(course, name, value)
    before = context.agency_counts(course)
    after = services.agency_counts_after(before, agencies)
    for agency in sorted(set(before) | set(after), key=lambda a: a.name.casefold()):
        if before.get(agency) != after.get(agency):
            result.changes.append(
                Change(
                    f"Delegates from {agency.short_name or agency.name}",
                    _shown(before.get(agency)),
                    _shown(after.get(agency)),
                )
            )
    _service_errors(services.course_problems(course=course), result)
    _service_errors(services.course_agency_problems(course=course, counts=after), result)
    result.record = course
    result.agencies = agencies
    if existing is None:
        result.status = "create"
    elif result.changes:
        result.status = "change"
    return result


def _period_effects(rows: list[RowResult]) -> list[PeriodResult]:
    """What each period the courses fall in would become: its courses as the
    import leaves them, added up, in place of its figures as they are."""
    courses = [r.record for r in rows if r.record is not None and not r.errors]
    if not courses:
        return []
    keys = {(c.board_id, c.group_id, c.year.label, c.quarter, c.mode): c for c in courses}
    effects = []
    for key, sample in sorted(keys.items(), key=lambda kv: (kv[0][2], kv[0][3], kv[0][4])):
        year = ReportingYear.span(int(key[2][:4]))
        in_file = {c.pk: c for c in courses if c.pk and _key(c) == key}
        period = [in_file.pop(c.pk, c) for c in services.period_courses(record=sample, year=year)]
        period += [c for c in courses if c.pk is None and _key(c) == key]
        existing = services.period_figures(record=sample, year=year)
        had_courses = services.period_courses(record=sample, year=year).exists()
        figures = existing or TrainingFigures(
            board_id=sample.board_id,
            group_id=sample.group_id,
            year=year,
            quarter=sample.quarter,
            mode=sample.mode,
        )
        owner = sample.board if sample.board_id else sample.group
        effect = PeriodResult(
            _period_label(owner, sample.mode, year, sample.quarter),  # type: ignore[arg-type]
            courses=len(period),
            by_hand=existing is not None and not had_courses,
        )
        for name, total in services.course_sums(period).items():
            old = getattr(figures, name)
            if old != total:
                effect.replaced.append(
                    Change(services.SUM_LABELS[name], _shown(old), _shown(total))
                )
            setattr(figures, name, total)
        problems = services.figures_problems(figures=figures, year=year, courses=period)
        effect.errors = [m for messages in problems.values() for m in messages]
        if effect.errors:
            effect.status = "error"
        elif existing is None:
            effect.status = "create"
        elif effect.replaced:
            effect.status = "change"
        effects.append(effect)
    return effects


def _key(course: TrainingCourse) -> tuple[Any, ...]:
    return (course.board_id, course.group_id, course.year.label, course.quarter, course.mode)


def _scale_notes(context: _Context) -> list[str]:
    return [
        f"{context.heading(column)} holds percentages as fractions, as a spreadsheet keeps a "
        "cell formatted as a percentage: 0.92 is read as 92%."
        for column, scale in sorted(context.scales.items())
        if scale == FRACTION
    ]


def preview_import(
    board: Board, kind: str, rows: list[dict[str, Any]], headings: dict[str, str] | None = None
) -> Preview:
    """What the rows (keyed by Assure's column names) would do to the
    board's training figures as they are now; `headings` gives the file's
    own name for each column, which messages use."""
    context = _Context(board, kind, rows, headings or {})
    results = []
    seen: dict[str, int] = {}
    above = ""
    for number, row in enumerate(rows, start=2):
        if kind == COURSES:
            result = _course_row(context, number, row, above)
            above = _text(row.get("Course"))
        else:
            result = _period_row(context, number, row)
        if result.label and not result.errors:
            if result.label in seen:
                result.errors.append(
                    f"Row {seen[result.label]} gives the same "
                    f"{'course' if kind == COURSES else 'period and mode'}; keep one of them."
                )
            else:
                seen[result.label] = number
        if result.errors:
            result.status = "error"
        results.append(result)
    preview = Preview(kind, results, notes=_scale_notes(context))
    if kind == COURSES and not preview.errors:
        preview.periods = _period_effects(results)
    return preview


@transaction.atomic
def import_save(
    *,
    board: Board,
    kind: str,
    rows: list[dict[str, Any]],
    headings: dict[str, str] | None = None,
) -> Preview:
    """Save the rows as a fresh preview shows them, or nothing: ValueError
    when the rows no longer check out. Each write goes through the services,
    which check again; a refusal there rolls the whole import back."""
    preview = preview_import(board, kind, rows, headings)
    if not preview.valid:
        raise ValueError("The import has errors; nothing was saved.")
    if kind == COURSES:
        saved = [r for r in preview.rows if r.status in ("create", "change")]
        services.courses_save(
            courses=[r.record for r in saved], resolved=True, agencies=[r.agencies for r in saved]
        )
    else:
        for result in preview.rows:
            if result.status in ("create", "change"):
                figures = result.record
                services.figures_save(figures=figures, year=figures.year)
    return preview


# --- the layouts to fill in ---------------------------------------------------

#: The columns of the period layout Assure writes: the import's, less the
#: early cancellations it only reads (the late ones and the total are kept).
PERIOD_EXPORT_COLUMNS = [c for c in PERIOD_COLUMNS if c != "Early cancellations"]


def period_rows(board: Board, year: ReportingYear) -> list[list[Any]]:
    """The year's period figures of the board and the groups serving it, in
    the layout the import reads: export, edit, import again."""
    owners = dict(owners_for(board))
    board_ids = [o.pk for o in owners.values() if isinstance(o, Board)]
    group_ids = [o.pk for o in owners.values() if isinstance(o, Group)]
    figures = TrainingFigures.objects.filter(year__label=year.label).filter(
        board_id__in=board_ids
    ) | TrainingFigures.objects.filter(year__label=year.label, group_id__in=group_ids)
    rows: list[list[Any]] = [PERIOD_EXPORT_COLUMNS]
    # The board's own rows first, then each group's, the whole year before its
    # quarters: the same order on SQLite and PostgreSQL, which place NULLs apart.
    for f in figures.select_related("board", "group", "year").order_by(
        F("group__name").asc(nulls_first=True), "mode", F("quarter").asc(nulls_first=True)
    ):
        cells = {
            "owner": "" if f.board_id else f.group.name,  # type: ignore[union-attr]
            "year": f.year.label,
            "quarter": f.quarter or "",
            "mode": Mode(f.mode).label,
        }
        rows.append(
            [
                cells[name] if name in cells else getattr(f, name)
                for name in (PERIOD_COLUMNS[column] for column in PERIOD_EXPORT_COLUMNS)
            ]
        )
    return rows


def layout_response(*, board: Board, year: ReportingYear, fmt: str) -> HttpResponse:
    return sheets.spreadsheet_response(
        period_rows(board, year),
        fmt=fmt,
        filename=f"{board.slug}-training-figures-{year.label}",
        sheet_title=f"Training figures {year.label}",
    )


def course_rows(rows: list[selectors.CourseRow]) -> list[list[Any]]:
    """Courses in the layout the course import reads, so a file exported,
    edited and imported again changes only what was edited: each course's
    own figures, what Assure computes (read back as ignored), then one
    column per agency counted, headed with its name."""
    agencies: dict[str, str] = {}
    for row in rows:
        for item in row.course.agencies.all():
            agencies.setdefault(item.agency.slug, item.agency.short_name or item.agency.name)
    order = sorted(agencies, key=lambda slug: agencies[slug].casefold())
    out: list[list[Any]] = [[*COURSE_EXPORT_COLUMNS, *(agencies[slug] for slug in order)]]
    for row in rows:
        c = row.course
        counts = {item.agency.slug: item.delegates for item in c.agencies.all()}
        out.append(
            [
                "" if c.board_id else row.owner.name,
                c.title,
                c.date,
                Mode(c.mode).label,
                c.sessions,
                *(
                    "" if getattr(c, name) is None else getattr(c, name)
                    for name in ("places_offered", *COURSE_COUNTS)
                ),
                *(
                    "" if getattr(c, name) is None else f"{getattr(c, name):f}%"
                    for name in (
                        "places_filled_pct",
                        "attendance_pct",
                    )
                ),
                c.notes,
                selectors.export_text(row.places_filled),
                selectors.export_text(row.attended_of_booked),
                "" if row.agency_not_recorded is None else row.agency_not_recorded,
                *(counts.get(slug, "") for slug in order),
            ]
        )
    return out


def courses_response(*, board: Board, year: ReportingYear, fmt: str) -> HttpResponse:
    courses = selectors.courses_for_year(board=board, year=year)
    return sheets.spreadsheet_response(
        course_rows(selectors.course_rows(courses)),
        fmt=fmt,
        filename=f"{board.slug}-training-courses-{year.label}",
        sheet_title=f"Training courses {year.label}",
    )


def choices_for(board: Board, upload: Upload, remembered: dict[str, str] | None = None) -> Any:
    """The columns of an upload as the page first shows them."""
    return suggest(upload, selectors.known_agencies(board=board), remembered)


__all__ += ["IGNORE", "read_upload"]
