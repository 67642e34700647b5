"""The board's published annual reports, for its home page: a template tag
so the board app's page lists them without the board app importing reports
(the layers run board < reports)."""

from __future__ import annotations

from typing import Any

from django import template

from reports.annual import published_snapshots

register = template.Library()


@register.inclusion_tag("reports/annual/_published.html")
def published_annual_reports(board: Any) -> dict[str, Any]:
    return {"board": board, "published": published_snapshots(board=board)}
