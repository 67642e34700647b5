"""The scorecard: the board's indicators grouped by priority.

The first page is an overview: for each priority a table with a row per
indicator (its latest value, the period before, the direction of travel,
the rating against target, England and the statistical neighbours), each
row linking to the indicator's own page. Each priority has a page of its
own (``?priority=<plan slug>-<number>``, or ``?priority=none``) with every
indicator's figures, its chart, the table of figures by period beside it
and the chart in words. So a board of hundreds of indicators reads one
table of rows and one priority's charts at a time, not every chart at once.

Board-internal until the annual report publishes a scorecard: chairs and
business managers read it, and for partners it does not exist (404).

Each indicator's block on a priority's page (its figures, chart and table)
is rendered once for each state of its figures and kept in the cache under
a hash of everything it shows; a changed figure changes the hash, so a
stale block is never shown.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from board.access import render_board
from board.models import Board
from core.page_cache import cached_page
from indicators import charts
from indicators import selectors as indicator_selectors
from indicators.selectors import IndicatorStatus
from indicators.views import board_for_indicators

FRAGMENT_TEMPLATE = "reports/_scorecard_indicator.html"
#: Bump when the block's template changes, so no block drawn by the old one is used.
FRAGMENT_VERSION = "4"
FRAGMENT_SECONDS = 24 * 60 * 60


def fingerprint(status: IndicatorStatus) -> str:
    """A hash of everything an indicator's block shows."""
    ind = status.indicator
    parts: list[Any] = [
        FRAGMENT_VERSION,
        ind.pk,
        ind.code,
        ind.name,
        ind.unit,
        ind.polarity,
        ind.target,
        ind.tolerance,
        status.url,
        [
            (p.kind, p.start, p.end, p.value, p.marker, p.source, p.edition, p.other_editions)
            for p in status.points
        ],
        sorted((kind, points) for kind, points in status.comparators.items()),
        sorted(status.targets.items()),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def indicator_blocks(statuses: list[IndicatorStatus]) -> None:
    """Give each status its rendered block (``.html``), from the cache where
    it was drawn before."""
    keys = {id(s): f"assure-scorecard:{fingerprint(s)}" for s in statuses}
    found = cache.get_many(list(keys.values()))
    drawn = {}
    for status in statuses:
        key = keys[id(status)]
        html = found.get(key)
        if html is None:
            html = render_to_string(
                FRAGMENT_TEMPLATE, {"status": status, "chart": charts.svg_chart(status)}
            )
            drawn[key] = str(html)
        status.html = mark_safe(html)  # type: ignore[attr-defined]  # rendered by our template
    if drawn:
        cache.set_many(drawn, FRAGMENT_SECONDS)


@login_required
@require_GET
@cached_page
def scorecard(request: HttpRequest, board: str) -> HttpResponse:
    obj = board_for_indicators(request, board)
    key = request.GET.get("priority", "").strip()
    if key:
        return _priority_page(request, obj, key)
    groups = indicator_selectors.scorecard_overview(board=obj)
    return render_board(
        request,
        "reports/scorecard.html",
        obj,
        "reports:scorecard",
        {"groups": groups, "count": sum(len(g.statuses) for g in groups)},
    )


def _priority_page(request: HttpRequest, obj: Board, key: str) -> HttpResponse:
    """One priority's indicators with their charts, tables and summaries; a
    priority the board has no indicator under does not exist here (404)."""
    priorities = indicator_selectors.scorecard_priorities(board=obj)
    current = next((p for p in priorities if p.key == key), None)
    group = indicator_selectors.scorecard_for_priority(board=obj, key=key) if current else None
    if current is None or group is None:
        raise Http404("No such priority on the scorecard.")
    indicator_blocks(group.statuses)
    return render_board(
        request,
        "reports/scorecard_priority.html",
        obj,
        "reports:scorecard",
        {"priorities": priorities, "current": current, "group": group},
    )
