from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def widget_type(field: BoundField) -> str:
    return field.field.widget.__class__.__name__.lower()


@register.filter
def add_class(field: BoundField, css: str) -> str:
    return field.as_widget(attrs={"class": css})


@register.filter
def gbp(value: Decimal | None) -> str:
    """£1,234.56, with a minus sign for a fall."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


@register.filter
def signed_gbp(value: Decimal | None) -> str:
    if value is None:
        return "Not known"
    if value == 0:
        return "No change"
    return f"+{gbp(value)}" if value > 0 else gbp(value)


@register.simple_tag(takes_context=True)
def querystring_with(context: dict[str, Any], **kwargs: Any) -> str:
    """The current query string with some parameters replaced."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def get_item(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key)


@register.filter
def length_of_status(preview: Any, status: str) -> int:
    return preview.count(status)
