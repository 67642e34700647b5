import datetime
from typing import Any
from urllib.parse import quote

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from priorities.models import RATING_TAG_CLASSES, Rating

register = template.Library()


@register.simple_tag
def rating_tag(value: str | None, dimension: str = "") -> str:
    """A GOV.UK tag naming the rating in words; the colour only helps."""
    prefix = f"{dimension} " if dimension else ""
    if not value:
        return format_html(
            '<span class="assure-not-assessed">{}</span>', f"{prefix}not assessed".capitalize()
        )
    css = RATING_TAG_CLASSES.get(value, "govuk-tag--grey")
    label = Rating(value).label if value in Rating.values else value
    return format_html(
        '<strong class="govuk-tag {}">{}{}</strong>', css, prefix.capitalize(), label
    )


@register.simple_tag
def plan_rows(actions: list[Any], plan_url: str) -> SafeString:
    """A priority's action rows, built in Python: a plan page at ten times a
    real plan's size has thousands of cells."""
    rows = []
    for action in actions:
        due = (
            format_html('<br><span class="govuk-body-s">Due {}</span>', _date(action.due_date))
            if action.due_date
            else ""
        )
        rows.append(
            format_html(
                '<tr class="govuk-table__row" id="ref-{}"><th scope="row" class="govuk-table__header">'
                '<a class="govuk-link" href="{}actions/{}/">{}</a></th>'
                '<td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}{}</td>'
                '<td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}</td>'
                '<td class="govuk-table__cell">{}</td></tr>',
                action.ref,
                plan_url,
                quote(action.ref),
                action.ref,
                Truncator(action.description).chars(200),
                action.timescale,
                due,
                action.lead,
                rating_tag(action.current_process),
                rating_tag(action.current_impact),
            )
        )
    return SafeString("".join(rows))


def _date(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"
