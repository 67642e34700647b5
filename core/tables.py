"""What every list page does with its django-tables2 table: sort, paginate,
and export exactly what is filtered as CSV or XLSX."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

PAGE_SIZE = 25
EXPORT_FORMATS = ("csv", "xlsx")


def configure_table(
    request: HttpRequest, table: Any, *, filename: str = "", exportable: bool = True
) -> HttpResponse | None:
    """Paginate and sort the table; return the export response when one was asked for."""
    export_format = request.GET.get("_export")
    if exportable and export_format in EXPORT_FORMATS:
        RequestConfig(request, paginate=False).configure(table)
        return TableExport(export_format, table, exclude_columns=("actions",)).response(
            f"{filename}.{export_format}"
        )
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return None
