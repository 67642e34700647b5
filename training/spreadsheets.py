"""Training figures from spreadsheets (CSV and XLSX), as training units keep
them: one row per period and delivery mode, or one row per course with its
date, places and attendance.

Nothing is saved as the file is read. The preview says what every row would
do (new, changed, unchanged, or its errors) and, for courses, what each
period they fall in would become: a period with courses takes its courses,
places, bookings and attendance from them, replacing what was recorded there
by hand, and the preview names each figure it replaces. Only a preview with
no errors is saved, in one transaction, through the same services as the
forms (training.services), so an import refuses what a form refuses.
Importing the same file again changes nothing.

The file is read by core.spreadsheets (size, row and unpacked-size limits;
cells the export wrote formula-escaped read back as their text).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpResponse
from django.utils import timezone

from board.models import Board, Group, ReportingYear
from board.services import FIRST_YEAR, YEARS_AHEAD
from core import spreadsheets as sheets
from training import services
from training.forms import owners_for
from training.models import (
    COUNTS,
    COURSE_SUMS,
    MAX_COUNT,
    STATED_RATES,
    Mode,
    TrainingCourse,
    TrainingFigures,
    quarter_of,
)

SpreadsheetError = sheets.SpreadsheetError

PERIODS, COURSES = "periods", "courses"

#: The columns of a file of period figures: the column's name and the field.
PERIOD_COLUMNS = {
    "Owner": "owner",
    "Year": "year",
    "Quarter": "quarter",
    "Mode": "mode",
    "Courses delivered": "courses_delivered",
    "Places offered": "places_offered",
    "Delegates booked": "delegates_booked",
    "Delegates attended": "delegates_attended",
    "Learners registered": "learners_registered",
    "Learners completed": "learners_completed",
    "Learners passed": "learners_passed",
    "Satisfaction %": "satisfaction_pct",
    "Places filled %": "places_filled_pct",
    "Completion %": "completion_pct",
    "Pass rate %": "pass_rate_pct",
    "Notes": "notes",
}
PERIOD_REQUIRED = ("Year", "Quarter", "Mode")

#: The columns of a file of courses.
COURSE_COLUMNS = {
    "Owner": "owner",
    "Course": "title",
    "Date": "date",
    "Mode": "mode",
    "Places": "places_offered",
    "Delegates booked": "delegates_booked",
    "Delegates attended": "delegates_attended",
    "Notes": "notes",
}
COURSE_REQUIRED = ("Course", "Date", "Mode", "Places", "Delegates attended")

#: Other names training units give the same columns (compared ignoring case).
ALIASES = {
    "capacity": "Places",
    "places offered": "Places",
    "attendance": "Delegates attended",
    "attended": "Delegates attended",
    "booked": "Delegates booked",
    "delivery mode": "Mode",
    "period": "Quarter",
    "reporting year": "Year",
    "course title": "Course",
    "title": "Course",
}

PERCENTS = ("satisfaction_pct", *STATED_RATES)
LABELS = {name: column for column, name in PERIOD_COLUMNS.items()}
COURSE_LABELS = {name: column for column, name in COURSE_COLUMNS.items()}


# --- reading ----------------------------------------------------------------


def check_size(size: int) -> None:
    limit = settings.ASSURE_MAX_UPLOAD_BYTES
    if size > limit:
        raise SpreadsheetError(
            f"The file is {sheets.describe_size(size)}; the largest Assure accepts is "
            f"{sheets.describe_size(limit)}."
        )


def _check_encoding(content: bytes) -> None:
    """Text Assure would misread: UTF-16 (which Excel's "Unicode text" writes)
    and text with NUL characters, which no spreadsheet's CSV holds."""
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SpreadsheetError(
            "The file is saved as UTF-16 text, which Assure cannot read: save it as "
            '"CSV UTF-8" or as an Excel workbook (XLSX).'
        )


def _canonical(header: str, columns: dict[str, str]) -> str:
    known = {c.casefold(): c for c in columns}
    text = " ".join(header.split())
    found = known.get(text.casefold()) or ALIASES.get(text.casefold(), "")
    return found if found in columns else text


def _kind(header: list[str]) -> str:
    folded = {h.casefold() for h in header}
    if "date" in folded:
        return COURSES
    return PERIODS


def read_rows(name: str, content: bytes) -> tuple[str, list[dict[str, Any]]]:
    """What the file holds (PERIODS or COURSES) and its rows as dicts keyed
    by the columns it has, or SpreadsheetError. Values stay plain JSON so
    the rows can wait in the session for the confirm."""
    check_size(len(content))
    if content[:4] != b"PK\x03\x04":
        _check_encoding(content)
    table = sheets.read_table(
        name,
        content,
        max_rows=settings.ASSURE_IMPORT_MAX_ROWS,
        max_unpacked_bytes=settings.ASSURE_IMPORT_MAX_UNPACKED_BYTES,
    )
    raw = [str(h).strip() if h is not None else "" for h in table[0]]
    kind = _kind(raw)
    columns = COURSE_COLUMNS if kind == COURSES else PERIOD_COLUMNS
    required = COURSE_REQUIRED if kind == COURSES else PERIOD_REQUIRED
    header = [_canonical(h, columns) if h else "" for h in raw]
    unknown = [h for h in header if h and h not in columns]
    missing = [c for c in required if c not in header]
    if unknown or missing:
        what = "courses" if kind == COURSES else "period figures"
        parts = []
        if missing:
            parts.append(f"it has no {' or '.join(repr(m) for m in missing)} column")
        if unknown:
            parts.append(f"Assure does not know the columns {', '.join(repr(u) for u in unknown)}")
        raise SpreadsheetError(
            f"The columns are wrong for a file of {what}: "
            + "; ".join(parts)
            + f". The columns are: {', '.join(columns)}"
            + (
                " (a file of courses has a Date column)."
                if kind == PERIODS
                else " (a file of period figures has no Date column)."
            )
        )
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if repeated:
        raise SpreadsheetError(
            f"The columns are wrong: {', '.join(repr(h) for h in repeated)} appears more than "
            "once; keep one of each."
        )
    rows = []
    for values in table[1:]:
        padded = list(values) + [None] * (len(header) - len(values))
        rows.append({h: padded[i] for i, h in enumerate(header) if h})
    return kind, rows


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


class _Context:
    """What rows are checked against, read once per preview."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.owners: dict[str, Board | Group] = {}
        for _, owner in owners_for(board):
            names = [owner.slug, owner.name, owner.short_name]
            for name in names:
                if name:
                    self.owners.setdefault(name.casefold(), owner)
        self.owner_names = ", ".join(str(owner) for _, owner in owners_for(board))
        self.modes: dict[str, str] = {}
        for value, label in Mode.choices:
            self.modes[value.casefold()] = value
            self.modes[str(label).casefold()] = value
            self.modes[value.replace("-", " ").casefold()] = value
        self.last_year = timezone.localdate().year + YEARS_AHEAD
        self._courses: dict[tuple[Any, ...], TrainingCourse] | None = None

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


def _number(raw: Any, column: str, result: RowResult, *, percent: bool) -> Any:
    """A count (a whole number, 0 or more) or a percentage (0 to 100), or
    None for a blank cell; `column` names the cell in messages."""
    text = _text(raw).replace(",", "")
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
        kind = "a percentage, for example 94" if percent else "a whole number, for example 12"
        result.errors.append(f"{column} is {shown!r}, which is not a number: give {kind}.")
        return None
    problem = _percent_problem(value) if percent else _count_problem(value)
    if problem:
        result.errors.append(f"{column} is {shown}: {problem}")
        return None
    return value.quantize(Decimal("0.01")) if percent else int(value)


def _percent_problem(value: Decimal) -> str:
    if not Decimal(0) <= value <= Decimal(100):
        return "a percentage lies between 0 and 100."
    if value != value.quantize(Decimal("0.01")):
        return "give it to at most 2 decimal places."
    return ""


def _count_problem(value: Decimal) -> str:
    if value < 0:
        return "a count cannot be less than 0."
    if value != value.to_integral_value():
        return "a count is a whole number."
    if value > MAX_COUNT:
        return f"a count cannot be more than {MAX_COUNT:,}."
    return ""


def _date(raw: Any, result: RowResult) -> datetime.date | None:
    text = _text(raw)
    if not text:
        result.errors.append("The date is missing: give the date the course ran.")
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    result.errors.append(f"The date {text!r} is not a date; write it as 2020-06-12 or 12/06/2020.")
    return None


def _check_cells(row: dict[str, Any], result: RowResult) -> None:
    for column, value in row.items():
        if isinstance(value, str) and "\x00" in value:
            result.errors.append(
                f"The {column} cell holds a NUL character (an invisible control character "
                "that Assure cannot store); remove it."
            )
        if isinstance(value, str) and len(value) > sheets.MAX_CELL_CHARACTERS:
            result.errors.append(
                f"The {column} cell is {len(value):,} characters long; a cell may hold at most "
                f"{sheets.MAX_CELL_CHARACTERS:,}."
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


def _period_row(context: _Context, number: int, row: dict[str, Any]) -> RowResult:
    result = RowResult(number)
    _check_cells(row, result)
    owner = _owner(context, row, result)
    year = _year(context, row, result)
    quarter = _quarter(row, result)
    mode = _mode(context, row, result)
    values: dict[str, Any] = {}
    for column, name in PERIOD_COLUMNS.items():
        if column not in row or name in ("owner", "year", "quarter", "mode"):
            continue
        if name == "notes":
            values[name] = _text(row.get(column))
        else:
            values[name] = _number(row.get(column), column, result, percent=name in PERCENTS)
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


def _course_row(context: _Context, number: int, row: dict[str, Any]) -> RowResult:
    result = RowResult(number)
    _check_cells(row, result)
    owner = _owner(context, row, result)
    title = _text(row.get("Course"))
    if not title:
        result.errors.append("The course title is missing.")
    elif len(title) > 200:
        result.errors.append("The course title is longer than 200 characters.")
    day = _date(row.get("Date"), result)
    mode = _mode(context, row, result)
    counts = {
        name: _number(row.get(column), column, result, percent=False)
        for column, name in COURSE_COLUMNS.items()
        if column in row and name in COURSE_SUMS
    }
    if owner is None or day is None or not mode or not title or result.errors:
        return result
    result.label = f"{title}, {day:%-d %B %Y} ({Mode(mode).label.lower()}, {owner})"
    existing = context.course(owner, day, mode, title)
    course = existing or TrainingCourse(**_owner_fields(owner), title=title, date=day, mode=mode)
    course.year = ReportingYear.span_of(day)
    course.quarter = quarter_of(day)
    values = {**counts}
    if "Notes" in row:
        values["notes"] = _text(row.get("Notes"))
    for name, value in values.items():
        old = getattr(course, name)
        if old != value:
            result.changes.append(Change(COURSE_LABELS[name], _shown(old), _shown(value)))
        setattr(course, name, value)
    _service_errors(services.course_problems(course=course), result)
    result.record = course
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


def preview_import(board: Board, kind: str, rows: list[dict[str, Any]]) -> Preview:
    """What the rows would do to the board's training figures as they are now."""
    context = _Context(board)
    check = _course_row if kind == COURSES else _period_row
    results = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        result = check(context, number, row)
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
    preview = Preview(kind, results)
    if kind == COURSES and not preview.errors:
        preview.periods = _period_effects(results)
    return preview


@transaction.atomic
def import_save(*, board: Board, kind: str, rows: list[dict[str, Any]]) -> Preview:
    """Save the rows as a fresh preview shows them, or nothing: ValueError
    when the rows no longer check out. Each write goes through the services,
    which check again; a refusal there rolls the whole import back."""
    preview = preview_import(board, kind, rows)
    if not preview.valid:
        raise ValueError("The import has errors; nothing was saved.")
    if kind == COURSES:
        services.courses_save(
            courses=[r.record for r in preview.rows if r.status in ("create", "change")],
            resolved=True,
        )
    else:
        for result in preview.rows:
            if result.status in ("create", "change"):
                figures = result.record
                services.figures_save(figures=figures, year=figures.year)
    return preview


# --- the layout to fill in --------------------------------------------------


def period_rows(board: Board, year: ReportingYear) -> list[list[Any]]:
    """The year's period figures of the board and the groups serving it, in
    the layout the import reads: export, edit, import again."""
    owners = dict(owners_for(board))
    board_ids = [o.pk for o in owners.values() if isinstance(o, Board)]
    group_ids = [o.pk for o in owners.values() if isinstance(o, Group)]
    figures = TrainingFigures.objects.filter(year__label=year.label).filter(
        board_id__in=board_ids
    ) | TrainingFigures.objects.filter(year__label=year.label, group_id__in=group_ids)
    rows: list[list[Any]] = [list(PERIOD_COLUMNS)]
    # The board's own rows first, then each group's, the whole year before its
    # quarters: the same order on SQLite and PostgreSQL, which place NULLs apart.
    for f in figures.select_related("board", "group", "year").order_by(
        F("group__name").asc(nulls_first=True), "mode", F("quarter").asc(nulls_first=True)
    ):
        owner = "" if f.board_id else f.group.name  # type: ignore[union-attr]
        rows.append(
            [
                owner,
                f.year.label,
                f.quarter or "",
                Mode(f.mode).label,
                *(getattr(f, name) for name in COUNTS),
                *(getattr(f, name) for name in PERCENTS),
                f.notes,
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
