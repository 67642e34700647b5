"""Charts of indicators over time.

``figure()`` is the plotly figure (a plain dict plotly accepts, so building
it costs microseconds, not plotly's validation): the PDF exports it to SVG
with kaleido, cached by a hash of the figure. Pages draw ``svg_chart()``,
the same series as a plain SVG from the template, because plotly.js needs
inline styles the Content Security Policy refuses (it writes ``style``
attributes and a ``<style>`` element as it draws). Both are pure functions
of an indicator's status; neither reads the database.

A suppressed value is a gap in the line, labelled with its marker, never a
point at zero. A comparator of another scale (England's count or spending,
the whole country's total, hundreds of times an authority's) is never drawn on
the board's axis, where it would flatten the board's line: it has a panel of
its own, with its own axis, labelled so.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from indicators.models import Comparator, Indicator
from indicators.selectors import IndicatorStatus

WIDTH = 640
HEIGHT = 260
LEFT = 64
RIGHT = 16
TOP = 16
BOTTOM = 48
#: The series a chart draws, in order, with their names and line patterns
#: (told apart by pattern and marker shape, not colour alone).
SERIES = (
    ("value", "The board's area", ""),
    (Comparator.Kind.ENGLAND, "England", "6 4"),
    (Comparator.Kind.NEIGHBOURS, "Statistical neighbours", "2 3"),
    ("target", "Target", "10 3 2 3"),
)
#: Half a period's width, as a share of it: the target is drawn across each
#: period it applies to, stepping where a new year's target starts.
STEP = 0.5


def _series(status: IndicatorStatus) -> dict[str, list[tuple[str, Decimal | None, str]]]:
    """Each series as (period label, value or None, marker) in the area's periods."""
    labels = [p.label for p in status.points]
    out: dict[str, list[tuple[str, Decimal | None, str]]] = {
        "value": [(p.label, p.value, p.marker) for p in status.points]
    }
    targets = [status.target_of(p) for p in status.points]
    if any(t is not None for t in targets) and status.indicator.polarity != "neither":
        # Each period's target is its own year's, or the standing one: a line
        # that steps where a year with another target begins.
        out["target"] = [(p.label, t, "") for p, t in zip(status.points, targets, strict=True)]
    for kind in (Comparator.Kind.ENGLAND, Comparator.Kind.NEIGHBOURS):
        by_label = {c.label: c for c in status.comparators.get(kind, [])}
        if not any(label in by_label for label in labels):
            continue
        out[kind] = [
            (label, by_label[label].value, by_label[label].marker)
            if label in by_label
            else (label, None, "")
            for label in labels
        ]
    return out


#: Units whose figure for a wider area is that area's total, not an
#: authority's: a count, money.
TOTALS = (Indicator.Unit.COUNT, Indicator.Unit.MONEY)
#: The comparators that are a wider area's figure (the neighbours' figure is
#: their mean, an authority's scale).
WIDER_AREAS = (Comparator.Kind.ENGLAND, Comparator.Kind.REGION)


def other_scale(status: IndicatorStatus, kind: str) -> bool:
    """Whether a comparator is of another scale than the board's figures, so
    it may not share their axis: England's or a region's count or money is
    the wider area's total (England's 632,830 referrals against an
    authority's 3,000). A percentage, a rate per 10,000 and days are of one
    scale wherever they are measured, and the neighbours' mean of counts is
    an authority's scale."""
    return kind in WIDER_AREAS and status.indicator.unit in TOTALS


def other_scale_title(status: IndicatorStatus) -> str:
    return f"England: {status.indicator.get_unit_display().lower()}, on its own scale"


def _trace(name: str, dash: str, rows: list[tuple[str, Decimal | None, str]]) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": [label for label, _, _ in rows],
        "y": [float(v) if v is not None else None for _, v, _ in rows],
        "connectgaps": False,
        "line": {"dash": {"": "solid", "6 4": "dash", "2 3": "dot", "10 3 2 3": "dashdot"}[dash]},
    }


def figure(status: IndicatorStatus) -> dict[str, Any]:
    """The indicator over time as a plotly figure: the area's line with gaps
    where a value is suppressed (each gap labelled with its marker), and
    England and the neighbours beside it; a comparator of another scale
    (`other_scale`) in a panel of its own below, on its own axis."""
    series = _series(status)
    data = []
    apart = []
    for kind, name, dash in SERIES:
        if kind not in series:
            continue
        trace = _trace(name, dash, series[kind])
        if kind == "target":
            trace.update(mode="lines", line={**trace["line"], "shape": "hvh"})
        if other_scale(status, kind):
            apart.append({**trace, "name": f"{name} (own scale, lower panel)"})
        else:
            data.append(trace)
    annotations = [
        {
            "x": label,
            "y": 0,
            "yref": "paper",
            "text": marker,
            "showarrow": False,
            "yanchor": "bottom",
        }
        for label, value, marker in series["value"]
        if marker
    ]
    layout: dict[str, Any] = {
        "title": {"text": status.indicator.name},
        "xaxis": {"type": "category", "title": {"text": "Period"}},
        "yaxis": {
            "title": {"text": status.indicator.get_unit_display()},
            "rangemode": "tozero",
        },
        "annotations": annotations,
        "showlegend": True,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
    }
    if apart:
        # The board's panel above, the other scale's below: two axes that
        # share nothing but the periods.
        for trace in apart:
            trace.update(xaxis="x2", yaxis="y2")
        layout["yaxis"]["domain"] = [0.45, 1.0]
        layout["yaxis"]["title"]["text"] += ": the board's area"
        layout["xaxis"]["anchor"] = "y"
        layout["xaxis2"] = {"type": "category", "anchor": "y2", "matches": "x"}
        layout["yaxis2"] = {
            "domain": [0.0, 0.3],
            "anchor": "x2",
            "rangemode": "tozero",
            "title": {"text": other_scale_title(status)},
        }
        for note in annotations:
            note["yref"] = "y domain"
    return {"data": [*data, *apart], "layout": layout}


def figure_hash(fig: dict[str, Any]) -> str:
    """A key for the figure's exported SVG: the same figure, the same SVG."""
    return hashlib.sha256(json.dumps(fig, sort_keys=True).encode()).hexdigest()


@dataclass
class Line:
    kind: str
    name: str
    dash: str
    segments: list[str] = field(default_factory=list)  # "x,y x,y ..." per unbroken run
    dots: list[tuple[float, float, str]] = field(default_factory=list)


@dataclass
class SvgChart:
    width: int
    height: int
    lines: list[Line]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    gaps: list[tuple[float, float, str]]  # x, y of the label, marker
    baseline: float
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    #: What the axis measures (said under the chart and read by screen readers).
    axis_title: str = ""
    #: The comparators of another scale, in a panel of their own, or None.
    panel: SvgChart | None = None

    @property
    def empty(self) -> bool:
        return not any(line.dots for line in self.lines)


def _nice_top(high: float) -> float:
    if high <= 0:
        return 1.0
    step = 10 ** (len(str(int(high))) - 1)
    top = step
    while top < high:
        top += step
    return float(top)


def svg_chart(status: IndicatorStatus) -> SvgChart:
    """The chart's geometry for the template's SVG: lines broken at gaps,
    axis ticks from zero, and each suppressed period marked in place; a
    comparator of another scale (`other_scale`) in `panel`, a chart of its own."""
    series = _series(status)
    kinds = [kind for kind, _, _ in SERIES if kind in series]
    apart = [kind for kind in kinds if other_scale(status, kind)]
    chart = _draw(series, [k for k in kinds if k not in apart], HEIGHT)
    chart.axis_title = status.indicator.get_unit_display()
    if apart:
        chart.axis_title += ": the board's area"
        chart.panel = _draw(series, apart, PANEL_HEIGHT)
        chart.panel.axis_title = other_scale_title(status)
        chart.panel.gaps = []
    return chart


#: The other scale's panel is shorter: it is there to be read, not compared by eye.
PANEL_HEIGHT = 200


def _draw(
    series: dict[str, list[tuple[str, Decimal | None, str]]], kinds: list[str], height: int
) -> SvgChart:
    numbers = [float(v) for kind in kinds for _, v, _ in series[kind] if v is not None]
    top = _nice_top(max(numbers, default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    labels = [label for label, _, _ in series["value"]]
    count = max(len(labels), 1)

    def x_at(i: int) -> float:
        return round(LEFT + plot_w * ((i + 0.5) / count), 1)

    def y_at(v: float) -> float:
        return round(TOP + plot_h * (1 - v / top), 1)

    lines = []
    for kind, name, dash in SERIES:
        if kind not in kinds:
            continue
        line = Line(kind=str(kind), name=name, dash=dash)
        half = round(plot_w * STEP / count, 1)
        run: list[str] = []
        for i, (label, value, _) in enumerate(series[kind]):
            if value is None:
                if run:
                    line.segments.append(" ".join(run))
                run = []
                continue
            x, y = x_at(i), y_at(float(value))
            if kind == "target":  # across the period, no marker: a step, not a point
                run += [f"{round(x - half, 1)},{y}", f"{round(x + half, 1)},{y}"]
                continue
            run.append(f"{x},{y}")
            line.dots.append((x, y, label))
        if run:
            line.segments.append(" ".join(run))
        lines.append(line)
    gaps = [
        (x_at(i), float(TOP + plot_h - 6), marker)
        for i, (_, _, marker) in enumerate(series["value"])
        if marker
    ]
    ticks = [(y_at(top * k / 4), _tick(top * k / 4)) for k in range(5)]
    return SvgChart(
        width=WIDTH,
        height=height,
        lines=lines,
        x_labels=[(x_at(i), label) for i, label in enumerate(labels)],
        y_ticks=ticks,
        gaps=gaps,
        baseline=float(TOP + plot_h),
    )


def _tick(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
