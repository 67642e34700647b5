"""The print template's table layout: each table's kind and its columns'
classes, which templates/pdf/annual_report.css sizes (reports.pdf)."""

from __future__ import annotations

from django import template

from reports import pdf
from reports.sections import Table

register = template.Library()


@register.filter
def table_kind(table: Table) -> str:
    return pdf.table_kind(table)


@register.filter
def column_classes(table: Table) -> list[str]:
    return pdf.column_classes(table)


@register.filter
def is_wide(table: Table) -> bool:
    return pdf.is_wide(table)
