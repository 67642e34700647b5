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
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
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
