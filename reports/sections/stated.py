"""Figures a past report states that Assure's own records do not hold
(`reports.figures.StatedFigure`): the child death overview panel's figures,
a section of their own; the "in numbers" page and the figures the report
states twice or works out from others, given with the key facts."""

from __future__ import annotations

from reports.figures import StatedFigure
from reports.models import Section, SectionKind
from reports.sections.blocks import (
    BuiltSection,
    BulletList,
    Cell,
    Context,
    Heading,
    Highlight,
    Paragraph,
    Table,
)
from reports.sections.registry import register

Topic = StatedFigure.Topic


def _flags(figures: list[StatedFigure]) -> list[str]:
    return [f"{f.label} ({f.value}): {f.difference}" for f in figures if f.difference]


@register(SectionKind.CHILD_DEATHS)
def build_child_deaths(ctx: Context, section: Section) -> BuiltSection:
    """The child death overview panel's figures for the year as the report
    states them, each with what the report compares it with. Assure keeps
    no record of children's deaths: these are the report's own figures."""
    built = BuiltSection(section, section.get_kind_display())
    figures = ctx.stated(Topic.CHILD_DEATHS)
    if not figures:
        built.empty = f"No child death figures are recorded for {ctx.year.label}."
        return built
    built.blocks.append(
        Paragraph(
            f"The child death overview panel's figures for {ctx.year.label}, as the board's "
            "report states them, each beside what the report compares it with."
        )
    )
    built.blocks.append(
        Table(
            key="child-deaths",
            caption=f"Child deaths, {ctx.year.label}, as the report states them",
            head=["What it counts", "As stated", "Compared with"],
            numeric=[False, True, False],
            rows=[
                [Cell(f.label), Cell(f.value, numeric=True), Cell(f.compared_with)] for f in figures
            ],
        )
    )
    flags = _flags(figures)
    if flags:
        built.blocks.append(Heading("Where the report's figures disagree"))
        built.blocks.append(BulletList(flags))
    built.highlights.append(Highlight(figures[0].value, figures[0].label))
    return built


def stated_key_facts(ctx: Context, built: BuiltSection) -> None:
    """Add to the key facts the report's "in numbers" figures as it states
    them, and every figure it states twice or works out from others, with
    the difference named where it disagrees with itself."""
    numbers = ctx.stated(Topic.IN_NUMBERS)
    built.highlights += [Highlight(f.value, f.label, theme=f.heading, stated=True) for f in numbers]
    if numbers:
        title = f"{ctx.board.area} in numbers" if ctx.board.area else "In numbers"
        built.blocks.append(Heading(f"{title}, as the report states them"))
        built.blocks.append(
            Table(
                key="in-numbers",
                caption=f"{title}, {ctx.year.label}, as the report states them",
                head=["Theme", "Figure", "What it counts", "Compared with"],
                numeric=[False, True, False, False],
                rows=[
                    [
                        Cell(f.heading),
                        Cell(f.value, numeric=True),
                        Cell(f.label),
                        Cell(f.compared_with),
                    ]
                    for f in numbers
                ],
            )
        )
    checked = ctx.stated(Topic.CHECKED)
    if checked:
        built.blocks.append(Heading("Figures the report states twice or works out"))
        built.blocks.append(
            Table(
                key="checked-figures",
                caption=f"Figures of {ctx.year.label} checked against the report itself",
                head=["Figure", "As stated", "Checked against", "Difference"],
                numeric=[False, True, False, False],
                rows=[
                    [
                        Cell(f.label),
                        Cell(f.value, numeric=True),
                        Cell(
                            f"{f.elsewhere} {f.elsewhere_where}".strip()
                            if f.elsewhere
                            else f.computed
                        ),
                        Cell(f.difference or "None"),
                    ]
                    for f in checked
                ],
            )
        )


def stated_meetings(ctx: Context) -> list[StatedFigure]:
    """How many board meetings the year's report says were held, where
    Assure holds no record of them."""
    return ctx.stated(Topic.MEETINGS)
