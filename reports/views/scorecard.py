"""The scorecard: the board's indicators grouped by priority, each with its
latest value, the period before, the direction of travel, the rating
against target, England and the statistical neighbours, and a chart with
its table and a summary in words.

Board-internal until the annual report publishes a scorecard: chairs and
business managers read it, and for partners it does not exist (404).

Each indicator's block (its figures, chart and table) is rendered once for
each state of its figures and kept in the cache under a hash of everything
it shows, so a page of hundreds of indicators is read in three queries and
mostly assembled from blocks already drawn; a changed figure changes the
hash, so a stale block is never shown.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from board.access import render_board
from priorities import charts, indicator_selectors
from priorities.indicator_selectors import IndicatorStatus
from priorities.indicator_views import board_for_indicators

FRAGMENT_TEMPLATE = "reports/_scorecard_indicator.html"
#: Bump when the block's template changes, so no block drawn by the old one is used.
FRAGMENT_VERSION = "2"
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
def scorecard(request: HttpRequest, board: str) -> HttpResponse:
    obj = board_for_indicators(request, board)
    groups = indicator_selectors.scorecard(board=obj)
    indicator_blocks([s for g in groups for s in g.statuses])
    return render_board(
        request,
        "reports/scorecard.html",
        obj,
        "reports:scorecard",
        {"groups": groups, "count": sum(len(g.statuses) for g in groups)},
    )
