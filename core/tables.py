"""What every list page does with its django-tables2 table: sort, paginate,
and export exactly what is filtered as CSV or XLSX."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.encoding import force_str
from django_tables2 import DateColumn, DateTimeColumn, RequestConfig

from core import spreadsheets

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
EXPORT_FORMATS = spreadsheets.FORMATS


def configure_table(
    request: HttpRequest, table: Any, *, filename: str = "", exportable: bool = True
) -> HttpResponse | None:
    """Paginate and sort the table; return the export response when one was asked for."""
    export_format = request.GET.get("_export")
    if exportable and export_format in EXPORT_FORMATS:
        RequestConfig(request, paginate=False).configure(table)
        # Through Assure's one safe writer: no cell can become a live formula.
        return spreadsheets.spreadsheet_response(
            _export_rows(table, exclude=("actions",)),
            fmt=export_format,
            filename=filename,
            sheet_title=str(getattr(table, "label", "") or "Sheet1"),
        )
    RequestConfig(request, paginate=False).configure(table)  # sorting
    paginate(request, table)
    return None


def paginate(request: HttpRequest, table: Any) -> None:
    """Show the page the query asks for, within bounds: a page size from 1 to
    MAX_PAGE_SIZE (PAGE_SIZE when it is missing, not a number or below 1) and a
    page from the first to the last (beyond either end, the nearest end), so no
    `?per_page=` or `?page=` can fail the page."""
    per_page = _whole_number(request.GET.get(table.prefixed_per_page_field))
    per_page = PAGE_SIZE if per_page is None or per_page < 1 else min(per_page, MAX_PAGE_SIZE)
    table.paginate(per_page=per_page, page=1)
    number = _whole_number(request.GET.get(table.prefixed_page_field)) or 1
    number = min(max(number, 1), table.paginator.num_pages)
    if number != 1:
        table.page = table.paginator.page(number)


def _whole_number(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:  # not a number, or more digits than Python reads
        return None


def _export_rows(table: Any, *, exclude: tuple[str, ...]) -> Iterator[list[Any]]:
    """The header, then each row's values as the table shows them, except
    that dates stay dates so a spreadsheet can sort and filter them."""
    columns = [
        column
        for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in exclude)
    ]
    yield [force_str(column.header, strings_only=True) for column in columns]
    for row in table.rows:
        yield [_export_value(row, column) for column in columns]


def _export_value(row: Any, column: Any) -> Any:
    if isinstance(column.column, DateColumn | DateTimeColumn):
        raw = column.accessor.resolve(row.record, quiet=True)
        if isinstance(raw, datetime.date):
            return raw
    return force_str(row.get_cell_value(column.name), strings_only=True)
