"""Charts of the annual report: plotly figures made from the same tables the
report shows, exported to PNG by kaleido for the PDF.

One kaleido (Chromium) session per build exports every chart not already in
the cache, never one browser per chart; each image is kept in the default
storage (the media folder or the object store every server shares, ADR 0015)
by the SHA-256 of its figure, so a second build with the same figures, on any
server, starts no browser at all. The HTML report shows each chart's text summary beside
its data table (an inline SVG would break the strict style policy).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import logging
import shutil
import textwrap
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)

#: GOV.UK blue, for bars.
BAR_COLOUR = "#1d70b8"
WIDTH, HEIGHT = 700, 360
#: The most bars a chart draws. A chart of every row of a long table is
#: unreadable (and slow to print: every bar brings its labels); the table
#: beside it keeps every row.
MAX_BARS = 12
#: About as many characters of the title as fit across the chart.
TITLE_CHARS = 85


@dataclass(frozen=True)
class Bars:
    """What a chart draws: the rows as given, or, when there are more than
    `limit`, the first `limit - 1` and one last bar for all the others."""

    labels: list[str]
    values: list[float]
    folded: int = 0  # how many rows the last bar stands for (0: none)
    folded_value: float = 0.0  # that bar's value: their sum or their mean

    @property
    def shown(self) -> int:
        """How many rows have a bar of their own."""
        return len(self.values) - (1 if self.folded else 0)


def capped_bars(
    rows: Sequence[tuple[str, float]],
    *,
    others: str,
    mean: bool = False,
    limit: int = MAX_BARS,
) -> Bars:
    """At most `limit` bars from `rows` (label, value), in the order given
    (the caller puts first what the chart is about: the largest amounts, the
    lowest attendance). Past the limit, the rest become one bar labelled
    `others` (formatted with `count`), their sum, or their mean when summing
    makes no sense (percentages)."""
    if limit < 2:
        raise ValueError("A capped chart needs room for one row and the others.")
    if len(rows) <= limit:
        return Bars(labels=[label for label, _ in rows], values=[value for _, value in rows])
    kept, rest = rows[: limit - 1], rows[limit - 1 :]
    total = sum(value for _, value in rest)
    value = total / len(rest) if mean else total
    return Bars(
        labels=[label for label, _ in kept] + [others.format(count=len(rest))],
        values=[v for _, v in kept] + [value],
        folded=len(rest),
        folded_value=value,
    )


def figure(*, title: str, labels: Sequence[str], values: Sequence[float], unit: str) -> Any:
    """A horizontal bar chart, labels top to bottom in the order given, each
    bar labelled with its value, so the chart needs no value axis or grid
    (fewer lines and words to draw in the PDF)."""
    import plotly.graph_objects as go

    # Plotly never wraps a title: long captions go on as many lines as they need.
    title_lines = textwrap.wrap(title, TITLE_CHARS) or [""]
    fig = go.Figure(
        go.Bar(
            x=list(values)[::-1],
            y=[label[:60] for label in labels][::-1],
            orientation="h",
            marker_color=BAR_COLOUR,
            text=[f"{v:,.0f}{unit}" if unit == "%" else f"{unit}{v:,.0f}" for v in values][::-1],
            textposition="auto",
            cliponaxis=False,
        )
    )
    fig.update_layout(
        title={"text": "<br>".join(title_lines), "font": {"size": 14}},
        width=WIDTH,
        height=max(HEIGHT, 28 * len(values) + 20 * len(title_lines) + 80),
        margin={"l": 10, "r": 10, "t": 30 + 20 * len(title_lines), "b": 10},
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 11, "color": "#0b0c0c"},
        plot_bgcolor="white",
        paper_bgcolor="white",
        yaxis={"automargin": True, "showgrid": False, "ticks": ""},
        xaxis={
            "visible": False,
            "range": [0, 100] if unit == "%" else None,
            "rangemode": "tozero",
        },
    )
    return fig


#: The RAG scale's colours, in the scale's order, with "not rated" last; the
#: chart's legend and its table name each one, so no colour stands alone.
RATING_COLOURS = {
    "RED": "#d4351c",
    "AMBER": "#f47738",
    "GREEN": "#00703c",
    "BLUE": "#1d70b8",
    "GREY": "#b1b4b6",
    "": "#f3f2f1",
}
#: Series colours for comparisons, in the order the bars come: the year
#: before (light), the year (the board's blue), England and the statistical
#: neighbours (greys).
SERIES_COLOURS = ("#8eb8dc", "#1d70b8", "#505a5f", "#b1b4b6")
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 11, "color": "#0b0c0c"}


def _title(text: str, chars: int = TITLE_CHARS) -> tuple[dict[str, Any], int]:
    lines = textwrap.wrap(text, chars) or [""]
    return {"text": "<br>".join(lines), "font": {"size": 14}, "x": 0, "xanchor": "left"}, len(lines)


def rating_figure(
    *,
    title: str,
    labels: Sequence[str],
    process: Sequence[dict[str, int]],
    impact: Sequence[dict[str, int]],
    names: dict[str, str],
) -> dict[str, Any]:
    """Two panels side by side, process and impact: a bar per row (label),
    its actions stacked by rating in the scale's order. A plain dict, as
    plotly takes it (no validation to pay for)."""
    title_layout, title_lines = _title(title)
    shown = [label if len(label) <= 40 else label[:39].rstrip() + "…" for label in labels][::-1]
    data = []
    for rating, colour in RATING_COLOURS.items():
        for axis, counts in (("x", process), ("x2", impact)):
            values = [c.get(rating, 0) for c in counts][::-1]
            if not any(values):
                continue
            data.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": names[rating],
                    "legendgroup": rating,
                    "showlegend": axis == "x" or not any(c.get(rating, 0) for c in process),
                    "x": values,
                    "y": shown,
                    "xaxis": axis,
                    "yaxis": "y",
                    "marker": {"color": colour, "line": {"color": "#505a5f", "width": 0.5}},
                    "text": [str(v) if v else "" for v in values],
                    "textposition": "inside",
                    "insidetextanchor": "middle",
                    "textfont": {
                        "color": "#ffffff" if rating in ("RED", "GREEN", "BLUE") else "#0b0c0c"
                    },
                }
            )
    most = max((sum(c.values()) for c in [*process, *impact]), default=1) or 1
    hidden: dict[str, Any] = {"range": [0, most], "visible": False, "fixedrange": True}
    height = max(220, 30 * len(labels) + 20 * title_lines + 110)
    return {
        "data": data,
        "layout": {
            "title": title_layout,
            "barmode": "stack",
            "width": WIDTH,
            "height": height,
            "margin": {"l": 10, "r": 10, "t": 40 + 20 * title_lines, "b": 50},
            "font": FONT,
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
            "xaxis": {**hidden, "domain": [0, 0.48]},
            "xaxis2": {**hidden, "domain": [0.52, 1]},
            "yaxis": {"automargin": True, "ticks": "", "showgrid": False},
            "legend": {
                "orientation": "h",
                "x": 0,
                "y": -0.02,
                "yanchor": "top",
                "traceorder": "normal",
            },
            "annotations": [
                {
                    "text": "<b>Process</b>",
                    "x": 0.24,
                    "y": 1,
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "center",
                    "yanchor": "bottom",
                    "showarrow": False,
                },
                {
                    "text": "<b>Impact</b>",
                    "x": 0.76,
                    "y": 1,
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "center",
                    "yanchor": "bottom",
                    "showarrow": False,
                },
            ],
        },
    }


def comparison_figure(
    *,
    title: str,
    panels: Sequence[tuple[str, Sequence[tuple[str, float | None]], str]],
    columns: int = 3,
    colours: Sequence[str] = SERIES_COLOURS,
) -> dict[str, Any]:
    """Small multiples: a panel per measure (its name, its bars as (label,
    value) and its unit), each bar labelled with its value, each panel on a
    scale of its own (counts and percentages do not share an axis). A bar
    with no value (suppressed, not known) is left out, never drawn as zero."""
    title_layout, title_lines = _title(title)
    rows = max(1, -(-len(panels) // columns))
    gap_x, gap_y = 0.06, 0.34 / rows
    width = (1 - gap_x * (columns - 1)) / columns
    height = (1 - gap_y * (rows - 1)) / rows
    data: list[dict[str, Any]] = []
    layout: dict[str, Any] = {
        "title": title_layout,
        "width": WIDTH,
        "height": 190 * rows + 20 * title_lines + 70,
        "margin": {"l": 10, "r": 10, "t": 70 + 20 * title_lines, "b": 10},
        "font": {**FONT, "size": 10},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "showlegend": False,
        "annotations": [],
    }
    for index, (name, bars, unit) in enumerate(panels):
        row, column = divmod(index, columns)
        suffix = "" if index == 0 else str(index + 1)
        left = column * (width + gap_x)
        top = 1 - row * (height + gap_y)
        given = [(i, label, value) for i, (label, value) in enumerate(bars) if value is not None]
        data.append(
            {
                "type": "bar",
                "x": [label for _, label, _ in given],
                "y": [value for _, _, value in given],
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                "marker": {"color": [colours[i % len(colours)] for i, _, _ in given]},
                "text": [value_text(value, unit) for _, _, value in given],
                "textposition": "outside",
                "cliponaxis": False,
            }
        )
        most = max((v for _, _, v in given), default=1) or 1
        layout[f"xaxis{suffix}"] = {
            "domain": [left, left + width],
            "anchor": f"y{suffix}",
            "tickfont": {"size": 9},
            "fixedrange": True,
        }
        layout[f"yaxis{suffix}"] = {
            "domain": [top - height, top],
            "anchor": f"x{suffix}",
            "visible": False,
            "range": [0, most * 1.3],
        }
        layout["annotations"].append(
            {
                "text": "<br>".join(textwrap.wrap(name, 34)[:2]),
                "x": left,
                "y": top + 0.01,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "align": "left",
                "font": {"size": 10},
            }
        )
    return {"data": data, "layout": layout}


def value_text(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    text = f"{value:,.1f}".removesuffix(".0")
    return f"{text}%" if unit == "%" else f"£{text}" if unit == "£" else text


#: Goes into every chart's cache key: a new edition of how charts are made
#: into images leaves the old images unused rather than mixing the two.
IMAGE_EDITION = "2"  # opaque, at SCALE 1.5


def figure_key(fig: Any) -> str:
    text = json.dumps(fig, sort_keys=True) if isinstance(fig, dict) else fig.to_json()
    return hashlib.sha256(f"{IMAGE_EDITION}\n{text}".encode()).hexdigest()


#: How charts reach a PDF: PNG drawn by Chromium at one and a half times
#: their size (1,050 pixels across the 174 mm they are drawn in, about 150
#: dots to the inch), not SVG. WeasyPrint lays out an SVG's text letter by
#: letter, a tenth of a long report's time for a few charts; it decodes a
#: PNG and encodes it again into the PDF on every build, a cost that goes
#: with its pixels (twice the size was 1.4 million a chart, a fifth of a
#: 30-chart scorecard's build). Each chart keeps its words as its text
#: alternative and its figures in the table beside it (ADR 0004).
FORMAT = "png"
SCALE = 1.5
MEDIA_TYPE = "image/png"


#: The chart cache's folder in the default storage.
CACHE_FOLDER = "cache/charts"
#: How every whole PNG ends (its IEND chunk, with that chunk's CRC).
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


def cache_name(key: str) -> str:
    return f"{CACHE_FOLDER}/{key}.{FORMAT}"


def _cached(key: str) -> bytes | None:
    """The cached image, or None when there is none. A file cut short (a
    folder storage is read while another build is still writing it) is not
    an image: the chart is drawn again rather than printed broken."""
    try:
        with default_storage.open(cache_name(key), "rb") as handle:
            image = handle.read()
    except FileNotFoundError:
        return None
    return image if image.endswith(_PNG_END) else None


def _store(key: str, image: bytes) -> None:
    """Keep the image for the next build. The name is the figure's hash, so
    when another build has just stored the same chart (the storage then
    saves this one under another name) the copy is removed."""
    name = cache_name(key)
    if default_storage.exists(name):
        return
    saved = default_storage.save(name, ContentFile(image))
    if saved != name:
        default_storage.delete(saved)


def _session_class() -> Any:
    """kaleido's session, less the page reload it makes after every figure.

    kaleido 1.x reloads its tab once a figure is drawn (plotly.js and all,
    about a third of a second a figure, ten times the drawing itself) so
    that a long-lived server's page starts clean. A build's session draws a
    few dozen figures and closes, and plotly draws each figure afresh on the
    same page (`Plotly.newPlot` replaces what was there), so the tab goes
    straight back to the queue. Should kaleido rename the hook, the class
    inherits its own and every figure is drawn as before, only slower."""
    import kaleido

    class OneBuild(kaleido.Kaleido):  # type: ignore[misc]
        async def _return_kaleido_tab(self, tab: Any) -> None:
            await self.tabs_ready.put(tab)

    return OneBuild


async def _export_all(figures: list[Any]) -> list[bytes]:
    out = []
    async with _session_class()(n=1, mathjax=False, path=settings.BROWSER_PATH) as session:
        for fig in figures:
            data = await session.calc_fig(fig, opts={"format": FORMAT, "scale": SCALE})
            out.append(data if isinstance(data, bytes) else str(data).encode("utf-8"))
    return out


def _export_with_one_retry(figures: list[Any]) -> list[bytes]:
    """kaleido 1.x can ask its page for its scripts before the page has
    loaded them on a busy machine ("kaleido_scopes is not defined"): a second
    session, started afresh, gets past it; a second failure is a real one."""
    try:
        return _run_apart(figures)
    except Exception as first:  # kaleido raises its own JavaScript and browser errors
        logger.warning("Chart export failed (%s); trying once more in a new session.", first)
        return _run_apart(figures)


def _run_apart(figures: list[Any]) -> list[bytes]:
    """The export on an event loop of its own, in a thread of its own: the
    caller may already be running a loop (a worker, or a test driving a
    browser), where asyncio.run would refuse."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(_export_all(figures))).result()


def opaque(image: bytes) -> bytes:
    """A chart's PNG without its alpha channel: laid on white (its own
    paper), as an RGB PNG. Chromium's screenshots carry an alpha channel
    although every chart is opaque, and WeasyPrint writes such a PNG to the
    PDF as two images, the colours and a transparency mask, encoding each
    again on every build: a chart's share of a warm build halves without
    it, and the PDF is smaller. Anything but a PNG is returned as it is."""
    from PIL import Image

    if not image.startswith(b"\x89PNG"):
        return image
    with Image.open(io.BytesIO(image)) as picture:
        if picture.mode == "RGB":
            return image
        rgba = picture.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, format="PNG")
    return out.getvalue()


def export_images(figures: list[Any]) -> list[bytes]:
    """Each figure as an image (`FORMAT`): from the cache when there, the
    rest in one kaleido session, made opaque before they are cached."""
    keys = [figure_key(fig) for fig in figures]
    found = {key: image for key in keys if (image := _cached(key)) is not None}
    missing = {key: fig for key, fig in zip(keys, figures, strict=True) if key not in found}
    if missing:
        exported = _export_with_one_retry(list(missing.values()))
        for key, image in zip(missing, exported, strict=True):
            image = opaque(image)
            _store(key, image)
            found[key] = image
    return [found[key] for key in keys]


def export_in_background(figures: list[Any]) -> Future[list[bytes]]:
    """`export_images` started in a thread of its own, so the caller can go
    on (laying out a document around the charts) while Chromium starts and
    draws them; the result is each figure's image, in order."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="assure-charts")
    try:
        return pool.submit(export_images, figures)
    finally:
        pool.shutdown(wait=False)


def data_uri(image: bytes) -> str:
    return f"data:{MEDIA_TYPE};base64," + base64.b64encode(image).decode("ascii")


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


#: kaleido's size for a figure that states none (its DEFAULT_WIDTH and
#: DEFAULT_HEIGHT): the scorecard's charts say no size.
KALEIDO_SIZE = (700, 500)


def pixel_size(fig: Any) -> tuple[int, int]:
    """The size in pixels of a figure's image as kaleido draws it: the
    width and height its layout states, else its template's, else kaleido's
    own (`KALEIDO_SIZE`), at `SCALE`. Should kaleido size an image
    otherwise, the PDF lays its page out again around the image as drawn
    (`reports.pdf.lay_out_with_charts`)."""
    if isinstance(fig, dict):
        layout = fig.get("layout") or {}
        template = (layout.get("template") or {}).get("layout") or {}
        stated = [layout.get(n) or template.get(n) for n in ("width", "height")]
    else:
        template = fig.layout.template.layout if fig.layout.template else None
        stated = [
            fig.layout[n] or (template[n] if template is not None else None)
            for n in ("width", "height")
        ]
    width, height = (given or default for given, default in zip(stated, KALEIDO_SIZE, strict=True))
    return round(width * SCALE), round(height * SCALE)
