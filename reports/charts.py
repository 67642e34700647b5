"""Charts of the annual report: plotly figures made from the same tables the
report shows, exported to SVG by kaleido for the PDF.

One kaleido (Chromium) session per build exports every chart not already in
the cache, never one browser per chart; each SVG is cached under MEDIA_ROOT
by the SHA-256 of its figure, so a second build with the same figures starts
no browser at all. The HTML report shows each chart's text summary beside
its data table (an inline SVG would break the strict style policy).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import shutil
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks

logger = logging.getLogger(__name__)

#: GOV.UK blue, for bars.
BAR_COLOUR = "#1d70b8"
WIDTH, HEIGHT = 700, 360


def figure(*, title: str, labels: Sequence[str], values: Sequence[float], unit: str) -> Any:
    """A horizontal bar chart, labels top to bottom as the table lists them."""
    import plotly.graph_objects as go

    fig = go.Figure(
        go.Bar(
            x=list(values)[::-1],
            y=[label[:60] for label in labels][::-1],
            orientation="h",
            marker_color=BAR_COLOUR,
            text=[f"{v:,.0f}{unit}" if unit == "%" else f"{unit}{v:,.0f}" for v in values][::-1],
            textposition="auto",
        )
    )
    fig.update_layout(
        title={"text": title, "font": {"size": 14}},
        width=WIDTH,
        height=max(HEIGHT, 28 * len(values) + 100),
        margin={"l": 10, "r": 10, "t": 50, "b": 30},
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 11, "color": "#0b0c0c"},
        plot_bgcolor="white",
        paper_bgcolor="white",
        yaxis={"automargin": True},
        xaxis={"gridcolor": "#dddddd"},
    )
    return fig


def figure_key(fig: Any) -> str:
    return hashlib.sha256(fig.to_json().encode("utf-8")).hexdigest()


def cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "cache" / "charts"


def _cached(key: str) -> str | None:
    path = cache_dir() / f"{key}.svg"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _store(key: str, svg: str) -> None:
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f"{key}.svg.part"
    temporary.write_text(svg, encoding="utf-8")
    temporary.replace(directory / f"{key}.svg")


async def _export_all(figures: list[Any]) -> list[str]:
    import kaleido

    out = []
    async with kaleido.Kaleido(n=1, mathjax=False, path=settings.BROWSER_PATH) as session:
        for fig in figures:
            data = await session.calc_fig(fig, opts={"format": "svg"})
            out.append(data.decode("utf-8") if isinstance(data, bytes) else str(data))
    return out


def _export_with_one_retry(figures: list[Any]) -> list[str]:
    """kaleido 1.x can ask its page for its scripts before the page has
    loaded them on a busy machine ("kaleido_scopes is not defined"): a second
    session, started afresh, gets past it; a second failure is a real one."""
    try:
        return _run_apart(figures)
    except Exception as first:  # kaleido raises its own JavaScript and browser errors
        logger.warning("Chart export failed (%s); trying once more in a new session.", first)
        return _run_apart(figures)


def _run_apart(figures: list[Any]) -> list[str]:
    """The export on an event loop of its own, in a thread of its own: the
    caller may already be running a loop (a worker, or a test driving a
    browser), where asyncio.run would refuse."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(_export_all(figures))).result()


def export_svgs(figures: list[Any]) -> list[str]:
    """Each figure as SVG: from the cache when there, the rest in one
    kaleido session."""
    keys = [figure_key(fig) for fig in figures]
    found = {key: svg for key in keys if (svg := _cached(key)) is not None}
    missing = {key: fig for key, fig in zip(keys, figures, strict=True) if key not in found}
    if missing:
        exported = _export_with_one_retry(list(missing.values()))
        for key, svg in zip(missing, exported, strict=True):
            _store(key, svg)
            found[key] = svg
    return [found[key] for key in keys]


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def chromium_problems() -> list[str]:
    path = settings.BROWSER_PATH
    if Path(path).is_file() or shutil.which(path):
        return []
    return [path]


@checks.register(checks.Tags.compatibility)
def check_chromium(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Charts in published PDFs need Chromium at run time: say so when the
    server starts, not when someone publishes."""
    return [
        checks.Warning(
            f"No Chromium at BROWSER_PATH={path!r}: annual report PDFs cannot draw their "
            "charts, so publishing will fail.",
            hint="Install Chromium (apt-get install chromium) or set BROWSER_PATH to it.",
            id="reports.W001",
        )
        for path in chromium_problems()
    ]
