import datetime
from html import escape
from typing import Any
from urllib.parse import quote

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from priorities.models import RATING_TAG_CLASSES, Rating
from priorities.selectors import is_overdue

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


#: Each rating's tag, rendered once; a plan page repeats them for every action.
TAGS = {value: rating_tag(value) for value in [*Rating.values, None]}


def _truncate(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@register.simple_tag
def plan_rows(actions: list[Any], plan_url: str, today: datetime.date | None = None) -> SafeString:
    """A priority's action rows, built in Python with the standard library's
    escaping: a plan page at ten times a real plan's size has thousands of
    cells, and Django's per-value escaping is the slow part. An action of a
    closed plan is never marked overdue (selectors.is_overdue)."""
    rows = []
    base = escape(plan_url)
    today = today or timezone.localdate()
    for action in actions:
        ref = escape(action.ref)
        due = (
            f'<br><span class="govuk-body-s">Due {action.due_date.day} {action.due_date:%b %Y}</span>'
            if action.due_date
            else ""
        )
        if is_overdue(action, today):
            due += ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>'
        rows.append(
            f'<tr class="govuk-table__row" id="ref-{ref}"><th scope="row" class="govuk-table__header">'
            f'<a class="govuk-link" href="{base}actions/{escape(quote(action.ref))}/">{ref}</a></th>'
            f'<td class="govuk-table__cell">{escape(_truncate(action.description))}</td>'
            f'<td class="govuk-table__cell">{escape(action.timescale)}{due}</td>'
            f'<td class="govuk-table__cell">{escape(action.lead)}</td>'
            f'<td class="govuk-table__cell">{TAGS.get(action.current_process, "")}</td>'
            f'<td class="govuk-table__cell">{TAGS.get(action.current_impact, "")}</td></tr>'
        )
    return SafeString("".join(rows))
