"""Every write to indicators, their values and comparators: keyword-only,
typed, one transaction each. The rules live in the *_problems() functions,
which the forms, the statistics import, the fixtures' checks and the admin
all ask, so no path saves what another would refuse."""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from board.models import Board, ReportingYear, SourceDocument
from indicators.models import (
    Comparator,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Marker,
    PeriodKind,
    PeriodValue,
    Polarity,
    StatisticalNeighbour,
)
from priorities.models import Priority

Problems = dict[str, list[str]]

#: The largest figure a value holds (the column keeps ten digits before the point).
MAX_VALUE = Decimal("9999999999")
#: The earliest period Assure records: well before any board's first report.
EARLIEST_YEAR = 2000
QUARTER_STARTS = (1, 4, 7, 10)
#: Codes the indicator pages' own addresses use.
RESERVED_CODES = ("import", "neighbours", "new")
#: What an indicator's code may hold: it is its page's address.
CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _add(problems: Problems, name: str, message: str) -> None:
    problems.setdefault(name, []).append(message)


def _raise(problems: Problems) -> None:
    if problems:
        raise ValidationError(problems)  # type: ignore[arg-type]


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_end(kind: str, start: datetime.date) -> datetime.date:
    """The last day of the period of `kind` that starts on `start`."""
    if kind == PeriodKind.YEAR:
        return datetime.date(start.year + 1, 3, 31)
    if kind == PeriodKind.QUARTER:
        month = start.month + 2
        year = start.year + (month - 1) // 12
        return _month_end(year, (month - 1) % 12 + 1)
    return _month_end(start.year, start.month)


def period_problems(kind: str, start: datetime.date | None) -> Problems:
    """A period starts where its kind starts (a reporting year on 1 April, a
    quarter on 1 April, July, October or January, a month on its 1st), no
    earlier than 2000 and no later than today: no figure exists for a
    period that has not begun."""
    problems: Problems = {}
    if kind not in PeriodKind.values:
        _add(problems, "period_kind", "Choose a reporting year, a quarter or a month.")
        return problems
    if start is None:
        _add(problems, "period_start", "Enter the date the period starts.")
        return problems
    if kind == PeriodKind.YEAR and (start.month, start.day) != (4, 1):
        _add(problems, "period_start", "A reporting year starts on 1 April.")
    elif kind == PeriodKind.QUARTER and (start.day != 1 or start.month not in QUARTER_STARTS):
        _add(
            problems, "period_start", "A quarter starts on 1 April, 1 July, 1 October or 1 January."
        )
    elif kind == PeriodKind.MONTH and start.day != 1:
        _add(problems, "period_start", "A month starts on its 1st.")
    if start.year < EARLIEST_YEAR:
        _add(problems, "period_start", f"Assure records periods from {EARLIEST_YEAR} on.")
    elif start > timezone.localdate():
        _add(problems, "period_start", "The period has not started yet: it can have no figure.")
    return problems


def period_end_problems(record: PeriodValue) -> Problems:
    """A period given with its end (as a fixture gives it) ends where its kind ends."""
    if period_problems(record.period_kind, record.period_start) or record.period_end is None:
        return {}
    expected = period_end(record.period_kind, record.period_start)
    if record.period_end != expected:
        return {"period_end": [f"A period starting {record.period_start} ends on {expected}."]}
    return {}


def number_problems(unit: str, number: Decimal, field: str = "value") -> Problems:
    """What a figure in `unit` may be: a percentage 0 to 100, a count a whole
    number, nothing negative, nothing past ten digits."""
    problems: Problems = {}
    if not number.is_finite():
        _add(problems, field, "Enter a number.")
        return problems
    if number < 0:
        _add(problems, field, "A figure cannot be negative.")
    elif abs(number) > MAX_VALUE:
        _add(problems, field, f"A figure cannot be more than {MAX_VALUE:,}.")
    elif unit == Indicator.Unit.PERCENTAGE and number > 100:
        _add(problems, field, "A percentage lies between 0 and 100.")
    elif unit == Indicator.Unit.COUNT and number != number.to_integral_value():
        _add(problems, field, "A count is a whole number.")
    elif number != number.quantize(Decimal("0.0001"), rounding="ROUND_DOWN"):
        _add(problems, field, "Give a figure to at most four decimal places.")
    return problems


def as_decimal(raw: Any) -> Decimal | None:
    """A typed or read figure as a Decimal, or None when it is not a number."""
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        number = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


# --- indicators -----------------------------------------------------------------


def target_problems(
    *, unit: str, polarity: str, target: Decimal | None, tolerance: Decimal | None
) -> Problems:
    """A target's rules, the standing one's and each year's alike: a target
    only where a direction is better, a figure the unit allows (a count
    whole, a percentage 0 to 100), and a tolerance only beside a target, never
    negative."""
    problems: Problems = {}
    if target is not None:
        if polarity == Polarity.NEITHER:
            _add(
                problems,
                "target",
                "A target needs a direction: say whether higher or lower is better.",
            )
        elif unit in Indicator.Unit.values:
            for message in number_problems(unit, Decimal(target), "target").get("target", []):
                _add(problems, "target", message)
    if tolerance is not None:
        if target is None:
            _add(problems, "tolerance", "A tolerance needs a target to be measured from.")
        elif tolerance < 0:
            _add(problems, "tolerance", "A tolerance cannot be negative.")
        elif abs(tolerance) > MAX_VALUE:
            _add(problems, "tolerance", f"A tolerance cannot be more than {MAX_VALUE:,}.")
    return problems


def indicator_problems(*, indicator: Indicator) -> Problems:  # noqa: C901
    """An indicator's rules: a code and a name, known unit, polarity,
    frequency and source, a priority of the board's own plans, and a target
    only where a direction is better (with a tolerance only beside a target,
    never negative)."""
    problems: Problems = {}
    if not indicator.code:
        _add(problems, "code", "Enter a short code.")
    elif not CODE_PATTERN.fullmatch(indicator.code) or len(indicator.code) > 60:
        _add(
            problems,
            "code",
            "A code uses lower-case letters, numbers and hyphens, 60 characters or fewer.",
        )
    elif indicator.code in RESERVED_CODES:
        _add(problems, "code", f"“{indicator.code}” names a page of its own: choose another code.")
    if not indicator.name.strip():
        _add(problems, "name", "Enter the indicator's name.")
    choices = (
        ("unit", Indicator.Unit.values, "Choose a unit."),
        ("polarity", Polarity.values, "Choose which way is better."),
        ("frequency", Indicator.Frequency.values, "Choose how often it is measured."),
        ("source_kind", Indicator.SourceKind.values, "Choose where its figures come from."),
    )
    for name, values, message in choices:
        if getattr(indicator, name) not in values:
            _add(problems, name, message)
    if indicator.priority is not None and indicator.priority.plan.board_id != indicator.board_id:
        _add(problems, "priority", "That priority belongs to another board's plan.")
    for name, messages in target_problems(
        unit=indicator.unit,
        polarity=indicator.polarity,
        target=indicator.target,
        tolerance=indicator.tolerance,
    ).items():
        for message in messages:
            _add(problems, name, message)
    if indicator.pk is not None:
        _year_targets_still_hold(indicator, problems)
    if indicator.pk is None or indicator.board_id:
        clash = Indicator.objects.filter(board_id=indicator.board_id, code=indicator.code)
        if indicator.pk is not None:
            clash = clash.exclude(pk=indicator.pk)
        if indicator.code and clash.exists():
            _add(problems, "code", "The board already has an indicator with that code.")
    return problems


def _year_targets_still_hold(indicator: Indicator, problems: Problems) -> None:
    """A change of unit or direction that a year's target no longer fits
    (a percentage target of 62.5 on a count) is refused, naming the year:
    change or remove that target first."""
    if indicator.unit not in Indicator.Unit.values or indicator.polarity not in Polarity.values:
        return
    for year, target, tolerance in IndicatorTarget.objects.filter(indicator=indicator).values_list(
        "year__label", "target", "tolerance"
    ):
        found = target_problems(
            unit=indicator.unit, polarity=indicator.polarity, target=target, tolerance=tolerance
        )
        if found:
            field = "polarity" if indicator.polarity == Polarity.NEITHER else "unit"
            reason = found.get("target", found.get("tolerance", [""]))[0]
            _add(
                problems,
                field,
                f"The target for {year} would no longer hold ({reason.rstrip('.')}): "
                "change or remove it first.",
            )


@transaction.atomic
def indicator_save(*, indicator: Indicator) -> Indicator:
    indicator.name = indicator.name.strip()
    indicator.definition = indicator.definition.strip()
    indicator.measure = indicator.measure.strip()
    _raise(indicator_problems(indicator=indicator))
    if indicator.pk is None and not indicator.position:
        last = Indicator.objects.filter(board_id=indicator.board_id).aggregate(Max("position"))
        indicator.position = (last["position__max"] or 0) + 1
    indicator.save()
    return indicator


def priority_indicators_problems(
    *, priority: Priority, indicators: Iterable[Indicator]
) -> Problems:
    board_id = priority.plan.board_id
    outside = sorted(i.name for i in indicators if i.board_id != board_id)
    if outside:
        return {"indicators": [f"{', '.join(outside)} belong to another board."]}
    return {}


@transaction.atomic
def priority_indicators_set(
    *, priority: Priority, indicators: Iterable[Indicator]
) -> list[Indicator]:
    """Make `indicators` the ones that serve `priority`: each chosen one now
    serves it (leaving any priority it served before, since an indicator
    serves one), and each that served it and was not chosen serves none.
    Saved one at a time, so each indicator's history says so."""
    chosen = list(indicators)
    _raise(priority_indicators_problems(priority=priority, indicators=chosen))
    wanted = {i.pk for i in chosen}
    changed = []
    for indicator in (
        Indicator.objects.select_for_update()
        .filter(board_id=priority.plan.board_id)
        .filter(Q(pk__in=wanted) | Q(priority=priority))
    ):
        target = priority if indicator.pk in wanted else None
        if indicator.priority_id != (target.pk if target else None):
            indicator.priority = target
            changed.append(indicator_save(indicator=indicator))
    return changed


# --- targets by year ------------------------------------------------------------


def indicator_target_problems(*, target: IndicatorTarget) -> Problems:
    """A year's target: a reporting year, a target in the indicator's unit
    (`target_problems`, as the standing target), and one target a year."""
    indicator = target.indicator
    problems: Problems = {}
    if target.year_id is None:
        _add(problems, "year", "Choose the reporting year the target is for.")
    if target.target is None:
        _add(problems, "target", "Enter the target, in the indicator's unit.")
    for name, messages in target_problems(
        unit=indicator.unit,
        polarity=indicator.polarity,
        target=target.target,
        tolerance=target.tolerance,
    ).items():
        for message in messages:
            _add(problems, name, message)
    if target.year_id is not None:
        clash = IndicatorTarget.objects.filter(indicator=indicator, year_id=target.year_id)
        if target.pk is not None:
            clash = clash.exclude(pk=target.pk)
        if clash.exists():
            _add(
                problems,
                "year",
                f"{indicator.name} already has a target for {target.year}: change that one.",
            )
    return problems


@transaction.atomic
def indicator_target_set(
    *,
    indicator: Indicator,
    year: ReportingYear,
    target: Decimal | None,
    tolerance: Decimal | None = None,
    source: SourceDocument | None = None,
    note: str = "",
    replacing: IndicatorTarget | None = None,
    adding: bool = False,
) -> IndicatorTarget:
    """Set the indicator's target for `year`: the year's target is changed
    if it has one (its history keeps what it was), made if not. `replacing`
    is the target a person is changing, which may move to another year, and
    `adding` says a person is adding a new one: then a year that already has
    a target of its own is refused, not overwritten."""
    if replacing is not None and replacing.indicator_id != indicator.pk:
        raise ValidationError({"year": ["That target belongs to another indicator."]})
    if year.pk is None:  # a year nothing is recorded in yet (board.selectors.year_choices)
        year = ReportingYear.for_start_year(year.start.year)
    record = replacing
    if record is None and not adding:
        record = IndicatorTarget.objects.filter(indicator=indicator, year=year).first()
    if record is None:
        record = IndicatorTarget(indicator=indicator)
    record.indicator, record.year = indicator, year
    record.target = target  # type: ignore[assignment]  # None is refused below, by name
    record.tolerance, record.source, record.note = tolerance, source, note
    record.normalise_text()
    _raise(indicator_target_problems(target=record))
    record.save()
    return record


@transaction.atomic
def indicator_target_remove(*, target: IndicatorTarget) -> None:
    """Remove a year's target: the year's values are rated against the
    standing target again, if there is one. The history keeps the removed
    target and who removed it."""
    IndicatorTarget.objects.select_for_update().filter(pk=target.pk).first()
    target.delete()


# --- values and comparators -----------------------------------------------------


def _period_value_problems(record: PeriodValue, unit: str) -> Problems:
    problems = period_problems(record.period_kind, record.period_start)
    if record.marker and record.marker not in Marker.values:
        _add(problems, "marker", "Choose a marker from the list: c, x, z, u, k or low.")
    if record.marker and record.value is not None:
        _add(
            problems,
            "value",
            "Give a value or a suppression marker, not both: a suppressed figure has no value.",
        )
    elif not record.marker and record.value is None:
        _add(problems, "value", "Enter the value, or choose the marker the publication gives.")
    elif record.value is not None:
        for name, messages in number_problems(unit, Decimal(record.value)).items():
            for message in messages:
                _add(problems, name, message)
    if record.source_id is None:
        _add(problems, "source", "Say which document the figure comes from.")
    return problems


def value_problems(*, value: IndicatorValue) -> Problems:
    """A value's rules: a period that starts where its kind starts and has
    begun, a value or a marker (never both, never neither: a suppressed
    figure is not zero), a figure the unit allows, and a source."""
    problems = _period_value_problems(value, value.indicator.unit)
    if problems:
        return problems
    same_period = IndicatorValue.objects.filter(
        indicator=value.indicator, period_kind=value.period_kind, period_start=value.period_start
    ).exclude(pk=value.pk)
    if same_period.filter(source_id=value.source_id).exists():
        _add(
            problems,
            "source",
            "This period already has a value from that document: change that one instead.",
        )
    return problems


def period_value_prepare(record: PeriodValue) -> None:
    record.note = record.note.strip()
    record.marker = (record.marker or "").strip().lower()
    if not period_problems(record.period_kind, record.period_start):
        record.period_end = period_end(record.period_kind, record.period_start)


@transaction.atomic
def indicator_value_save(*, value: IndicatorValue) -> IndicatorValue:
    """Record a figure for a period. A new figure from a document the period
    already has a value from is refused; one from another document is the
    next edition (a revision), and the first is kept."""
    period_value_prepare(value)
    _raise(value_problems(value=value))
    if value.pk is None:
        latest = IndicatorValue.objects.filter(
            indicator=value.indicator,
            period_kind=value.period_kind,
            period_start=value.period_start,
        ).aggregate(edition=Max("edition"))["edition"]
        value.edition = (latest or 0) + 1
    value.save()
    return value


def value_record(
    *,
    indicator: Indicator,
    period_kind: str,
    period_start: datetime.date,
    source: Any,
    value: Decimal | None = None,
    marker: str = "",
    note: str = "",
) -> IndicatorValue:
    """The form's and the import's way in: the figure of a period from a
    document, changed if that document's figure is already recorded."""
    existing = IndicatorValue.objects.filter(
        indicator=indicator, period_kind=period_kind, period_start=period_start, source=source
    ).first()
    record = existing or IndicatorValue(
        indicator=indicator, period_kind=period_kind, period_start=period_start, source=source
    )
    record.value, record.marker, record.note = value, marker, note or (record.note or "")
    return indicator_value_save(value=record)


#: What a figure of the unit is checked as when it is a mean of several
#: authorities' figures: a mean of counts is no count (3,765.6 is a fair mean of
#: ten whole numbers), so it is checked as a plain figure.
FIGURE = "figure"


def comparator_unit(*, unit: str, kind: str) -> str:
    """The unit a comparator's figure is checked as: England's and a region's
    figures are of the indicator's own unit (a count is whole); the
    statistical neighbours' figure is their mean, so a count's is a plain
    figure, and a percentage's or a rate's is still one."""
    if kind == Comparator.Kind.NEIGHBOURS and unit == Indicator.Unit.COUNT:
        return FIGURE
    return unit


def comparator_number_problems(*, unit: str, kind: str, number: Decimal) -> Problems:
    """The one rule for a comparator's figure, which the statistics import's
    preview and the save both ask, so a preview that passes is saved."""
    return number_problems(comparator_unit(unit=unit, kind=kind), number)


def comparator_problems(*, comparator: Comparator) -> Problems:
    """A comparator's rules: those of a value (its figure checked by
    `comparator_number_problems`), a known kind, and for the neighbours'
    average how many neighbours it used, no more than were listed."""
    problems = _period_value_problems(
        comparator, comparator_unit(unit=comparator.indicator.unit, kind=comparator.kind)
    )
    if comparator.kind not in Comparator.Kind.values:
        _add(problems, "kind", "Choose England, region or statistical neighbours.")
    used, listed = comparator.neighbours_used, comparator.neighbours_listed
    if used is not None and listed is not None and used > listed:
        _add(
            problems,
            "neighbours_used",
            f"The average cannot use more neighbours ({used}) than were listed ({listed}).",
        )
    return problems


@transaction.atomic
def comparator_save(*, comparator: Comparator) -> Comparator:
    """Record a comparator: the one already recorded for the indicator, kind
    and period is changed (its history keeps what it was)."""
    period_value_prepare(comparator)
    comparator.area_name = comparator.area_name.strip()
    if comparator.pk is None:
        existing = (
            Comparator.objects.filter(
                indicator=comparator.indicator,
                kind=comparator.kind,
                period_kind=comparator.period_kind,
                period_start=comparator.period_start,
            )
            .values_list("pk", flat=True)
            .first()
        )
        if existing is not None:
            comparator.pk = existing
            comparator._state.adding = False
    _raise(comparator_problems(comparator=comparator))
    comparator.save()
    return comparator


# --- statistical neighbours -----------------------------------------------------

#: An authority's codes: the old three-digit number (821) or the new
#: nine-character code (E06000032, a letter and eight digits).
OLD_CODE = re.compile(r"^\d{3}$")
NEW_CODE = re.compile(r"^[A-Z]\d{8}$")


def la_code_kind(code: str) -> str:
    """ "old", "new", or "" for a code of neither form."""
    if OLD_CODE.match(code):
        return "old"
    if NEW_CODE.match(code):
        return "new"
    return ""


def _entries(neighbours: Iterable[tuple[str, ...]]) -> list[tuple[str, str, str]]:
    """(code, name, other code) for each neighbour; a pair has no other code."""
    found = []
    for entry in neighbours:
        code, name, *rest = (*entry, "")
        found.append((code.strip().upper(), name.strip(), (rest[0] or "").strip().upper()))
    return found


def neighbours_problems(*, board: Board, neighbours: Iterable[tuple[str, ...]]) -> Problems:
    """A neighbour list names each authority once, by a code of one of the
    two published forms (three digits, or a letter and eight digits), and
    not too many. The board's own authority's codes are no neighbour."""
    problems: Problems = {}
    entries = _entries(neighbours)
    codes = [code for code, _, _ in entries]
    if not codes:
        _add(problems, "file", "The list names no neighbours.")
    if any(not code for code in codes):
        _add(problems, "file", "Every neighbour needs its local authority code.")
    odd = [
        f"{code} ({name})" if name else code
        for code, name, other in entries
        if (code and not la_code_kind(code)) or (other and not la_code_kind(other))
    ]
    if odd:
        _add(
            problems,
            "file",
            f"{', '.join(odd[:5])}{' and more' if len(odd) > 5 else ''}: an authority's code "
            "is its old three-digit number (821) or its new nine-character code (E06000032).",
        )
    every = [c for code, _, other in entries for c in (code, other) if c]
    repeated = sorted({c for c in every if every.count(c) > 1})
    if repeated:
        _add(problems, "file", f"The list names {', '.join(repeated)} more than once.")
    if len(codes) > 50:
        _add(problems, "file", "A neighbour list names at most 50 authorities.")
    return problems


@transaction.atomic
def neighbours_replace(
    *, board: Board, neighbours: Iterable[tuple[str, ...]]
) -> list[StatisticalNeighbour]:
    """Put the uploaded list in place of the board's neighbours, in its
    order. Each is (code, name) or (code, name, the other code)."""
    entries = _entries(neighbours)
    _raise(neighbours_problems(board=board, neighbours=entries))
    kept = {n.la_code: n for n in StatisticalNeighbour.objects.filter(board=board)}
    for gone in set(kept) - {code for code, _, _ in entries}:
        kept[gone].delete()
    saved = []
    for rank, (code, name, other) in enumerate(entries, start=1):
        neighbour = kept.get(code) or StatisticalNeighbour(board=board, la_code=code)
        if neighbour.pk is None or (neighbour.la_name, neighbour.rank, neighbour.other_code) != (
            name,
            rank,
            other,
        ):
            neighbour.la_name, neighbour.rank, neighbour.other_code = name, rank, other
            neighbour.save()
        saved.append(neighbour)
    return saved
