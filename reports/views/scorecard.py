"""The scorecard: the board's indicators grouped by priority, each with its
latest value, the period before, the direction of travel, the rating
against target, England and the statistical neighbours, and a chart with
its table and a summary in words.

Board-internal until the annual report publishes a scorecard: chairs and
business managers read it, and for partners it does not exist (404).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from board.access import render_board
from priorities import charts, indicator_selectors
from priorities.indicator_views import board_for_indicators


@login_required
@require_GET
def scorecard(request: HttpRequest, board: str) -> HttpResponse:
    obj = board_for_indicators(request, board)
    groups = indicator_selectors.scorecard(board=obj)
    for group in groups:
        for status in group.statuses:
            status.chart = charts.svg_chart(status)  # type: ignore[attr-defined]
    return render_board(
        request,
        "reports/scorecard.html",
        obj,
        "reports:scorecard",
        {"groups": groups, "count": sum(len(g.statuses) for g in groups)},
    )
