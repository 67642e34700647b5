"""The blocks every section is built of (paragraphs, headings, lists,
tables and charts), what a builder is given (`Context`), and the few
formatters every builder shares. The HTML page, the PDF and the data files
all render from these same objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, ClassVar

from django.urls import reverse
from django.utils.safestring import SafeString

from board.models import Board, ReportingYear
from priorities.models import Rating
from reports.figures import StatedFigure, stated_figures
from reports.models import Section


@dataclass
class Cell:
    text: str
    href: str = ""
    numeric: bool = False


@dataclass
class Table:
    kind: ClassVar[str] = "table"
    key: str
    caption: str
    head: list[str]
    rows: list[list[Cell]]
    source: str = ""  # the page the figures come from
    numeric: list[bool] = field(default_factory=list)
    foot: list[Cell] = field(default_factory=list)

    def header_cells(self) -> list[tuple[str, bool]]:
        numeric = self.numeric or [False] * len(self.head)
        return list(zip(self.head, numeric, strict=True))


@dataclass
class Figure:
    """A chart of figures the section's table also gives. The PDF draws it
    (an image with `summary` as its alternative text); the web page gives
    the summary in words beside the table."""

    kind: ClassVar[str] = "figure"
    key: str
    caption: str
    summary: str
    labels: list[str]
    values: list[float]
    unit: str
    image_uri: str = ""  # filled in for the PDF by reports.charts
    folded: int = 0  # rows of the table the last bar stands for (charts.capped_bars)
    table: str = ""  # the key of the table that gives the chart's figures
    #: A plotly figure (a plain dict) for a chart other than the bar chart of
    #: `labels` and `values`: ratings stacked by priority, key facts beside
    #: their comparators, people trained by quarter.
    plot: dict[str, Any] | None = None


@dataclass
class Highlight:
    """One of the year's key figures for the report's "in numbers" page: a
    figure as the section shows it and what it counts, in a few words.
    `theme` is the heading a figure the year's own report states stands
    under there ("Population"); empty for Assure's own figures."""

    value: str
    label: str
    theme: str = ""
    stated: bool = False  # stated by the year's report ("in numbers"), not counted by Assure


@dataclass
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: str
    href: str = ""
    link_text: str = ""


@dataclass
class Heading:
    kind: ClassVar[str] = "heading"
    text: str


@dataclass
class BulletList:
    kind: ClassVar[str] = "list"
    items: list[str]


Block = Table | Paragraph | Heading | BulletList | Figure


@dataclass
class BuiltSection:
    section: Section
    title: str
    blocks: list[Block] = field(default_factory=list)
    html: SafeString | None = None  # a narrative section's cleaned HTML
    empty: str = ""  # what the section says when there is nothing to show
    # The case reviews it holds, named or not: whoever reads it has read them.
    reviews: list[Any] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    # The priorities section's actions rated on recorded evidence: what the
    # Working Together check reads, rather than the tables' words.
    actions_with_evidence: int = 0

    @property
    def anchor(self) -> str:
        return self.section.anchor

    @property
    def kind(self) -> str:
        return self.section.kind

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]

    @property
    def is_empty(self) -> bool:
        return not self.blocks and not self.html

    @property
    def unwritten(self) -> bool:
        return self.section.is_unwritten


@dataclass
class Context:
    """What every builder needs, read once per report."""

    board: Board
    year: ReportingYear
    #: What a builder read that another section of the same report reads
    #: too (the priorities' progress: their section and the one of little
    #: progress), by the name of the function that read it.
    found: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def _stated(self) -> list[StatedFigure]:
        return stated_figures(board=self.board, year=self.year)

    def stated(self, topic: str) -> list[StatedFigure]:
        """The figures the year's report states on a topic, in its order: one
        query for every section that asks."""
        return [f for f in self._stated if f.topic == topic]

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"board": self.board.slug, **kwargs})


def money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"£{value:,.2f}" if value != value.to_integral_value() else f"£{value:,.0f}"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def pct(value: int | None) -> str:
    return "" if value is None else f"{value}%"


def rating_text(value: str | None) -> str:
    return Rating(value).label if value else "Not rated"
