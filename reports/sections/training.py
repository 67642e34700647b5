"""Multi-agency training: the year's figures by delivery mode, and what
follow-up evaluations found of its impact."""

from __future__ import annotations

from reports import charts
from reports.models import Section, SectionKind
from reports.sections.blocks import (
    BuiltSection,
    BulletList,
    Cell,
    Context,
    Figure,
    Heading,
    Highlight,
    Table,
)
from reports.sections.registry import register
from training.selectors import (
    CHART_MEASURES,
    MEASURES,
    ModeTable,
    TrainingYear,
    agencies_for_year,
    quarter_chart,
    training_for_year,
    training_impact_for_year,
)

#: Measures charted, in the table's order: the counts of people and courses,
#: and the rates as percentages.
RATES = {name for name, _, kind in MEASURES if kind != "count"}
CHARTED = 6


def _training_chart(ctx: Context, built: BuiltSection, table: ModeTable, caption: str) -> None:
    """A table's trend as a chart: each measure by quarter where the table
    has quarters, else the year beside the year before; a panel a measure,
    up to `CHARTED`, each on its own scale. A figure the table does not
    give has no bar, never a zero."""
    quarterly = len(table.columns) == 6
    columns = table.columns[:4] if quarterly else table.columns[-2:][::-1]
    first = 0 if quarterly else len(table.columns) - 2
    panels = []
    for row in table.rows:
        cells = row.cells[first : first + 4] if quarterly else row.cells[-2:][::-1]
        bars = [
            (
                column.heading.removeprefix("Total "),
                float(cell.value) if cell.value is not None else None,
            )
            for column, cell in zip(columns, cells, strict=True)
        ]
        if sum(1 for _, value in bars if value is not None) >= 2:
            panels.append((row.label.removesuffix(" %"), bars, "%" if row.name in RATES else ""))
    if not panels:
        return
    key = f"training-{table.key}"
    over = "by quarter" if quarterly else f"against {ctx.year.previous_label}"
    title = f"{caption}, {ctx.year.label}, {over}"
    described = "; ".join(
        f"{name}: "
        + ", ".join(
            f"{label} {charts.value_text(value, unit)}"
            for label, value in bars
            if value is not None
        )
        for name, bars, unit in panels[:CHARTED]
    )
    built.blocks.append(
        Figure(
            key=f"{key}-chart",
            caption=title,
            summary=(
                f"Small bar charts of {len(panels[:CHARTED])} measures of {caption.lower()} "
                f"{over}, each on its own scale. {described}. The table below gives every figure."
            ),
            labels=[name for name, _, _ in panels[:CHARTED]],
            values=[],
            unit="",
            table=key,
            plot=charts.comparison_figure(
                title=title,
                panels=panels[:CHARTED],
                colours=(charts.BAR_COLOUR,) if quarterly else charts.SERIES_COLOURS[:2],
            ),
        )
    )


def _people_trained(training: TrainingYear) -> Highlight | None:
    chart = quarter_chart(training)
    if chart.series:
        total = sum(series.total for series in chart.series)
        return Highlight(f"{total:,}", f"people trained ({chart.series[0].label.split(', ')[-1]})")
    for table in training.tables:
        total_column = table.columns[-2]
        for name, words in CHART_MEASURES:
            count = total_column.counts.get(name)
            if count is not None:
                return Highlight(f"{count:,}", f"{words} of {table.mode_label.lower()} training")
    return None


def _delegates_by_agency(ctx: Context, built: BuiltSection) -> None:
    """Where a training unit records each delegate's agency, a table of them
    by quarter for each owner (a board or a group serving several), with the
    delegates whose agency is not recorded so the column adds up to the
    attendance."""
    for agencies in agencies_for_year(board=ctx.board, year=ctx.year):
        caption = "Delegates by agency"
        if agencies.owner_is_group:
            caption += f", {agencies.owner.name} (serving several boards)"
        agency_rows = [
            [Cell(name), *(Cell(f"{n:,}", numeric=True) for n in counts)]
            for name, counts in [
                *agencies.rows,
                ("Agency not recorded", agencies.not_recorded),
                ("Delegates attended the courses", agencies.attended),
            ]
        ]
        built.blocks.append(
            Table(
                key=f"training-{agencies.key}",
                caption=caption,
                head=["Agency", "Q1", "Q2", "Q3", "Q4", f"Total {ctx.year.label}"],
                numeric=[False, True, True, True, True, True],
                rows=agency_rows,
                source=ctx.url("training:courses") + f"?year={ctx.year.label}",
            )
        )


@register(SectionKind.TRAINING)
def build_training(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    training = training_for_year(board=ctx.board, year=ctx.year)
    source = ctx.url("training:training") + f"?year={ctx.year.label}"
    if not training.tables:
        built.empty = f"No training figures are recorded for {ctx.year.label}."
        return built
    for table in training.tables:
        caption = f"{table.mode_label} training"
        if table.owner_is_group:
            caption += f", {table.owner.name} (serving several boards)"
        rows = []
        for row in table.rows:
            cells = [Cell(row.label)]
            for cell in row.cells:
                text = cell.text + (" as stated" if cell.as_stated else "")
                if cell.note:
                    text += f" ({cell.note})"
                cells.append(Cell(text, numeric=True))
            rows.append(cells)
        _training_chart(ctx, built, table, caption)
        built.blocks.append(
            Table(
                key=f"training-{table.key}",
                caption=caption,
                head=["Measure", *(c.heading for c in table.columns)],
                numeric=[False, *(True for _ in table.columns)],
                rows=rows,
                source=source,
            )
        )
    if (trained := _people_trained(training)) is not None:
        built.highlights.append(trained)
    differences = [f"{d.where}: {d.text} {d.explanation}".strip() for d in training.differences]
    if differences:
        built.blocks.append(Heading("Where the report and the counts differ"))
        built.blocks.append(BulletList(differences))
    _delegates_by_agency(ctx, built)
    return built


@register(SectionKind.TRAINING_IMPACT)
def build_training_impact(ctx: Context, section: Section) -> BuiltSection:
    """What the follow-up evaluations found: the share of delegates who
    reported a change in their practice, computed from the counts (or as the
    report states it), and what was found."""
    built = BuiltSection(section, section.get_kind_display())
    rows = training_impact_for_year(board=ctx.board, year=ctx.year)
    if not rows:
        built.empty = f"No evaluations of the impact of training are recorded for {ctx.year.label}."
        return built
    cells_ = []
    for row in rows:
        share = row.change_share.text + (" as stated" if row.change_share.as_stated else "")
        if row.change_share.note:
            share += f" ({row.change_share.note})"
        cells_.append(
            [
                Cell(row.subject),
                Cell(row.where),
                Cell(row.follow_up),
                Cell(row.response_rate),
                Cell(share, numeric=True),
                Cell(row.finding),
            ]
        )
    built.blocks.append(
        Table(
            key="training-impact",
            caption=f"Evaluations of the impact of training, {ctx.year.label}",
            head=[
                "What was evaluated",
                "When",
                "Follow-up",
                "Replies",
                "Reporting a change",
                "What was found",
            ],
            numeric=[False, False, False, False, True, False],
            rows=cells_,
            source=ctx.url("training:training") + f"?year={ctx.year.label}",
        )
    )
    return built
