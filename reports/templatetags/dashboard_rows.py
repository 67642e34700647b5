"""The chair's dashboard's table rows, built in Python with the standard
library's escaping: at ten times the seeds' size the dashboard lists hundreds
of actions, and rendering each cell through the template engine was most of
the page's time. One builder per kind of row; the templates hold the tables'
headings."""

from __future__ import annotations

import datetime
from functools import lru_cache
from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from indicators.selectors import IndicatorLine, Point, ValueChange
from priorities.templatetags.ratings import TAGS
from reports.dashboard import ActionLine, RatingChange

register = template.Library()


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@lru_cache(maxsize=1024)
def _date(day: datetime.date | None, blank: str) -> str:
    return f"{day.day} {day:%b %Y}" if day else blank


def _action_cell(url: str, ref: str, below: str) -> str:
    ref = escape(ref)
    return (
        f'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="{escape(url)}">'
        f'{ref}<span class="govuk-visually-hidden"> (history of action {ref})</span></a>'
        f'<br><span class="govuk-body-s">{below}</span></th>'
    )


def _reasons(line: ActionLine, stale_days: int) -> str:
    reasons = []
    if line.worrying:
        reasons.append("Rated red or amber")
    if line.overdue:
        reasons.append("Overdue")
    if line.stale:
        reasons.append(
            "Never assessed"
            if line.never_assessed
            else f"Not assessed for more than {stale_days} days"
        )
    return "".join(f"<li>{r}</li>" for r in reasons)


@register.simple_tag
def attention_rows(lines: list[ActionLine], stale_days: int) -> SafeString:
    """An action per row: its ref (a link to its history) and words, its
    ratings, due date, last assessment and why it is listed."""
    cell = '<td class="govuk-table__cell">'
    return SafeString(
        "".join(
            '<tr class="govuk-table__row">'
            + _action_cell(line.url, line.ref, escape(_truncate(line.description, 140)))
            + f"{cell}{TAGS.get(line.process, '')}</td>"
            + f"{cell}{TAGS.get(line.impact, '')}</td>"
            + f"{cell}{_date(line.due_date, 'Not set')}</td>"
            + f"{cell}{_date(line.last_assessed, 'Never')}</td>"
            + f'{cell}<ul class="govuk-list govuk-!-margin-bottom-0">'
            + f"{_reasons(line, stale_days)}</ul></td></tr>"
            for line in lines
        )
    )


def _before_after(before: str | None, after: str, moved: bool) -> str:
    unchanged = "" if moved else ' <span class="govuk-body-s">(no change)</span>'
    return f"{TAGS.get(before, TAGS[None])} to {TAGS.get(after, '')}{unchanged}"


@register.simple_tag
def change_rows(changes: list[RatingChange]) -> SafeString:
    """A new assessment per row: the action, the date, and each rating
    before and after it."""
    cell = '<td class="govuk-table__cell">'
    return SafeString(
        "".join(
            '<tr class="govuk-table__row">'
            + _action_cell(
                c.url,
                c.ref,
                f"{escape(c.plan_title)}: {escape(_truncate(c.description, 100))}",
            )
            + f"{cell}{_date(c.assessed_on, '')}</td>"
            + f"{cell}{_before_after(c.before_process, c.process, c.process_moved)}</td>"
            + f"{cell}{_before_after(c.before_impact, c.impact, c.impact_moved)}</td></tr>"
            for c in changes
        )
    )


def _edition(change: ValueChange) -> str:
    """Words as the scorecard's: "Revised (was 2,455)" only where the figure
    differs from an earlier edition, and a later edition stating the same
    figure said to be that."""
    if change.revised:
        return (
            ' <strong class="govuk-tag govuk-tag--orange">Revised</strong>'
            f' <span class="govuk-body-s">(was {escape(change.revised_from)})</span>'
        )
    if change.restates:
        return (
            f' <strong class="govuk-tag govuk-tag--grey">Edition {change.edition}</strong>'
            ' <span class="govuk-body-s">(the same figure again)</span>'
        )
    return ""


@register.simple_tag
def value_rows(changes: list[ValueChange]) -> SafeString:
    """An indicator whose values were recorded or revised per row: its name
    (a link to its page), the newest of those values, when, and how many."""
    cell = '<td class="govuk-table__cell">'
    return SafeString(
        "".join(
            '<tr class="govuk-table__row">'
            f'<th scope="row" class="govuk-table__header"><a class="govuk-link" '
            f'href="{escape(c.url)}">{escape(c.name)}</a></th>'
            f"{cell}{escape(c.period)}: {escape(c.shown)}{_edition(c)}</td>"
            f"{cell}{_date(timezone.localdate(c.recorded_at), '')}</td>"
            f"{cell}{c.count}</td></tr>"
            for c in changes
        )
    )


def _figure(point: Point | None, blank: str) -> str:
    if point is None:
        return blank
    return f'{escape(point.shown)}<br><span class="govuk-body-s">{escape(point.label)}</span>'


@register.simple_tag
def indicator_rows(lines: list[IndicatorLine]) -> SafeString:
    """An indicator off target or getting worse per row: its name (a link to
    its page with the chart), the latest figure, the one before, the
    direction of travel in words and an arrow, and the rating against target."""
    cell = '<td class="govuk-table__cell">'
    rows = []
    for line in lines:
        arrow = line.direction.arrow
        rows.append(
            '<tr class="govuk-table__row">'
            f'<th scope="row" class="govuk-table__header"><a class="govuk-link" '
            f'href="{escape(line.url)}">{escape(line.indicator.name)}</a></th>'
            f"{cell}{_figure(line.latest, 'No value yet')}</td>"
            f"{cell}{_figure(line.previous, 'None')}</td>"
            f"{cell}{f'<span aria-hidden="true">{arrow}</span> ' if arrow else ''}"
            f"{escape(line.direction.words)}</td>"
            f'{cell}<strong class="govuk-tag {line.rating.tag}">{escape(line.rating.words)}'
            "</strong></td></tr>"
        )
    return SafeString("".join(rows))
