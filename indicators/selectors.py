"""Reads of indicators for the scorecard, an indicator's page and the chair's
dashboard: each a fixed number of queries whatever the number of indicators
and periods (the indicators, their values, their comparators), with the
judgements (direction of travel, rating against target) worked out in memory.

A suppressed value (a marker such as ``c``) is never read as a number: it
is not compared, not rated, and is charted as a gap with its marker.
"""

from __future__ import annotations

import datetime
import decimal
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from django.db.models import Count, FloatField, Max, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse

from board.models import Board, start_year_of, year_label
from core.expressions import IsoDate
from core.history import without_loaded_records
from indicators.models import (
    Comparator,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Marker,
    PeriodKind,
    Polarity,
)
from priorities.models import Priority

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@lru_cache(maxsize=4096)
def period_label(kind: str, start: datetime.date) -> str:
    """ "2016-17" for a reporting year, "2016-17 Q1" for a quarter, "April 2016" for a month."""
    if kind == PeriodKind.YEAR:
        return year_label(start.year)
    if kind == PeriodKind.QUARTER:
        first = start.year if start.month >= 4 else start.year - 1
        quarter = {4: 1, 7: 2, 10: 3, 1: 4}.get(start.month, 0)
        return f"{year_label(first)} Q{quarter}"
    return f"{MONTHS[start.month - 1]} {start.year}"


def format_number(number: Decimal | None, unit: str) -> str:
    """A figure as people read it in its unit: 1,234; 12.5%; 45.2 per 10,000; £1,234; 12 days."""
    if number is None:
        return ""
    plain = f"{number.normalize():,f}" if number != number.to_integral_value() else f"{number:,.0f}"
    if unit == Indicator.Unit.PERCENTAGE:
        return f"{plain}%"
    if unit == Indicator.Unit.RATE:
        return f"{plain} per 10,000"
    if unit == Indicator.Unit.MONEY:
        return f"£{plain}"
    if unit == Indicator.Unit.DAYS:
        return f"{plain} day" if number == 1 else f"{plain} days"
    return plain


@lru_cache(maxsize=64)
def marker_words(marker: str) -> str:
    """The marker and what it means, e.g. "c (confidential)"."""
    label = dict(Marker.choices).get(marker, marker)
    meaning = label.split(": ", 1)[-1]
    return f"{marker} ({meaning})"


def revised_edition[E](figure: tuple[Any, str], earlier: list[tuple[int, Any, str, E]]) -> E | None:
    """The latest earlier edition whose figure (value, marker) differs from
    `figure`, or None when every earlier edition states the same. A later
    publication repeating a figure revises nothing, so it is not called a
    revision anywhere Assure shows one: the scorecard, its overview and the
    chair's dashboard all ask this one rule. `earlier` holds (edition number,
    value, marker, what to hand back); values compare as read (Decimals with
    Decimals, floats with floats)."""
    differing = [e for e in earlier if differs(figure, (e[1], e[2]))]
    return max(differing, key=lambda e: e[0])[3] if differing else None


def differs(figure: tuple[Any, str], other: tuple[Any, str]) -> bool:
    """Whether two editions state different figures: a value or a marker
    changed. Only then is the later one a revision."""
    return figure != other


@dataclass
class Point:
    """One period's figure as the scorecard uses it (the latest edition),
    with the other editions kept beside it."""

    kind: str
    start: datetime.date
    end: datetime.date
    value: Decimal | None
    marker: str
    source: str
    edition: int
    unit: str
    other_editions: list[Edition] = field(default_factory=list)

    @property
    def label(self) -> str:
        return period_label(self.kind, self.start)

    @property
    def suppressed(self) -> bool:
        return bool(self.marker)

    @property
    def revises(self) -> list[Edition]:
        """The earlier editions whose figure differs from the one used. A
        later publication stating the same figure revises nothing, so it is
        not called a revision."""
        return [
            e
            for e in self.other_editions
            if differs((self.value, self.marker), (e.value, e.marker))
        ]

    @property
    def revised(self) -> bool:
        return bool(self.revises)

    @property
    def revised_from(self) -> str:
        """The figure this one revises (the latest earlier one that differs), as shown."""
        found = revised_edition(
            (self.value, self.marker),
            [(e.edition, e.value, e.marker, e) for e in self.other_editions],
        )
        return found.shown if found else ""

    @property
    def shown(self) -> str:
        return marker_words(self.marker) if self.marker else format_number(self.value, self.unit)


@dataclass(frozen=True)
class Direction:
    code: str  # improving, worse, no-change, up, down, none, cannot-judge
    words: str
    arrow: str

    @property
    def worse(self) -> bool:
        return self.code == "worse"


@dataclass(frozen=True)
class TargetRating:
    code: str  # on-target, near-target, off-target, no-target, not-rated
    words: str
    tag: str  # the GOV.UK tag modifier; the words always say the rating too

    @property
    def off(self) -> bool:
        return self.code == "off-target"


NO_TARGET = TargetRating("no-target", "No target", "govuk-tag--grey")


def direction_of_travel(polarity: str, latest: Point | None, previous: Point | None) -> Direction:
    """Whether the latest figure is better or worse than the period before,
    judged by the indicator's polarity; never a judgement on a suppressed
    figure, or without a previous one."""
    if latest is None:
        return Direction("none", "No value yet", "")
    if previous is None:
        return Direction("none", "No previous value to compare with", "")
    if latest.suppressed or previous.suppressed:
        which = "latest" if latest.suppressed else "previous"
        marker = latest.marker or previous.marker
        return Direction(
            "cannot-judge",
            f"Cannot be judged: the {which} value is suppressed ({marker_words(marker)})",
            "",
        )
    assert latest.value is not None
    assert previous.value is not None
    if latest.value == previous.value:
        return Direction("no-change", "No change", "→")
    up = latest.value > previous.value
    arrow = "↑" if up else "↓"
    if polarity == Polarity.NEITHER:
        return Direction("up" if up else "down", "Up" if up else "Down", arrow)
    better = up == (polarity == Polarity.HIGHER)
    if better:
        return Direction("improving", f"Improving ({'up' if up else 'down'})", arrow)
    return Direction("worse", f"Getting worse ({'up' if up else 'down'})", arrow)


@dataclass(frozen=True)
class YearTarget:
    """An indicator's target for one reporting year (`IndicatorTarget`), as read for rating."""

    start_year: int
    target: Decimal
    tolerance: Decimal | None

    @property
    def label(self) -> str:
        return year_label(self.start_year)


#: {indicator id: {the year's first calendar year: its target}}
YearTargets = dict[int, dict[int, YearTarget]]


def year_targets(indicator_ids: Any) -> YearTargets:
    """Every year's target of the indicators (a list of ids or a subquery of
    them): one query of plain rows."""
    found: YearTargets = defaultdict(dict)
    rows = (
        IndicatorTarget.objects.filter(indicator_id__in=indicator_ids)
        .order_by()
        .values_list("indicator_id", "year__start", "target", "tolerance")
    )
    for indicator_id, start, target, tolerance in rows:
        found[indicator_id][start.year] = YearTarget(start.year, target, tolerance)
    return found


def target_for(
    indicator: Indicator | IndicatorRef, targets: dict[int, YearTarget], day: datetime.date
) -> tuple[Decimal | None, Decimal | None, str]:
    """The target, tolerance and the year it is set for (or "" for the
    standing target) that rate a figure of a period starting `day`: the
    target of the reporting year the period falls in, or the indicator's
    standing target where that year has none."""
    own = targets.get(start_year_of(day))
    if own is not None:
        return own.target, own.tolerance, own.label
    return indicator.target, indicator.tolerance, ""


def target_rating(
    indicator: Indicator | IndicatorRef,
    latest: Point | None,
    targets: dict[int, YearTarget] | None = None,
) -> TargetRating:
    """On target (the target met, equal counts as met), near target (short
    of it by no more than the tolerance, the edge included), or off target,
    against the target of the figure's own year (`target_for`). A suppressed
    or missing figure is not rated."""
    targets = targets or {}
    if indicator.polarity == Polarity.NEITHER or (indicator.target is None and not targets):
        return NO_TARGET
    if latest is None or latest.value is None:
        why = f"suppressed: {marker_words(latest.marker)}" if latest else "no value yet"
        return TargetRating("not-rated", f"Not rated ({why})", "govuk-tag--grey")
    target, tolerance, _year = target_for(indicator, targets, latest.start)
    if target is None:
        label = year_label(start_year_of(latest.start))
        return TargetRating("no-target", f"No target for {label}", "govuk-tag--grey")
    tolerance = tolerance or Decimal(0)
    shortfall = (
        target - latest.value if indicator.polarity == Polarity.HIGHER else latest.value - target
    )
    shown = format_number(target, indicator.unit)
    if shortfall <= 0:
        return TargetRating("on-target", f"On target ({shown})", "govuk-tag--green")
    if shortfall <= tolerance:
        return TargetRating("near-target", f"Near target ({shown})", "govuk-tag--yellow")
    return TargetRating("off-target", f"Off target ({shown})", "govuk-tag--red")


@dataclass
class ComparatorPoint:
    kind: str
    start: datetime.date
    label: str
    value: Decimal | None
    marker: str
    source: str
    unit: str
    area_name: str = ""
    neighbours_used: int | None = None
    neighbours_listed: int | None = None

    @property
    def shown(self) -> str:
        return marker_words(self.marker) if self.marker else format_number(self.value, self.unit)

    @property
    def used_words(self) -> str:
        if self.neighbours_used is None:
            return ""
        listed = f" of {self.neighbours_listed}" if self.neighbours_listed is not None else ""
        return f"average of {self.neighbours_used}{listed} neighbours"


@dataclass
class TableRow:
    point: Point | None
    england: ComparatorPoint | None
    neighbours: ComparatorPoint | None
    label: str
    #: The target the period's figure is rated against, as shown ("" for none).
    target: str = ""


@dataclass
class IndicatorStatus:
    indicator: Indicator
    url: str
    points: list[Point]
    comparators: dict[str, list[ComparatorPoint]]
    latest: Point | None = None
    previous: Point | None = None
    direction: Direction = field(default_factory=lambda: Direction("none", "No value yet", ""))
    rating: TargetRating = NO_TARGET
    #: The indicator's targets by year (`year_targets`), keyed by the year's first calendar year.
    targets: dict[int, YearTarget] = field(default_factory=dict)

    def target_of(self, point: Point) -> Decimal | None:
        """The target a point is rated against: its year's, or the standing one."""
        return target_for(self.indicator, self.targets, point.start)[0]

    @property
    def has_target(self) -> bool:
        """Whether any period may be rated: a standing target or a year's."""
        return self.indicator.polarity != Polarity.NEITHER and (
            self.indicator.target is not None or bool(self.targets)
        )

    def _target_shown(self, start: datetime.date) -> str:
        if not self.has_target:
            return ""
        target, _, year = target_for(self.indicator, self.targets, start)
        shown = format_number(target, self.indicator.unit)
        return f"{shown} ({year} target)" if shown and year else shown

    @property
    def latest_target_year(self) -> str:
        """The year whose own target rates the latest figure, or "" when
        the standing target (or none) does."""
        if self.latest is None:
            return ""
        return target_for(self.indicator, self.targets, self.latest.start)[2]

    def comparator_for(self, kind: str, point: Point | None) -> ComparatorPoint | None:
        """The comparator for the point's period or, failing that, the
        latest before it (its label says which period it is)."""
        if point is None:
            return None
        earlier = [c for c in self.comparators.get(kind, []) if c.start <= point.start]
        return max(earlier, key=lambda c: c.start) if earlier else None

    @property
    def england(self) -> ComparatorPoint | None:
        return self.comparator_for(Comparator.Kind.ENGLAND, self.latest)

    @property
    def region(self) -> ComparatorPoint | None:
        return self.comparator_for(Comparator.Kind.REGION, self.latest)

    @property
    def neighbours(self) -> ComparatorPoint | None:
        return self.comparator_for(Comparator.Kind.NEIGHBOURS, self.latest)

    @property
    def table(self) -> list[TableRow]:
        """Each period, newest first, with England and the neighbours beside it."""
        england = {c.start: c for c in self.comparators.get(Comparator.Kind.ENGLAND, [])}
        neighbours = {c.start: c for c in self.comparators.get(Comparator.Kind.NEIGHBOURS, [])}
        points = {p.start: p for p in self.points}
        starts = sorted({*points, *england, *neighbours}, reverse=True)
        return [
            TableRow(
                points.get(start),
                england.get(start),
                neighbours.get(start),
                period_label(self.points[0].kind if self.points else PeriodKind.YEAR, start)
                if start not in points
                else points[start].label,
                self._target_shown(start),
            )
            for start in starts
        ]

    @property
    def needs_attention(self) -> bool:
        return self.rating.off or self.direction.worse

    @property
    def summary(self) -> str:
        """The chart in words, for everyone and for screen readers."""
        name = self.indicator.name
        if self.latest is None:
            return f"{name}: no values recorded yet."
        counted = [p for p in self.points if not p.suppressed]
        gaps = [p for p in self.points if p.suppressed]
        parts = [f"{name}: {self.latest.shown} in {self.latest.label}"]
        if self.previous is not None:
            parts.append(f"against {self.previous.shown} in {self.previous.label}")
        text = " ".join(parts) + f". {self.direction.words}."
        if len(counted) > 1:
            low = min(counted, key=lambda p: p.value or 0)
            high = max(counted, key=lambda p: p.value or 0)
            text += (
                f" Over {len(self.points)} periods it ranged from {low.shown} ({low.label})"
                f" to {high.shown} ({high.label})."
            )
        if gaps:
            text += " Suppressed: " + ", ".join(f"{p.label} ({p.marker})" for p in gaps) + "."
        return text


@dataclass(frozen=True)
class Edition:
    """One edition of a period's figure, as read for the scorecard."""

    kind: str
    start: datetime.date
    end: datetime.date
    edition: int
    value: Decimal | None
    marker: str
    source: str
    unit: str

    @property
    def shown(self) -> str:
        return marker_words(self.marker) if self.marker else format_number(self.value, self.unit)


VALUE_COLUMNS = (
    "indicator_id",
    "period_kind",
    "period_start",
    "period_end",
    "edition",
    "value",
    "marker",
    "source__title",
)
COMPARATOR_COLUMNS = (
    "indicator_id",
    "kind",
    "period_kind",
    "period_start",
    "value",
    "marker",
    "source__title",
    "area_name",
    "neighbours_used",
    "neighbours_listed",
)


def _points(editions: list[Edition]) -> list[Point]:
    by_period: dict[tuple[str, datetime.date], list[Edition]] = defaultdict(list)
    for edition in editions:
        by_period[(edition.kind, edition.start)].append(edition)
    points = []
    for (kind, start), found in sorted(by_period.items(), key=lambda item: item[0][1]):
        found.sort(key=lambda e: e.edition)
        used = found[-1]
        points.append(
            Point(
                kind=kind,
                start=start,
                end=used.end,
                value=used.value,
                marker=used.marker,
                source=used.source,
                edition=used.edition,
                unit=used.unit,
                other_editions=found[:-1],
            )
        )
    return points


def statuses(indicators: QuerySet[Indicator]) -> list[IndicatorStatus]:
    """Every indicator of the queryset with its series, comparators and
    judgements: four queries (the targets by year the fourth), however many
    indicators and periods. Values
    and comparators are read as plain rows (a model instance for each of
    thousands of rows costs more than everything else together)."""
    found = list(
        indicators.select_related("board", "priority", "priority__plan").order_by(
            "position", "name", "pk"
        )
    )
    units = {i.pk: i.unit for i in found}
    ids = list(units)
    editions: dict[int, list[Edition]] = defaultdict(list)
    # No order: the model's default joins the indicator and the board to sort
    # by them, and the series are sorted here anyway.
    rows = (
        IndicatorValue.objects.filter(indicator_id__in=ids).order_by().values_list(*VALUE_COLUMNS)
    )
    for indicator_id, kind, start, end, edition, value, marker, source in rows:
        editions[indicator_id].append(
            Edition(kind, start, end, edition, value, marker, source, units[indicator_id])
        )
    comparators: dict[int, dict[str, list[ComparatorPoint]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in (
        Comparator.objects.filter(indicator_id__in=ids)
        .order_by("period_start")
        .values_list(*COMPARATOR_COLUMNS)
    ):
        indicator_id, kind, period_kind, start, value, marker, source, area, used, listed = row
        comparators[indicator_id][kind].append(
            ComparatorPoint(
                kind=kind,
                start=start,
                label=period_label(period_kind, start),
                value=value,
                marker=marker,
                source=source,
                unit=units[indicator_id],
                area_name=area,
                neighbours_used=used,
                neighbours_listed=listed,
            )
        )
    targets = year_targets(ids)
    result = []
    urls: dict[str, str] = {}  # reverse once per board: the code is a slug
    for indicator in found:
        points = _points(editions[indicator.pk])
        slug = indicator.board.slug
        if slug not in urls:
            urls[slug] = reverse(
                "indicators:indicator", kwargs={"board": slug, "indicator": "indicator-code"}
            )
        status = IndicatorStatus(
            indicator=indicator,
            url=urls[slug].replace("/indicator-code/", f"/{indicator.code}/"),
            points=points,
            comparators=comparators[indicator.pk],
            targets=targets.get(indicator.pk, {}),
        )
        status.latest = points[-1] if points else None
        status.previous = points[-2] if len(points) > 1 else None
        status.direction = direction_of_travel(indicator.polarity, status.latest, status.previous)
        status.rating = target_rating(indicator, status.latest, status.targets)
        result.append(status)
    return result


@dataclass
class PriorityGroup:
    priority: Priority | None
    statuses: list[IndicatorStatus]

    @property
    def title(self) -> str:
        return str(self.priority) if self.priority else "Not linked to a priority"

    @property
    def key(self) -> str:
        return priority_key(self.priority)


def priority_key(priority: Priority | None) -> str:
    """How the scorecard names a priority in its address: the plan's slug and
    the priority's number ("business-plan-3"), or "none"."""
    return f"{priority.plan.slug}-{priority.number}" if priority else "none"


def _group_order(priority: Priority | None) -> tuple[int, str, int]:
    return (1, "", 0) if priority is None else (0, priority.plan.title, priority.number)


def scorecard(*, board: Board) -> list[PriorityGroup]:
    """The board's indicators grouped by the priority they evidence (in the
    plan's order), those linked to none last."""
    groups: dict[int | None, PriorityGroup] = {}
    for status in statuses(Indicator.objects.filter(board=board)):
        priority = status.indicator.priority
        key = priority.pk if priority else None
        groups.setdefault(key, PriorityGroup(priority, [])).statuses.append(status)
    return sorted(groups.values(), key=lambda g: _group_order(g.priority))


def indicator_status(*, indicator: Indicator) -> IndicatorStatus:
    return statuses(Indicator.objects.filter(pk=indicator.pk))[0]


@dataclass(frozen=True)
class PriorityRef:
    """A priority as the scorecard's overview groups by it: plain values."""

    pk: int
    number: int
    title: str
    plan_slug: str
    plan_title: str

    def __str__(self) -> str:
        return f"Priority {self.number}: {self.title}"


@dataclass(frozen=True)
class IndicatorRef:
    """What a row shows and judges of an indicator: plain values, read
    without building a model instance for each of hundreds of indicators."""

    pk: int
    code: str
    name: str
    unit: str
    polarity: str
    target: Decimal | None
    tolerance: Decimal | None
    priority: PriorityRef | None


@dataclass
class IndicatorLine:
    """An indicator as the scorecard's overview and the chair's dashboard
    show it: the latest period and the one before (each the latest edition),
    whether the latest was revised, the judgements, and England and the
    statistical neighbours for the latest period (or the latest before it)."""

    indicator: IndicatorRef
    url: str
    latest: Point | None = None
    previous: Point | None = None
    revised: bool = False
    #: The figure the latest revises (the latest earlier edition that differs), as shown.
    revised_from: str = ""
    direction: Direction = field(default_factory=lambda: Direction("none", "No value yet", ""))
    rating: TargetRating = NO_TARGET
    comparators: dict[str, ComparatorPoint] = field(default_factory=dict)

    @property
    def england(self) -> ComparatorPoint | None:
        return self.comparators.get(Comparator.Kind.ENGLAND)

    @property
    def neighbours(self) -> ComparatorPoint | None:
        return self.comparators.get(Comparator.Kind.NEIGHBOURS)

    @property
    def needs_attention(self) -> bool:
        return self.rating.off or self.direction.worse


@dataclass
class LineGroup:
    priority: PriorityRef | None
    statuses: list[IndicatorLine]

    @property
    def title(self) -> str:
        return str(self.priority) if self.priority else "Not linked to a priority"

    @property
    def key(self) -> str:
        p = self.priority
        return f"{p.plan_slug}-{p.number}" if p else "none"


def _indicator_urls(board_slug: str) -> str:
    return reverse(
        "indicators:indicator", kwargs={"board": board_slug, "indicator": "indicator-code"}
    )


INDICATOR_COLUMNS = (
    "pk",
    "code",
    "name",
    "unit",
    "polarity",
    "target",
    "tolerance",
    "board__slug",
    "priority_id",
    "priority__number",
    "priority__title",
    "priority__plan__slug",
    "priority__plan__title",
)
#: A row's columns: what the judgements and the row need, nothing more
#: (at ten times the seeds' size, every column read is converted thousands of times).
#: The period's start is read as its ISO text (`iso_start`).
LINE_VALUE_COLUMNS = ("indicator_id", "period_kind", "start_text", "edition", "number", "marker")
LINE_COMPARATOR_COLUMNS = (
    "indicator_id",
    "kind",
    "period_kind",
    "start_text",
    "number",
    "marker",
    "neighbours_used",
    "neighbours_listed",
)
#: Figures are stored with at most 14 digits, 4 after the point.
PLACES = Decimal("0.0001")
FIFTEEN_DIGITS = decimal.Context(prec=15)


def as_float() -> Cast:
    """The value read as a float: a row that is not shown then costs no
    Decimal (reading thousands of values as Decimals was most of the
    overview's time). `exact` turns a shown one back into its Decimal."""
    return Cast("value", FloatField())


def iso_start() -> IsoDate:
    """The period's start as ISO text: the rows of the overview are grouped,
    sorted and compared by it, and only a shown period's start is made a
    date (`datetime.date.fromisoformat`). Converting the start of every
    value and comparator read, thousands at ten times the seeds' size, was
    a sixth of the scorecard's time on SQLite."""
    return IsoDate("period_start")


def exact(number: float | None) -> Decimal | None:
    """A figure read by `as_float` as the Decimal it is stored as: at most 14
    significant digits, so a float carries it exactly to 15 digits and back
    (as Django itself reads decimals from SQLite)."""
    if number is None:
        return None
    return FIFTEEN_DIGITS.create_decimal_from_float(number).quantize(PLACES)


def _refs(indicators: QuerySet[Indicator]) -> list[tuple[IndicatorRef, str]]:
    priorities: dict[int, PriorityRef] = {}
    found = []
    rows = indicators.order_by("position", "name", "pk").values_list(*INDICATOR_COLUMNS)
    for (
        pk,
        code,
        name,
        unit,
        polarity,
        target,
        tolerance,
        slug,
        p_id,
        number,
        title,
        plan_slug,
        plan_title,
    ) in rows:
        priority = None
        if p_id is not None:
            priority = priorities.get(p_id)
            if priority is None:
                priority = priorities[p_id] = PriorityRef(
                    p_id, number, title, plan_slug, plan_title
                )
        ref = IndicatorRef(pk, code, name, unit, polarity, target, tolerance, priority)
        found.append((ref, slug))
    return found


#: {indicator: {(start, kind): every edition's row of the period, as read}}
Periods = dict[int, dict[tuple[datetime.date, str], list[tuple[Any, ...]]]]


def _latest_editions(indicators: QuerySet[Indicator]) -> Periods:
    """Every edition's row of each period, grouped; which edition is the
    latest is worked out by `_judge` for the two periods a line shows only
    (at ten times the seeds' size, most rows are of periods no line shows).
    One query."""
    periods: Periods = defaultdict(dict)
    rows = (
        IndicatorValue.objects.filter(indicator__in=indicators.order_by().values("pk"))
        .annotate(number=as_float(), start_text=iso_start())
        .order_by()
        .values_list(*LINE_VALUE_COLUMNS)
    )
    for row in rows:
        own = periods[row[0]]
        key = (row[2], row[1])
        editions = own.get(key)
        if editions is None:
            own[key] = [row]
        else:
            editions.append(row)
    return periods


def _latest_of(editions: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The row of a period's latest edition (the first read, should two
    share a number)."""
    latest = editions[0]
    for row in editions:
        if row[3] > latest[3]:
            latest = row
    return latest


def _judge(
    line: IndicatorLine,
    own: dict[tuple[datetime.date, str], list[tuple[Any, ...]]],
    targets: dict[int, YearTarget],
) -> None:
    """The line's last two periods and its judgements."""
    ref = line.indicator
    last = sorted(own.items(), key=lambda item: item[0][0])[-2:]
    latest_rows = [_latest_of(editions) for _key, editions in last]
    points = []
    for row in latest_rows:
        start = datetime.date.fromisoformat(row[2])
        points.append(Point(row[1], start, start, exact(row[4]), row[5], "", row[3], ref.unit))
    if points:
        line.latest = points[-1]
        row = latest_rows[-1]
        edition = row[3]
        line.revised_from = _revised_from(
            (row[4], row[5]),
            [(e[3], e[4], e[5]) for e in last[-1][1] if e[3] < edition],
            ref.unit,
        )
        line.revised = bool(line.revised_from)
        line.previous = points[0] if len(points) > 1 else None
    line.direction = direction_of_travel(ref.polarity, line.latest, line.previous)
    line.rating = target_rating(ref, line.latest, targets)


def _revised_from(
    figure: tuple[float | None, str], earlier: list[tuple[int, float | None, str]], unit: str
) -> str:
    """The figure read as a float (`as_float`) that `figure` revises, as
    shown, or "" when the earlier editions all state the same."""
    found = revised_edition(figure, [(e[0], e[1], e[2], e) for e in earlier])
    if found is None:
        return ""
    _, number, marker = found
    return marker_words(marker) if marker else format_number(exact(number), unit)


def _add_comparators(indicators: QuerySet[Indicator], lines: dict[int, IndicatorLine]) -> None:
    """England and the neighbours for each line's latest period, or the
    latest before it, as IndicatorStatus.comparator_for picks them. One query."""
    best: dict[tuple[int, str], tuple[Any, ...]] = {}
    rows = (
        Comparator.objects.filter(
            indicator__in=indicators.order_by().values("pk"),
            kind__in=(Comparator.Kind.ENGLAND, Comparator.Kind.NEIGHBOURS),
        )
        .annotate(number=as_float(), start_text=iso_start())
        .order_by()
        .values_list(*LINE_COMPARATOR_COLUMNS)
    )
    # Each line's latest start as ISO text, as the rows' starts are read.
    latest_starts = {
        pk: line.latest.start.isoformat() for pk, line in lines.items() if line.latest is not None
    }
    for row in rows:
        latest = latest_starts.get(row[0])
        if latest is None or row[3] > latest:
            continue
        chosen = best.get((row[0], row[1]))
        if chosen is None or row[3] > chosen[3]:
            best[(row[0], row[1])] = row
    for (indicator_id, kind), row in best.items():
        _, _, period_kind, start_text, number, marker, used, listed = row
        start = datetime.date.fromisoformat(start_text)
        lines[indicator_id].comparators[kind] = ComparatorPoint(
            kind=kind,
            start=start,
            label=period_label(period_kind, start),
            value=exact(number),
            marker=marker,
            source="",
            unit=lines[indicator_id].indicator.unit,
            neighbours_used=used,
            neighbours_listed=listed,
        )


def indicator_lines(
    indicators: QuerySet[Indicator], *, comparators: bool = True
) -> list[IndicatorLine]:
    """Each indicator of the queryset with its last two periods and their
    judgements, and (with `comparators`) England and the neighbours for the
    latest period or the latest before it: four queries (three without
    comparators; the targets by year are one), however many indicators and periods. Plain rows, and an
    object built only for what is shown; the judgements are the ones
    `statuses` makes from the whole series (direction_of_travel, target_rating)."""
    found = _refs(indicators)
    if not found:
        return []
    periods = _latest_editions(indicators)
    targets = year_targets(indicators.order_by().values("pk"))
    lines: dict[int, IndicatorLine] = {}
    urls: dict[str, str] = {}  # reverse once per board: the code is a slug
    for ref, slug in found:
        if slug not in urls:
            urls[slug] = _indicator_urls(slug)
        line = IndicatorLine(ref, urls[slug].replace("/indicator-code/", f"/{ref.code}/"))
        _judge(line, periods.get(ref.pk, {}), targets.get(ref.pk, {}))
        lines[ref.pk] = line
    if comparators:
        _add_comparators(indicators, lines)
    return list(lines.values())


def scorecard_overview(*, board: Board) -> list[LineGroup]:
    """The scorecard's first page: every indicator's row (`indicator_lines`),
    grouped by priority as `scorecard` groups them. Four queries."""
    groups: dict[int | None, LineGroup] = {}
    for line in indicator_lines(Indicator.objects.filter(board=board)):
        priority = line.indicator.priority
        key = priority.pk if priority else None
        groups.setdefault(key, LineGroup(priority, [])).statuses.append(line)

    def order(group: LineGroup) -> tuple[int, str, int]:
        p = group.priority
        return (1, "", 0) if p is None else (0, p.plan_title, p.number)

    return sorted(groups.values(), key=order)


@dataclass(frozen=True)
class PriorityCount:
    key: str
    title: str
    count: int


def scorecard_priorities(*, board: Board) -> list[PriorityCount]:
    """The priorities the board's indicators evidence, in the scorecard's
    order, each with its address key and how many indicators it has. One query."""
    rows = (
        Indicator.objects.filter(board=board)
        .values(
            "priority_id",
            "priority__number",
            "priority__title",
            "priority__plan__slug",
            "priority__plan__title",
        )
        .annotate(count=Count("pk"))
        .order_by()
    )
    found = []
    for row in rows:
        if row["priority_id"] is None:
            found.append(
                ((1, "", 0), PriorityCount("none", "Not linked to a priority", row["count"]))
            )
            continue
        number = row["priority__number"]
        key = f"{row['priority__plan__slug']}-{number}"
        title = f"Priority {number}: {row['priority__title']}"
        found.append(
            ((0, row["priority__plan__title"], number), PriorityCount(key, title, row["count"]))
        )
    return [count for _, count in sorted(found, key=lambda f: f[0])]


def scorecard_for_priority(*, board: Board, key: str) -> PriorityGroup | None:
    """The full series (`statuses`) of the indicators of one priority, named
    by its key ("business-plan-3", or "none" for those linked to none);
    None for a key the board has no indicator under. Four queries."""
    if key == "none":
        indicators = Indicator.objects.filter(board=board, priority__isnull=True)
    else:
        plan, _, number = key.rpartition("-")
        if not plan or not number.isdigit() or len(number) > 5:
            return None
        indicators = Indicator.objects.filter(
            board=board, priority__plan__slug=plan, priority__number=int(number)
        )
    found = statuses(indicators)
    if not found:
        return None
    return PriorityGroup(found[0].indicator.priority, found)


def indicators_needing_attention(*, board: Board) -> list[IndicatorLine]:
    """The board's indicators off target or getting worse, each with its
    latest value, the previous one, the direction, the rating and its url
    (``.latest``, ``.previous``, ``.direction``, ``.rating``, ``.url``).
    Three queries, however many indicators and periods. An indicator whose
    polarity is neither is never rated nor judged worse, so it is not read."""
    watched = Indicator.objects.filter(board=board).exclude(polarity=Polarity.NEITHER)
    return [line for line in indicator_lines(watched, comparators=False) if line.needs_attention]


@dataclass(frozen=True)
class ValueChange:
    """An indicator whose values were recorded or revised in the time: the
    newest of those values, and how many there were (an import can record
    dozens at once)."""

    code: str
    name: str
    value_id: int
    period: str
    shown: str
    recorded_at: datetime.datetime
    #: Which publication of the period's figure this is (1 for the first).
    edition: int
    #: The earlier figure this one revises, as shown; "" when it is the first
    #: edition or states the same figure as every edition before it.
    revised_from: str
    url: str
    count: int

    @property
    def revised(self) -> bool:
        return bool(self.revised_from)

    @property
    def restates(self) -> bool:
        """A later edition repeating the figure: the same figure again, no revision."""
        return self.edition > 1 and not self.revised_from


@dataclass(frozen=True)
class ValueChanges:
    """The first `limit` indicators with values recorded or revised in the
    time (newest first), and how many indicators there were in all."""

    listed: list[ValueChange]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.listed)


def indicator_values_changed_since(
    *, board: Board, since: datetime.datetime, limit: int | None = None
) -> ValueChanges:
    """The board's indicators with values recorded or changed since `since`,
    one entry per indicator (its newest such value and how many there were),
    newest first, then by name and code, leaving out what was loaded from past
    reports (a figure of 2017 loaded today did not move since the meeting).
    At most `limit` entries are built; `total` counts them all.

    Two queries of plain rows: one row per indicator that changed (when its
    newest value was recorded, how many there were), then the values of only
    the first `limit` of them; a third when a listed value is a later
    edition, for the editions before it, so that only a figure that differs
    is called revised (the rule the scorecard follows). (One query numbering every value by a window
    function read and converted each changed value, thousands after an import.)"""
    changed = without_loaded_records(
        IndicatorValue.objects.filter(indicator__board=board, recorded_at__gte=since)
    )
    indicators = list(
        changed.values("indicator_id")
        .annotate(newest=Max("recorded_at"), count=Count("pk"))
        .order_by("-newest", "indicator__name", "indicator__code")
        .values_list("indicator_id", "count")
    )
    shown = dict(indicators if limit is None else indicators[:limit])
    newest: dict[int, tuple[Any, ...]] = {}
    rows = (
        changed.filter(indicator_id__in=list(shown))
        .annotate(number=as_float())
        .order_by("-recorded_at", "-pk")
        .values_list(
            "indicator_id",
            "indicator__code",
            "indicator__name",
            "indicator__unit",
            "pk",
            "period_kind",
            "period_start",
            "number",
            "marker",
            "recorded_at",
            "edition",
        )
    )
    for row in rows if shown else ():
        newest.setdefault(row[0], row)
    earlier = _earlier_editions(newest.values())
    base = _indicator_urls(board.slug)
    listed = []
    for indicator_id, count in shown.items():
        _, code, name, unit, pk, kind, start, number, marker, recorded_at, edition = newest[
            indicator_id
        ]
        listed.append(
            ValueChange(
                code=code,
                name=name,
                value_id=pk,
                period=period_label(kind, start),
                shown=marker_words(marker) if marker else format_number(exact(number), unit),
                recorded_at=recorded_at,
                edition=edition,
                revised_from=_revised_from(
                    (number, marker), earlier.get((indicator_id, kind, start, edition), []), unit
                ),
                url=base.replace("/indicator-code/", f"/{quote(code)}/"),
                count=count,
            )
        )
    return ValueChanges(listed, len(indicators))


def _earlier_editions(
    newest: Iterable[tuple[Any, ...]],
) -> dict[tuple[int, str, datetime.date, int], list[tuple[int, float | None, str]]]:
    """The editions before each listed later edition of its period, keyed by
    (indicator, period kind, period start, edition), read as floats like the
    listed ones. One query, and none when every listed value is a first
    edition (as nearly all are)."""
    later = {(row[0], row[5], row[6]): row[10] for row in newest if row[10] > 1}
    found: dict[tuple[int, str, datetime.date, int], list[tuple[int, float | None, str]]] = {}
    if not later:
        return found
    rows = (
        IndicatorValue.objects.filter(
            indicator_id__in={key[0] for key in later},
            period_start__in={key[2] for key in later},
        )
        .annotate(number=as_float())
        .order_by()
        .values_list("indicator_id", "period_kind", "period_start", "edition", "number", "marker")
    )
    for indicator_id, kind, start, edition, number, marker in rows:
        listed = later.get((indicator_id, kind, start))
        if listed is not None and edition < listed:
            found.setdefault((indicator_id, kind, start, listed), []).append(
                (edition, number, marker)
            )
    return found


def indicator_values(*, indicator: Indicator) -> QuerySet[IndicatorValue]:
    """Every value of an indicator, each edition, with its source."""
    return (
        IndicatorValue.objects.filter(indicator=indicator)
        .select_related("source")
        .order_by("-period_start", "-edition")
    )


def mark_restatements(values: list[IndicatorValue]) -> None:
    """Set `restates` on each edition that states the same figure (or
    marker) as the edition before it: a later publication repeating a figure
    revises nothing, so the indicator's page does not call it a revision."""
    before: dict[tuple[str, datetime.date, int], IndicatorValue] = {
        (v.period_kind, v.period_start, v.edition): v for v in values
    }
    for value in values:
        previous = before.get((value.period_kind, value.period_start, value.edition - 1))
        value.restates = previous is not None and not differs(  # type: ignore[attr-defined]
            (value.value, value.marker), (previous.value, previous.marker)
        )


def indicator_comparators(*, indicator: Indicator) -> QuerySet[Comparator]:
    return (
        Comparator.objects.filter(indicator=indicator)
        .select_related("source")
        .order_by("-period_start", "kind")
    )


def indicator_targets(*, indicator: Indicator) -> list[IndicatorTarget]:
    """The indicator's targets by year, latest year first, each with `shown`
    (the target in its unit). One query."""
    found = list(
        IndicatorTarget.objects.filter(indicator=indicator)
        .select_related("year", "source")
        .order_by("-year__start")
    )
    for target in found:
        target.shown = format_number(target.target, indicator.unit)  # type: ignore[attr-defined]
    return found
