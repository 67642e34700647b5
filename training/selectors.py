"""Reads of training figures: a board's year, one table per owner and mode,
with the rates Assure computes beside the figures the reports state. Two
queries for the figures whatever their number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F, Model, Prefetch, Q, QuerySet, Sum, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from board.agency_uses import NAMED, AgencyUse
from board.models import Agency, Board, Group, ReportingYear
from board.selectors import partner_agencies, year_choices
from priorities.models import Action
from training.models import (
    CourseAgency,
    ImpactEvaluation,
    Mode,
    StatedFigure,
    TrainingCourse,
    TrainingFigures,
)

COUNT, RATE, STATED = "count", "rate", "stated"

#: How the two attendance rates are named wherever Assure shows them: the
#: definition is in the name, since reports use both words loosely.
PLACES_FILLED = "Places filled % (booked ÷ places)"
ATTENDED_OF_BOOKED = "Attended of booked % (attended ÷ booked)"
#: What a places filled cell says when it had no bookings to count.
BY_ATTENDANCE = "attended ÷ places: no bookings recorded"

#: (field, label, kind) in the order each table lists them.
MEASURES: list[tuple[str, str, str]] = [
    ("courses_delivered", "Courses delivered", COUNT),
    ("places_offered", "Places offered", COUNT),
    ("delegates_booked", "Delegates booked", COUNT),
    ("delegates_attended", "Delegates attended", COUNT),
    ("delegates_no_show", "No-shows", COUNT),
    ("cancellations", "Cancellations", COUNT),
    ("late_cancellations", "Late cancellations", COUNT),
    ("places_filled_pct", PLACES_FILLED, RATE),
    ("attendance_pct", ATTENDED_OF_BOOKED, RATE),
    ("learners_registered", "Learners registered", COUNT),
    ("learners_completed", "Learners completed", COUNT),
    ("completion_pct", "Completion %", RATE),
    ("learners_passed", "Learners passed", COUNT),
    ("pass_rate_pct", "Pass rate %", RATE),
    ("satisfaction_pct", "Satisfaction %", STATED),
]
LABELS = {name: label for name, label, _ in MEASURES}

#: Each rate's part and whole. Places filled counts the bookings standing
#: when the courses ran against their places; where no bookings are
#: recorded it counts attendance instead, and the cell says so
#: (BY_ATTENDANCE). Attended of booked is the share of those bookings that
#: came: the rest are no-shows.
RATE_PARTS: dict[str, tuple[tuple[str, ...], str]] = {
    "places_filled_pct": (("delegates_booked", "delegates_attended"), "places_offered"),
    "attendance_pct": (("delegates_attended",), "delegates_booked"),
    "completion_pct": (("learners_completed",), "learners_registered"),
    "pass_rate_pct": (("learners_passed",), "learners_completed"),
}

ONE = Decimal("1")
TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")


def exact_percentage(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)


def _places(stated: Decimal) -> Decimal:
    """The precision a report gave: whole numbers unless it gave decimals,
    one place or two (a spreadsheet's 0.9167 is kept as 91.67)."""
    if stated == stated.to_integral_value():
        return ONE
    return TENTH if stated == stated.quantize(TENTH) else HUNDREDTH


def _pct(value: Decimal, places: Decimal = ONE) -> str:
    shown = value.quantize(places, ROUND_HALF_UP)
    return f"{int(shown) if places == ONE else shown}%"


def _num(value: Decimal | int) -> str:
    value = Decimal(value)
    return f"{int(value):,}" if value == value.to_integral_value() else f"{value:,}"


@dataclass
class Difference:
    """A stated figure that Assure's arithmetic does not reproduce."""

    where: str
    text: str
    explanation: str = ""


def compare_rate(
    *, stated: Decimal, part: int, whole: int, label: str, where: str, explanation: str = ""
) -> Difference | None:
    """None when the stated rate is the computed one rounded half up to the
    precision the report used; otherwise what each is, and whether the report
    cut the decimals off instead of rounding."""
    exact = exact_percentage(part, whole)
    if exact is None:
        return None
    places = _places(stated)
    rounded = exact.quantize(places, ROUND_HALF_UP)
    if rounded == stated:
        return None
    text = (
        f"{label}: the report states {_pct(stated, places)}; {_num(part)} of {_num(whole)} is "
        f"{_pct(exact, TENTH)}, which rounds to {_pct(exact, places)}."
    )
    if exact.quantize(places, ROUND_DOWN) == stated:
        text += " The report cut the decimals off instead of rounding."
    return Difference(where, text, explanation)


def compare_change(
    *, stated: Decimal, before: int, after: int, label: str, where: str, explanation: str = ""
) -> Difference | None:
    """A stated change on the year before ("a 74% reduction" is -74) against
    the change the two years' figures give."""
    if not before:
        return None
    exact = Decimal(after - before) * 100 / Decimal(before)
    places = _places(stated)
    if exact.quantize(places, ROUND_HALF_UP) == stated:
        return None

    def words(value: Decimal, at: Decimal) -> str:
        kind = "reduction" if value < 0 else "increase"
        return f"a {_pct(abs(value), at)} {kind}"

    text = (
        f"{label}: the report states {words(stated, places)}; from {_num(before)} to "
        f"{_num(after)} is {words(exact, TENTH)}, which rounds to {words(exact, places)}."
    )
    if exact.quantize(places, ROUND_DOWN) == stated:
        text += " The report cut the decimals off instead of rounding."
    return Difference(where, text, explanation)


def compare_count(
    *, stated: Decimal, computed: int, label: str, where: str, explanation: str = ""
) -> Difference | None:
    if stated == computed:
        return None
    text = (
        f"{label}: the report states {_num(stated)}; the figures recorded add up to "
        f"{_num(computed)}."
    )
    return Difference(where, text, explanation)


@dataclass
class Cell:
    text: str = ""  # what the table shows; empty where nothing is known
    as_stated: bool = False  # the report's figure, with nothing to compute it from
    note: str = ""  # the report's own figure where it differs, in words
    value: Decimal | int | None = None


@dataclass
class Row:
    name: str
    label: str
    cells: list[Cell]


@dataclass
class Column:
    heading: str
    where: str  # for the differences list: "Q2 2020-21", "2020-21 total"
    counts: dict[str, int | None] = field(default_factory=dict)
    stated: dict[str, StatedFigure | Decimal] = field(default_factory=dict)
    partial: set[str] = field(default_factory=set)
    recorded: bool = False


@dataclass
class ModeTable:
    owner: Board | Group
    mode: str
    columns: list[Column]
    rows: list[Row]
    differences: list[Difference]
    notes: list[str]
    year: ReportingYear

    @property
    def mode_label(self) -> str:
        return Mode(self.mode).label

    @property
    def owner_is_group(self) -> bool:
        return isinstance(self.owner, Group)

    @property
    def caption(self) -> str:
        return f"{self.mode_label} training, {self.owner.name}, {self.year.label}"

    @property
    def key(self) -> str:
        return f"{self.owner.slug}-{self.mode}"


@dataclass
class TrainingYear:
    year: ReportingYear
    tables: list[ModeTable]

    @property
    def differences(self) -> list[Difference]:
        return [d for table in self.tables for d in table.differences]


def _owner_filter(board: Board, model: type[Model]) -> Q:
    """Rows of `model` recorded for the board or for one of its groups. As
    one list of ids from two index reads: "board = x OR group in (...)" made
    PostgreSQL read every board's rows (bench/national.py)."""
    rows = model._default_manager.order_by()
    own = rows.filter(board=board).values("pk")
    return Q(
        pk__in=own.union(
            rows.filter(group__in=Group.objects.filter(boards=board).values("pk")).values("pk")
        )
    )


def training_year_choice(
    *, board: Board, label: str | None = None
) -> tuple[ReportingYear, list[ReportingYear]]:
    """The year the training page shows and the years it offers: the year
    asked for if offered; otherwise the latest year (up to this one) with
    figures for the board or a group serving it; else the current year."""
    years = year_choices()
    chosen = next((y for y in years if label and y.label == label), None)
    if chosen is not None:
        return chosen, years
    current = ReportingYear.span_of(timezone.localdate())
    starts = (
        TrainingFigures.objects.filter(
            _owner_filter(board, TrainingFigures), year__start__lte=current.start
        )
        .order_by("-year__start")
        .values_list("year__label", flat=True)
        .first()
    )
    wanted = starts or current.label
    return next(y for y in years if y.label == wanted), years


def _column_from(
    column: Column, rows: list[TrainingFigures], stated: list[StatedFigure], quarters: bool
) -> Column:
    column.recorded = bool(rows)
    for name, _, kind in MEASURES:
        if kind == COUNT:
            values = [getattr(r, name) for r in rows]
            given = [v for v in values if v is not None]
            column.counts[name] = sum(given) if given else None
            if given and len(given) < len(values):
                column.partial.add(name)
        elif not quarters:
            for r in rows:
                if getattr(r, name) is not None:
                    column.stated[name] = getattr(r, name)
    for figure in stated:
        if not figure.change:
            column.stated[figure.measure] = figure
    return column


def _stated_value(stated: StatedFigure | Decimal) -> Decimal:
    return stated.value if isinstance(stated, StatedFigure) else stated


def _explanation(stated: StatedFigure | Decimal) -> str:
    return stated.explanation if isinstance(stated, StatedFigure) else ""


def _cell(column: Column, name: str, kind: str, differences: list[Difference]) -> Cell:
    if kind == COUNT:
        return _count_cell(column, name, differences)
    if kind == RATE:
        return _rate_cell(column, name, differences)
    stated = column.stated.get(name)
    if stated is None:
        return Cell()
    value = _stated_value(stated)
    return Cell(_pct(value, _places(value)), value=value)


def _count_cell(column: Column, name: str, differences: list[Difference]) -> Cell:
    stated = column.stated.get(name)
    label = LABELS[name]
    count = column.counts.get(name)
    if count is None:
        if stated is None:
            return Cell()
        return Cell(_num(_stated_value(stated)), as_stated=True, value=_stated_value(stated))
    cell = Cell(_num(count), value=count)
    if name in column.partial:
        cell.note = "not every quarter gives this figure"
    if stated is not None:
        diff = compare_count(
            stated=_stated_value(stated),
            computed=count,
            label=label,
            where=column.where,
            explanation=_explanation(stated),
        )
        if diff:
            differences.append(diff)
            cell.note = f"the report states {_num(_stated_value(stated))}"
    return cell


def _rate_cell(column: Column, name: str, differences: list[Difference]) -> Cell:
    stated = column.stated.get(name)
    label = LABELS[name]
    parts, whole_name = RATE_PARTS[name]
    # A total some quarters leave out would set a part of the year against
    # the whole of it: a rate is computed only from counts every quarter gives.
    whole = column.counts.get(whole_name) if whole_name not in column.partial else None
    used = next(
        (p for p in parts if column.counts.get(p) is not None and p not in column.partial), None
    )
    part = column.counts[used] if used else None
    exact = exact_percentage(part, whole) if part is not None and whole else None
    if exact is None:
        if stated is None:
            return Cell()
        value = _stated_value(stated)
        return Cell(_pct(value, _places(value)), as_stated=True, value=value)
    cell = Cell(_pct(exact), value=exact.quantize(ONE, ROUND_HALF_UP))
    if used == "delegates_attended" and name == "places_filled_pct":
        cell.note = BY_ATTENDANCE
    if stated is not None and part is not None and whole:
        diff = compare_rate(
            stated=_stated_value(stated),
            part=part,
            whole=whole,
            label=label,
            where=column.where,
            explanation=_explanation(stated),
        )
        if diff:
            differences.append(diff)
            value = _stated_value(stated)
            said = f"the report states {_pct(value, _places(value))}"
            cell.note = f"{cell.note}; {said}" if cell.note else said
    return cell


def _table(
    owner: Board | Group,
    mode: str,
    year: ReportingYear,
    figures: list[TrainingFigures],
    stated: list[StatedFigure],
) -> ModeTable:
    this_year = [f for f in figures if f.year.label == year.label]
    before = [f for f in figures if f.year.label != year.label]
    quarterly = any(f.quarter for f in this_year) or any(
        s.quarter for s in stated if s.year.label == year.label
    )
    columns: list[Column] = []
    if quarterly:
        for quarter in (1, 2, 3, 4):
            columns.append(
                _column_from(
                    Column(f"Q{quarter}", f"Q{quarter} {year.label}"),
                    [f for f in this_year if f.quarter == quarter],
                    [s for s in stated if s.year.label == year.label and s.quarter == quarter],
                    quarters=False,
                )
            )
    total = _column_from(
        Column(f"Total {year.label}" if quarterly else year.label, f"{year.label} total"),
        this_year,
        [s for s in stated if s.year.label == year.label and s.quarter is None],
        quarters=quarterly,
    )
    previous = _column_from(
        Column(f"Total {year.previous_label}", f"{year.previous_label} total"),
        before,
        [s for s in stated if s.year.label != year.label and s.quarter is None],
        quarters=any(f.quarter for f in before),
    )
    columns += [total, previous]
    differences: list[Difference] = []
    rows = []
    for name, label, kind in MEASURES:
        cells = [_cell(column, name, kind, differences) for column in columns]
        if any(cell.text for cell in cells):
            rows.append(Row(name, label, cells))
    for change in (s for s in stated if s.change and s.year.label == year.label):
        after_count = total.counts.get(change.measure)
        before_count = previous.counts.get(change.measure)
        if before_count is None and change.measure in previous.stated:
            before_count = int(_stated_value(previous.stated[change.measure]))
        if after_count is None or before_count is None:
            continue
        diff = compare_change(
            stated=change.value,
            before=before_count,
            after=after_count,
            label=f"Change in {LABELS[change.measure].lower()} on {year.previous_label}",
            where=f"{year.label} total",
            explanation=change.explanation,
        )
        if diff:
            differences.append(diff)
    notes = [f"{f.period_label}: {f.notes}" for f in figures if f.notes]
    notes += [
        f"{s.period_label}: {s.explanation}" for s in stated if s.explanation and not s.change
    ]
    return ModeTable(owner, mode, columns, rows, differences, notes, year)


def training_for_year(*, board: Board, year: ReportingYear) -> TrainingYear:
    """The board's training for a year and the year before: its own figures
    and those of every pan-area group serving it, one table per owner and
    mode (the board's first, then groups by name; modes in their usual order)."""
    labels = [year.label, year.previous_label]
    figures = list(
        TrainingFigures.objects.filter(
            _owner_filter(board, TrainingFigures), year__label__in=labels
        ).select_related("board", "group", "year")
    )
    stated = list(
        StatedFigure.objects.filter(
            _owner_filter(board, StatedFigure), year__label__in=labels
        ).select_related("board", "group", "year")
    )
    grouped: dict[tuple[Any, str], tuple[list[TrainingFigures], list[StatedFigure]]] = defaultdict(
        lambda: ([], [])
    )
    owners: dict[Any, Board | Group] = {}
    for f in figures:
        key = ("board", f.board_id) if f.board_id else ("group", f.group_id)
        owners[key] = f.board if f.board_id else f.group  # type: ignore[assignment]
        grouped[(key, f.mode)][0].append(f)
    for s in stated:
        key = ("board", s.board_id) if s.board_id else ("group", s.group_id)
        owners[key] = s.board if s.board_id else s.group  # type: ignore[assignment]
        grouped[(key, s.mode)][1].append(s)
    order = {mode: i for i, mode in enumerate(Mode.values)}

    def sort_key(item: tuple[tuple[Any, str], Any]) -> tuple[int, str, int]:
        (owner_key, mode), _ = item
        return (0 if owner_key[0] == "board" else 1, owners[owner_key].name, order[mode])

    tables = [
        _table(owners[owner_key], mode, year, rows, stated_rows)
        for (owner_key, mode), (rows, stated_rows) in sorted(grouped.items(), key=sort_key)
        if any(r.year.label == year.label for r in rows)
        or any(s.year.label == year.label for s in stated_rows)
    ]
    return TrainingYear(year, tables)


def export_text(cell: Cell) -> str:
    """A cell as an export writes it: the figure, "as stated" where it is the
    report's own, and its note in brackets."""
    return _export_text(cell)


def _export_text(cell: Cell) -> str:
    text = cell.text + (" as stated" if cell.as_stated else "")
    return f"{text} ({cell.note})" if cell.note else text


def training_export_rows(training: TrainingYear) -> list[list[str]]:
    """Every table of the year as spreadsheet rows, each cell as the page
    reads it (the same cells), then the differences with their explanations.
    The spreadsheet writer neutralises anything a spreadsheet would run."""
    year = training.year
    rows: list[list[str]] = [
        [
            "Owner",
            "Delivery mode",
            "Measure",
            "Q1",
            "Q2",
            "Q3",
            "Q4",
            f"{year.label} total",
            f"{year.previous_label} total",
        ]
    ]
    for table in training.tables:
        for row in table.rows:
            cells = [_export_text(cell) for cell in row.cells]
            quarters = cells[:4] if len(cells) == 6 else ["", "", "", ""]
            rows.append([table.owner.name, table.mode_label, row.label, *quarters, *cells[-2:]])
    if training.differences:
        rows.append([])
        rows.append(["Owner", "Delivery mode", "Where the report and the counts differ"])
        for table in training.tables:
            for diff in table.differences:
                text = f"{diff.where}: {diff.text}"
                if diff.explanation:
                    text += f" {diff.explanation}"
                rows.append([table.owner.name, table.mode_label, text])
    return rows


@dataclass
class ImpactRow:
    """One evaluation as the training page and the annual report read it."""

    evaluation: ImpactEvaluation
    owner: Board | Group
    where: str  # "2020-21 Q2" or "2020-21"
    mode_label: str
    subject: str
    course: str
    months_after: int | None
    delegates_asked: int | None
    replies: int | None
    response_rate: str  # "45% of 120 asked", or ""
    reporting_change: int | None
    change_share: Cell  # computed from the counts, or the report's share as stated
    difference: Difference | None
    action: Action | None
    finding: str

    @property
    def follow_up(self) -> str:
        if self.months_after is None:
            return ""
        if self.months_after == 0:
            return "At the end of the training"
        return f"{self.months_after} month{'s' if self.months_after != 1 else ''} on"

    @property
    def owner_is_group(self) -> bool:
        return isinstance(self.owner, Group)


def _impact_row(evaluation: ImpactEvaluation) -> ImpactRow:
    owner = evaluation.board if evaluation.board_id else evaluation.group
    where = evaluation.period_label
    exact = (
        exact_percentage(evaluation.reporting_change, evaluation.replies)
        if evaluation.reporting_change is not None and evaluation.replies
        else None
    )
    stated = evaluation.reporting_change_pct
    difference = None
    if exact is None:
        share = (
            Cell(_pct(stated, _places(stated)), as_stated=True, value=stated)
            if stated is not None
            else Cell()
        )
    else:
        share = Cell(_pct(exact), value=exact.quantize(ONE, ROUND_HALF_UP))
        if stated is not None:
            difference = compare_rate(
                stated=stated,
                part=evaluation.reporting_change,  # type: ignore[arg-type]
                whole=evaluation.replies,  # type: ignore[arg-type]
                label=f"Reporting a change in practice ({evaluation.subject})",
                where=where,
            )
            if difference:
                share.note = f"the report states {_pct(stated, _places(stated))}"
    response = ""
    if evaluation.replies is not None and evaluation.delegates_asked:
        rate = exact_percentage(evaluation.replies, evaluation.delegates_asked)
        response = f"{_pct(rate)} of {_num(evaluation.delegates_asked)} asked"  # type: ignore[arg-type]
    return ImpactRow(
        evaluation=evaluation,
        owner=owner,  # type: ignore[arg-type]
        where=where,
        mode_label=Mode(evaluation.mode).label,
        subject=evaluation.subject,
        course=str(evaluation.course) if evaluation.course_id else "",
        months_after=evaluation.months_after,
        delegates_asked=evaluation.delegates_asked,
        replies=evaluation.replies,
        response_rate=response,
        reporting_change=evaluation.reporting_change,
        change_share=share,
        difference=difference,
        action=evaluation.action,
        finding=evaluation.finding,
    )


def training_impact_for_year(*, board: Board, year: ReportingYear) -> list[ImpactRow]:
    """The follow-up evidence of the board's training in a year (its own and
    that of every pan-area group serving it): the share reporting a change
    in practice computed from the counts, a stated share kept beside it, the
    business plan action served. One query whatever the number."""
    evaluations = (
        ImpactEvaluation.objects.filter(
            _owner_filter(board, ImpactEvaluation), year__label=year.label
        )
        .select_related("board", "group", "year", "course", "action__plan__board")
        .order_by("quarter", "mode", "subject", "months_after", "pk")
    )
    rows = [_impact_row(evaluation) for evaluation in evaluations]
    rows.sort(key=lambda row: (row.owner_is_group, row.evaluation.quarter or 0))
    return rows


def impact_export_rows(impacts: list[ImpactRow]) -> list[list[Any]]:
    """The year's evaluations as spreadsheet rows, each as the page reads it."""
    if not impacts:
        return []
    rows: list[list[Any]] = [
        [],
        [
            "Owner",
            "Period",
            "Delivery mode",
            "What was evaluated",
            "Follow-up",
            "Delegates asked",
            "Replies",
            "Reporting a change",
            "Reporting a change %",
            "Business plan action",
            "What changed",
        ],
    ]
    for row in impacts:
        share = _export_text(row.change_share)
        action = f"{row.action.ref}: {row.action.description}" if row.action else ""
        rows.append(
            [
                row.owner.name,
                row.where,
                row.mode_label,
                row.subject,
                row.follow_up,
                row.delegates_asked if row.delegates_asked is not None else "",
                row.replies if row.replies is not None else "",
                row.reporting_change if row.reporting_change is not None else "",
                share,
                action,
                row.finding,
            ]
        )
    return rows


def impact_choices(
    *, board: Board, year: ReportingYear
) -> tuple[list[TrainingCourse], list[Action]]:
    """What the evaluation form offers: the year's courses of the board and
    the groups serving it, and the actions of the board's plans (business
    plans first)."""
    courses = list(
        TrainingCourse.objects.filter(
            _owner_filter(board, TrainingCourse), year__label=year.label
        ).order_by("date", "title")
    )
    actions = list(
        Action.objects.filter(plan__board=board)
        .select_related("plan")
        .order_by("-plan__kind", "plan__title", "position", "ref")
    )
    actions.sort(key=lambda a: a.plan.kind != "business-plan")
    return courses, actions


@dataclass
class ChartSeries:
    label: str  # "Virtual classroom, delegates booked"
    measure: str  # the field counted
    values: list[int | None]  # Q1 to Q4; None where the quarter gives no figure

    @property
    def total(self) -> int:
        return sum(v for v in self.values if v is not None)

    @property
    def texts(self) -> list[str]:
        """Each quarter as the table shows it ("" where not given)."""
        return [f"{v:,}" if v is not None else "" for v in self.values]

    @property
    def total_text(self) -> str:
        return f"{self.total:,}"


@dataclass
class QuarterChart:
    """People trained in a year by quarter and mode: the data the page shows
    as a table and training.charts draws for the PDF."""

    year: ReportingYear
    series: list[ChartSeries]

    @property
    def quarters(self) -> list[str]:
        return ["Q1", "Q2", "Q3", "Q4"]

    @property
    def summary(self) -> str:
        """The chart in one sentence, for people who do not see it."""
        if not self.series:
            return ""
        parts = []
        for series in self.series:
            given = [(v, q) for q, v in enumerate(series.values, start=1) if v is not None]
            most, quarter = max(given, key=lambda vq: (vq[0], -vq[1]))
            parts.append(
                f"{series.label[0].lower()}{series.label[1:]}: {series.total:,} in all, "
                f"most in Q{quarter} ({most:,})"
            )
        return f"People trained in {self.year.label} by quarter: " + "; ".join(parts) + "."


#: What counts as people trained, in order of preference: those who came,
#: else those booked, else e-learners who completed.
CHART_MEASURES = (
    ("delegates_attended", "delegates attended"),
    ("delegates_booked", "delegates booked"),
    ("learners_completed", "learners completed"),
)


def quarter_chart(training: TrainingYear) -> QuarterChart:
    """The year's people trained by quarter, one series per owner and mode
    recorded by quarter, from the tables training_for_year read (no query)."""
    series = []
    for table in training.tables:
        quarters = table.columns[:4] if len(table.columns) == 6 else []
        for name, words in CHART_MEASURES:
            values = [column.counts.get(name) for column in quarters]
            if any(v is not None for v in values):
                owner = f" ({table.owner.name})" if table.owner_is_group else ""
                series.append(ChartSeries(f"{table.mode_label}{owner}, {words}", name, values))
                break
    return QuarterChart(training.year, series)


# Courses ---------------------------------------------------------------------------------


@dataclass
class CourseRow:
    """One course as the course list and its export read it: its counts,
    the two rates Assure computes from them, and a rate the unit states
    beside each, with where they differ."""

    course: TrainingCourse
    owner: Board | Group
    places_filled: Cell
    attended_of_booked: Cell
    differences: list[Difference]
    agencies: list[tuple[str, int]]  # (agency, delegates), by agency name
    agency_not_recorded: int | None  # attended less those counted by agency

    @property
    def owner_is_group(self) -> bool:
        return isinstance(self.owner, Group)

    @property
    def agencies_text(self) -> str:
        parts = [f"{name} {count:,}" for name, count in self.agencies]
        if parts and self.agency_not_recorded:
            parts.append(f"not recorded {self.agency_not_recorded:,}")
        return "; ".join(parts)


def course_row(course: TrainingCourse) -> CourseRow:
    where = f"{course.title}, {course.date:%-d %B %Y}"
    column = Column(where, where)
    for name in ("places_offered", "delegates_booked", "delegates_attended"):
        column.counts[name] = getattr(course, name)
    for name in ("places_filled_pct", "attendance_pct"):
        if getattr(course, name) is not None:
            column.stated[name] = getattr(course, name)
    differences: list[Difference] = []
    filled = _rate_cell(column, "places_filled_pct", differences)
    attended = _rate_cell(column, "attendance_pct", differences)
    rows = sorted(course.agencies.all(), key=lambda row: row.agency.name.casefold())
    agencies = [(row.agency.short_name or row.agency.name, row.delegates) for row in rows]
    counted = sum(count for _, count in agencies)
    owner = course.board if course.board_id else course.group
    return CourseRow(
        course=course,
        owner=owner,  # type: ignore[arg-type]
        places_filled=filled,
        attended_of_booked=attended,
        differences=differences,
        agencies=agencies,
        agency_not_recorded=(
            course.delegates_attended - counted
            if course.delegates_attended is not None and agencies
            else None
        ),
    )


def known_agencies(*, board: Board) -> list[Agency]:
    """The agencies a course may count delegates from: the board's partner
    agencies, and any the board's courses already count. One query."""
    used = CourseAgency.objects.filter(
        Q(course__board=board)
        | Q(course__group__in=Group.objects.filter(boards=board).values("pk"))
    ).values("agency_id")
    agencies = partner_agencies(board=board, also=used)
    return sorted(agencies, key=lambda a: a.name.casefold())


def courses_for_year(
    *, board: Board, year: ReportingYear, mode: str | None = None
) -> QuerySet[TrainingCourse]:
    """The year's courses of the board and of every pan-area group serving
    it, by date, each with its delegates by agency (one more query for a
    page of them, whatever its size); `mode` narrows them to one mode."""
    courses = TrainingCourse.objects.filter(
        _owner_filter(board, TrainingCourse), year__label=year.label
    )
    if mode:
        courses = courses.filter(mode=mode)
    return (
        courses.select_related("board", "group", "year")
        .prefetch_related(Prefetch("agencies", CourseAgency.objects.select_related("agency")))
        .order_by("date", "mode", "title", "pk")
    )


def course_of(*, board: Board, pk: int) -> TrainingCourse | None:
    """A course of the board or of a pan-area group serving it, if it is one."""
    return (
        TrainingCourse.objects.filter(_owner_filter(board, TrainingCourse), pk=pk)
        .select_related("board", "group", "year")
        .first()
    )


def course_rows(courses: Iterable[TrainingCourse]) -> list[CourseRow]:
    """Rows for these courses (a page of them, or a year's for an export),
    with their delegates by agency read in one more query."""
    listed = list(courses)
    prefetch_related_objects(
        listed, Prefetch("agencies", CourseAgency.objects.select_related("agency"))
    )
    return [course_row(course) for course in listed]


def course_count(*, board: Board, year: ReportingYear) -> int:
    return courses_for_year(board=board, year=year).count()


@dataclass
class AgencyTable:
    """Delegates by agency of one owner's courses in a year, by quarter."""

    owner: Board | Group
    rows: list[tuple[str, list[int]]]  # agency, Q1..Q4 and the year
    not_recorded: list[int]
    attended: list[int]

    @property
    def owner_is_group(self) -> bool:
        return isinstance(self.owner, Group)

    @property
    def key(self) -> str:
        return f"agencies-{self.owner.slug}"


def agencies_for_year(*, board: Board, year: ReportingYear) -> list[AgencyTable]:
    """Who came to the year's courses, agency by agency and quarter by
    quarter, for the board and each pan-area group serving it that records
    delegates' agencies; beside them, the delegates whose agency is not
    recorded (the courses' attendance less those counted). Courses' counts
    add up here, so nothing is counted twice. Three queries."""
    counts = (
        CourseAgency.objects.filter(
            Q(course__board=board)
            | Q(course__group__in=Group.objects.filter(boards=board).values("pk")),
            course__year__label=year.label,
        )
        .values("course__board_id", "course__group_id", "agency__name", "agency__short_name")
        .annotate(q=F("course__quarter"), n=Sum("delegates"))
        .order_by()
    )
    by_owner: dict[tuple[Any, Any], dict[str, list[int]]] = {}
    for row in counts:
        key = (row["course__board_id"], row["course__group_id"])
        name = row["agency__short_name"] or row["agency__name"]
        cells = by_owner.setdefault(key, {}).setdefault(name, [0] * 5)
        cells[row["q"] - 1] += row["n"]
        cells[4] += row["n"]
    if not by_owner:
        return []
    attended_rows = (
        courses_for_year(board=board, year=year)
        .values("board_id", "group_id", "quarter")
        .annotate(n=Sum("delegates_attended"))
        .order_by()
    )
    attended: dict[tuple[Any, Any], list[int]] = {}
    for came in attended_rows:
        cells = attended.setdefault((came["board_id"], came["group_id"]), [0] * 5)
        cells[(came["quarter"] or 1) - 1] += came["n"] or 0
        cells[4] += came["n"] or 0
    groups = {g.pk: g for g in Group.objects.filter(pk__in=[k[1] for k in by_owner if k[1]])}
    tables = []
    for key in sorted(by_owner, key=lambda k: (k[1] is not None, k[1] or 0)):
        owner: Board | Group = board if key[0] else groups[key[1]]
        rows = sorted(by_owner[key].items(), key=lambda item: item[0].casefold())
        totals = attended.get(key, [0] * 5)
        counted = [sum(cells[i] for _, cells in rows) for i in range(5)]
        tables.append(
            AgencyTable(
                owner=owner,
                rows=rows,
                not_recorded=[max(totals[i] - counted[i], 0) for i in range(5)],
                attended=totals,
            )
        )
    tables.sort(key=lambda t: (t.owner_is_group, t.owner.name))
    return tables


def courses_counting_agency(
    *, board: Board, agency: Agency, year: ReportingYear
) -> list[AgencyUse]:
    """The board's courses (its own and its groups') from the first day of
    `year` on that count delegates from the agency: what keeps the agency on
    the board's list (board.agency_uses). One query."""
    found = (
        CourseAgency.objects.filter(agency=agency, course__date__gte=year.start)
        .filter(
            Q(course__board=board)
            | Q(course__group__in=Group.objects.filter(boards=board).values("pk"))
        )
        .select_related("course")
        .order_by("course__date", "course__title")
    )
    return [
        AgencyUse(
            "course",
            f"“{row.course.title}” on {date_format(row.course.date, 'j M Y')}",
            reverse("training:course_edit", kwargs={"board": board.slug, "course": row.course_id}),
        )
        for row in found[: NAMED + 1]
    ]
