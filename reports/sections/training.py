"""Multi-agency training: the year's figures by delivery mode, and what
follow-up evaluations found of its impact."""

from __future__ import annotations

from reports.models import Section, SectionKind
from reports.sections.blocks import BuiltSection, BulletList, Cell, Context, Heading, Table
from reports.sections.registry import register
from training.selectors import training_for_year, training_impact_for_year


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
    differences = [f"{d.where}: {d.text} {d.explanation}".strip() for d in training.differences]
    if differences:
        built.blocks.append(Heading("Where the report and the counts differ"))
        built.blocks.append(BulletList(differences))
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
