"""Key facts: the scorecard's figures for the report's year, with the year
before and the comparators."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from indicators import selectors as indicator_selectors
from indicators.models import Comparator, PeriodKind
from indicators.selectors import ComparatorPoint, IndicatorStatus, Point
from reports import charts
from reports.models import Section, SectionKind
from reports.sections.blocks import (
    BuiltSection,
    BulletList,
    Cell,
    Context,
    Figure,
    Heading,
    Highlight,
    Paragraph,
    Table,
)
from reports.sections.registry import register
from reports.sections.stated import stated_key_facts


@dataclass
class KeyFact:
    """One indicator's figure for the report's year, the year before, and
    what they are compared with."""

    status: IndicatorStatus
    point: Point
    previous: Point | None
    direction: str
    england: ComparatorPoint | None
    neighbours: ComparatorPoint | None
    #: The figure against its year's target (or the standing one) in words;
    #: "" where the indicator has no target at all.
    rating: str = ""


def _year_point(status: IndicatorStatus, start: datetime.date) -> Point | None:
    return next((p for p in status.points if p.kind == PeriodKind.YEAR and p.start == start), None)


def key_facts(ctx: Context) -> list[KeyFact]:
    """The scorecard's indicators that have a figure for the report's year,
    in the scorecard's order, each with the previous year's figure, the
    direction of travel between them, and England and the statistical
    neighbours for the year (or, as the scorecard does, the latest period
    before it, which the figure's label then names). Quarterly and monthly
    figures are left to the scorecard: a key fact is a whole year's figure,
    rated against the year's own target (or the standing one). Four queries,
    however many indicators."""
    start = ctx.year.start
    before = start.replace(year=start.year - 1)
    facts = []
    for group in indicator_selectors.scorecard(board=ctx.board):
        for status in group.statuses:
            point = _year_point(status, start)
            if point is None:
                continue
            previous = _year_point(status, before)
            direction = indicator_selectors.direction_of_travel(
                status.indicator.polarity, point, previous
            ).words.replace("the latest value", f"the {ctx.year.label} figure")
            direction = direction.replace(
                "the previous value", f"the {ctx.year.previous_label} figure"
            )
            facts.append(
                KeyFact(
                    status=status,
                    point=point,
                    previous=previous,
                    direction=direction,
                    england=status.comparator_for(Comparator.Kind.ENGLAND, point),
                    neighbours=status.comparator_for(Comparator.Kind.NEIGHBOURS, point),
                    rating=indicator_selectors.target_rating(
                        status.indicator, point, status.targets
                    ).words
                    if status.has_target
                    else "",
                )
            )
    return facts


def _comparator_text(comparator: ComparatorPoint | None, year_label: str) -> str:
    if comparator is None:
        return "Not known"
    text = comparator.shown
    notes = [comparator.label] if comparator.label != year_label else []
    if comparator.used_words:
        notes.append(comparator.used_words)
    return f"{text} ({'; '.join(notes)})" if notes else text


#: Key facts drawn as panels of the chart, and given on the "in numbers" page.
PANELS = 9
HIGHLIGHTS = 4
UNITS = {"percentage": "%", "money": "£"}


def _number(point: Point | ComparatorPoint | None) -> float | None:
    return float(point.value) if point is not None and point.value is not None else None


def _facts_chart(ctx: Context, built: BuiltSection, facts: list[KeyFact]) -> None:
    """Each key fact beside the year before, England and the statistical
    neighbours: a panel per indicator (each on its own scale), up to
    `PANELS` of them; the table below gives them all."""
    label, previous_label = ctx.year.label, ctx.year.previous_label
    shown = facts[:PANELS]
    panels = [
        (
            fact.status.indicator.name,
            [
                (previous_label, _number(fact.previous)),
                (label, _number(fact.point)),
                ("England", _number(fact.england)),
                ("Neighbours", _number(fact.neighbours)),
            ],
            UNITS.get(fact.status.indicator.unit, ""),
        )
        for fact in shown
    ]
    caption = f"Key facts, {label}, beside {previous_label}, England and statistical neighbours"
    summary = (
        f"Small bar charts, one for each of {len(shown)} of the {len(facts)} key facts, each "
        f"on its own scale: the {previous_label} figure, the {label} figure, England and the "
        "statistical neighbours where known (a suppressed or unknown figure has no bar). "
        + " ".join(
            f"{fact.status.indicator.name}: {fact.point.shown}"
            + (f", against {fact.previous.shown} in {previous_label}" if fact.previous else "")
            + (f", England {fact.england.shown}" if fact.england else "")
            + "."
            for fact in shown
        )
        + " The table below gives every figure."
    )
    built.blocks.append(
        Figure(
            key="key-facts-chart",
            caption=caption,
            summary=summary,
            labels=[name for name, _, _ in panels],
            values=[],
            unit="",
            table="key-facts",
            plot=charts.comparison_figure(title=caption, panels=panels),
        )
    )


@register(SectionKind.KEY_FACTS)
def build_key_facts(ctx: Context, section: Section) -> BuiltSection:
    """The scorecard's headline figures for the year with their comparators.
    A suppressed figure is shown by its marker and what it means, never as
    zero; every figure links to its indicator's page."""
    built = BuiltSection(section, section.get_kind_display())
    facts = key_facts(ctx)
    scorecard = ctx.url("reports:scorecard")
    if not facts:
        stated_key_facts(ctx, built)
        if not built.blocks:
            built.empty = f"No indicator on the scorecard has a figure for {ctx.year.label}."
        return built
    label, previous_label = ctx.year.label, ctx.year.previous_label
    built.blocks.append(
        Paragraph(
            f"The scorecard's figures for {label}, each with the figure for {previous_label}, "
            "which way it moved (judged by whether higher or lower is better), and England and "
            "the statistical neighbours where they are known. A suppressed figure is shown by "
            "its marker and is never counted as zero.",
            href=scorecard,
            link_text="The scorecard",
        )
    )
    _facts_chart(ctx, built, facts)
    rows = []
    # A column of ratings only where some indicator has a target to rate against.
    rated = any(fact.rating for fact in facts)
    for fact in facts:
        url = fact.status.url
        rows.append(
            [
                Cell(fact.status.indicator.name, href=url),
                Cell(fact.point.shown, href=url, numeric=True),
                Cell(fact.previous.shown, href=url, numeric=True)
                if fact.previous
                else Cell("No figure", numeric=True),
                Cell(fact.direction),
                *([Cell(fact.rating or "No target")] if rated else []),
                Cell(_comparator_text(fact.england, label), numeric=True),
                Cell(_comparator_text(fact.neighbours, label), numeric=True),
            ]
        )
    built.blocks.append(
        Table(
            key="key-facts",
            caption=f"Key facts, {label}",
            head=[
                "Indicator",
                label,
                previous_label,
                "Direction of travel",
                *([f"Against the {label} target"] if rated else []),
                "England",
                "Statistical neighbours",
            ],
            numeric=[False, True, True, False, *([False] if rated else []), True, True],
            rows=rows,
            source=scorecard,
        )
    )
    built.highlights += [
        Highlight(fact.point.shown, f"{fact.status.indicator.name} ({label})")
        for fact in facts[:HIGHLIGHTS]
    ]
    revised = [
        f"{fact.status.indicator.name}, {label}: {fact.point.shown} from {fact.point.source} "
        "revises "
        + "; ".join(f"{other.shown} from {other.source}" for other in fact.point.revises)
        + "."
        for fact in facts
        if fact.point.revised
    ]
    if revised:
        built.blocks.append(Heading("Revised figures"))
        built.blocks.append(BulletList(revised))
    stated_key_facts(ctx, built)
    return built
