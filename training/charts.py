"""Plotly figures of training, built from the selectors' data (pure
functions: no query, no I/O). The page shows the same data as a table and a
sentence; the annual report's PDF draws these figures to SVG with kaleido."""

from __future__ import annotations

import plotly.graph_objects as go

from training.selectors import QuarterChart

#: GOV.UK Frontend colours, distinct for up to six series.
COLOURS = ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f")


def quarter_figure(chart: QuarterChart) -> go.Figure:
    """People trained by quarter, a group of bars per quarter and one bar per
    owner and mode; a quarter with no figure has no bar (not a zero)."""
    figure = go.Figure()
    for index, series in enumerate(chart.series):
        figure.add_trace(
            go.Bar(
                name=series.label,
                x=chart.quarters,
                y=series.values,
                marker_color=COLOURS[index % len(COLOURS)],
                hovertemplate="%{x}: %{y:,}<extra>" + series.label + "</extra>",
            )
        )
    figure.update_layout(
        title={"text": f"People trained by quarter, {chart.year.label}"},
        barmode="group",
        font={"family": "Arial, sans-serif", "size": 14, "color": "#0b0c0c"},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        legend={"orientation": "h", "y": -0.15},
        margin={"l": 60, "r": 20, "t": 60, "b": 80},
        yaxis={"title": {"text": "People"}, "rangemode": "tozero", "gridcolor": "#b1b4b6"},
        xaxis={"title": {"text": f"Quarter of {chart.year.label}"}},
    )
    return figure
