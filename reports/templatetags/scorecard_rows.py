"""The scorecard overview's rows, built in Python with the standard library's
escaping: at ten times the seeds' size the overview lists hundreds of
indicators, and rendering each cell through the template engine would be
most of the page's time. The template holds the table's headings."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString

from indicators.selectors import ComparatorPoint, IndicatorLine, Point

register = template.Library()

CELL = '<td class="govuk-table__cell">'


def _period(point: Point | ComparatorPoint) -> str:
    return f' <span class="govuk-body-s">({escape(point.label)})</span>'


def _latest(line: IndicatorLine) -> str:
    point = line.latest
    if point is None:
        return "No value yet"
    suppressed = '<strong class="govuk-tag govuk-tag--grey">Suppressed</strong> '
    revised = (
        ' <strong class="govuk-tag govuk-tag--orange">Revised</strong>'
        f' <span class="govuk-body-s">(was {escape(line.revised_from)})</span>'
    )
    return (
        (suppressed if point.suppressed else "")
        + escape(point.shown)
        + _period(point)
        + (revised if line.revised else "")
    )


def _previous(line: IndicatorLine) -> str:
    point = line.previous
    return escape(point.shown) + _period(point) if point else "None"


def _comparator(found: ComparatorPoint | None, line: IndicatorLine) -> str:
    if found is None:
        return "Not recorded"
    text = escape(found.shown)
    if line.latest is None or found.label != line.latest.label:
        text += _period(found)
    if found.used_words:
        text += f' <span class="govuk-body-s">({escape(found.used_words)})</span>'
    return text


def _row(line: IndicatorLine) -> str:
    code = escape(line.indicator.code)
    direction = line.direction
    arrow = f'<span aria-hidden="true">{direction.arrow}</span> ' if direction.arrow else ""
    return (
        f'<tr class="govuk-table__row assure-scorecard__row" id="scorecard-{code}">'
        f'<th scope="row" class="govuk-table__header"><a class="govuk-link" '
        f'href="{escape(line.url)}">{escape(line.indicator.name)}</a></th>'
        f"{CELL}{_latest(line)}</td>"
        f"{CELL}{_previous(line)}</td>"
        f'<td class="govuk-table__cell assure-direction assure-direction--{direction.code}">'
        f"{arrow}{escape(direction.words)}</td>"
        f'{CELL}<strong class="govuk-tag {line.rating.tag}">{escape(line.rating.words)}</strong></td>'
        f"{CELL}{_comparator(line.england, line)}</td>"
        f"{CELL}{_comparator(line.neighbours, line)}</td></tr>"
    )


@register.simple_tag
def scorecard_rows(lines: list[IndicatorLine]) -> SafeString:
    """An indicator per row: its name (a link to its page with the chart and
    every value), the latest value, the one before, the direction of travel
    in words and an arrow, the rating against target, England and the
    statistical neighbours."""
    return SafeString("".join(_row(line) for line in lines))
