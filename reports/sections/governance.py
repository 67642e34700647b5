"""The board itself: attendance at its strategic meetings, its budget and
its members during the year."""

from __future__ import annotations

from decimal import Decimal

from board import selectors as board_selectors
from board.models import AttendanceMark, Board, Group
from reports import charts
from reports.models import Section, SectionKind
from reports.sections.blocks import (
    BuiltSection,
    Cell,
    Context,
    Figure,
    Highlight,
    Paragraph,
    Table,
    money,
    pct,
    plural,
)
from reports.sections.registry import register
from reports.sections.stated import stated_meetings


def _strategic_groups(board: Board) -> list[Group]:
    return list(
        board.groups.filter(kind__in=[Group.Kind.STRATEGIC_BOARD, Group.Kind.EXECUTIVE]).order_by(
            "kind", "name"
        )
    )


def _mark_words(row: board_selectors.AttendanceRow, key: str | None) -> str:
    """A cell of the report's attendance table: its mark's words in the
    board's own key (the report is read without the legend beside it)."""
    mark = row.mark(key)
    if mark is not None:
        return mark.words
    return key or ""


@register(SectionKind.ATTENDANCE)
def build_attendance(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    for group in _strategic_groups(ctx.board):
        matrix = board_selectors.attendance_matrix(group=group, year=ctx.year, board=ctx.board)
        if not matrix.meetings:
            continue
        rows = [
            [
                Cell(row.member.label),
                *(Cell(_mark_words(row, c)) for c in row.cells),
                Cell(f"{row.attended} of {row.held}", numeric=True),
                Cell(pct(row.percent), numeric=True),
            ]
            for row in matrix.rows
        ]
        measured = [row for row in matrix.rows if row.percent is not None]
        if measured:
            # Lowest first: who is missing meetings is what the chart is for.
            ordered = sorted(measured, key=lambda row: (row.percent, row.member.label))
            lowest = ordered[0]
            average = round(sum(row.percent or 0 for row in measured) / len(measured))
            bars = charts.capped_bars(
                [(row.member.label, float(row.percent or 0)) for row in ordered],
                others="All other {count} members (average)",
                mean=True,
            )
            caption = f"Attendance at {group.name} by member, {ctx.year.label}"
            charted = (
                f"A bar chart of each member's attendance at {group.name} in {ctx.year.label}, "
                "lowest first"
            )
            if bars.folded:
                caption += (
                    f": the {bars.shown} lowest, and the other {bars.folded} members on average"
                )
                charted = (
                    f"A bar chart of attendance at {group.name} in {ctx.year.label}: the "
                    f"{bars.shown} members with the lowest attendance, lowest first, and one bar "
                    f"for the average of the other {bars.folded} members "
                    f"({bars.folded_value:.0f}%)"
                )
            if not built.highlights:
                built.highlights += [
                    Highlight(str(len(matrix.meetings)), f"meetings of {group.name}"),
                    Highlight(f"{average}%", f"average attendance at {group.name}"),
                ]
            built.blocks.append(
                Figure(
                    key=f"attendance-chart-{group.slug}",
                    table=f"attendance-{group.slug}",
                    caption=caption,
                    summary=(
                        f"{charted}. In all, {plural(len(measured), 'member')} over "
                        f"{plural(len(matrix.meetings), 'meeting')}, {average}% on average; the lowest was "
                        f"{lowest.member.label} at {lowest.percent}%. The table below gives "
                        "every member's figures."
                    ),
                    labels=bars.labels,
                    values=bars.values,
                    unit="%",
                    folded=bars.folded,
                )
            )
        built.blocks.append(
            Table(
                key=f"attendance-{group.slug}",
                caption=f"Attendance at {group.name}, {ctx.year.label}",
                head=[
                    "Member",
                    *(f"{m.date:%-d %b %Y}" for m in matrix.meetings),
                    "Attended",
                    "Attendance",
                ],
                numeric=[False, *(False for _ in matrix.meetings), True, True],
                rows=rows,
                source=ctx.url("board:meetings") + f"?group={group.slug}&year={ctx.year.label}",
            )
        )
    if not built.blocks:
        stated = stated_meetings(ctx)
        if not stated:
            built.empty = f"No board meetings are recorded for {ctx.year.label}."
            return built
        for figure in stated:
            said = f"{figure.value} {figure.label}"
            if figure.wording:
                said += f" (the report: \u201c{figure.wording}\u201d)"
            built.blocks.append(Paragraph(f"The report for {ctx.year.label} states {said}."))
            built.highlights.append(Highlight(figure.value, figure.label))
        built.blocks.append(
            Paragraph(
                "Assure holds no record of these meetings' dates or of who attended: the "
                "report does not give them."
            )
        )
    else:
        built.blocks.append(Paragraph(_key_note(board_selectors.attendance_key(board=ctx.board))))
    return built


def _key_note(marks: list[AttendanceMark]) -> str:
    """How the board's own key counts, in words, under its tables."""

    def words(chosen: list[AttendanceMark]) -> str:
        names = [f"{m.words} ({m.code})" for m in chosen]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    present = [m for m in marks if m.counted and m.present]
    absent = [m for m in marks if m.counted and not m.present]
    ignored = [m for m in marks if not m.counted]
    note = "Attendance is counted in the board's own key"
    if present:
        note += f": {words(present)} count as attended"
    if absent:
        note += f"; {words(absent)} count as not attended"
    if ignored:
        note += f"; {words(ignored)} {'does' if len(ignored) == 1 else 'do'} not count"
    return note + "."


@register(SectionKind.BUDGET)
def build_budget(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    budget = board_selectors.budget_for_year(board=ctx.board, year=ctx.year)
    source = ctx.url("board:budget") + f"?year={ctx.year.label}"
    if not budget.lines and budget.published is None:
        built.empty = f"No contributions are recorded for {ctx.year.label}."
        return built
    rows = [
        [
            Cell(line.contribution.label),
            Cell(money(line.contribution.amount), numeric=True),
            Cell(money(line.previous), numeric=True),
        ]
        for line in budget.lines
    ]
    table = Table(
        key="budget",
        caption=f"Contributions to the board's budget, {ctx.year.label}",
        head=["Contributor", ctx.year.label, ctx.year.previous_label],
        numeric=[False, True, True],
        rows=rows,
        source=source,
        foot=[
            Cell("Total (computed from the lines)"),
            Cell(money(budget.total), numeric=True),
            Cell(money(budget.previous_total), numeric=True),
        ],
    )
    if budget.lines:
        largest = budget.lines[0].contribution
        bars = charts.capped_bars(
            [(line.contribution.label, float(line.contribution.amount)) for line in budget.lines],
            others="All other {count} contributions",
        )
        caption = f"Contributions by partner, {ctx.year.label}"
        charted = ""
        if bars.folded:
            rest = sum(
                (line.contribution.amount for line in budget.lines[bars.shown :]), Decimal(0)
            )
            caption += f": the {bars.shown} largest, and the other {bars.folded} together"
            charted = (
                f" The chart shows the {bars.shown} largest, largest first, and one bar for the "
                f"other {bars.folded} together ({money(rest)})."
            )
        built.highlights.append(Highlight(money(budget.total), "the partners' contributions"))
        built.blocks.append(
            Figure(
                key="budget-chart",
                table="budget",
                caption=caption,
                summary=(
                    f"A bar chart of the {plural(len(budget.lines), 'contribution')} to the budget for "
                    f"{ctx.year.label}, {money(budget.total)} in all; the largest was "
                    f"{largest.label} at {money(largest.amount)}.{charted} The table below gives "
                    "every figure."
                ),
                labels=bars.labels,
                values=bars.values,
                unit="£",
                folded=bars.folded,
            )
        )
    built.blocks.append(table)
    if budget.published is not None:
        text = f"The total stated in the published report: {money(budget.published.amount)}."
        if budget.unexplained is not None:
            text += (
                f" The lines recorded add up to {money(budget.total)}, a difference of "
                f"{money(budget.unexplained)}."
            )
        built.blocks.append(Paragraph(text, href=source, link_text="The budget page"))
    return built


@register(SectionKind.MEMBERS)
def build_members(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    members = list(board_selectors.seats_held_during(board=ctx.board, year=ctx.year))
    if not members:
        built.empty = f"No seats are recorded as held during {ctx.year.label}."
        return built
    built.highlights.append(Highlight(str(len(members)), "members of the board during the year"))
    built.blocks.append(
        Table(
            key="members",
            caption=f"Members of the board during {ctx.year.label}",
            head=["Agency", "Position", "Person", "Role"],
            rows=[
                [
                    Cell(m.agency.name if m.agency else ""),
                    Cell(m.position),
                    Cell(m.person),
                    Cell(m.get_role_display()),
                ]
                for m in members
            ],
            source=ctx.url("board:members") + "?seats=all",
        )
    )
    return built
