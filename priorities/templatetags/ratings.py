from django import template
from django.utils.html import format_html

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
