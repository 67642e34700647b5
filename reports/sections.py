"""Section builders: each generated section of an annual report, read from
the year's data through the other apps' selectors, as plain blocks
(paragraphs, lists and tables) that the HTML page, the PDF and the data files
all render from the same objects.

Builders only read. Every figure carries a link back to the page it comes
from. A section whose app does not provide its data yet is not offered
(`available_kinds`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django.urls import reverse
from django.utils.safestring import SafeString

from audits.selectors import audits_for_year, inspections_for_year, section11_for_year
from board import selectors as board_selectors
from board.models import Attendance, Board, Group, ReportingYear
from priorities import indicator_selectors
from priorities.indicator_selectors import ComparatorPoint, IndicatorStatus, Point
from priorities.models import ActionPlan, Assessment, Comparator, PeriodKind, Rating
from priorities.selectors import plan_detail
from reports import charts, narrative
from reports.models import NARRATIVE_KINDS, AnnualReport, Section, SectionKind
from reviews.selectors import addressed_to, record_of_decisions
from training.selectors import training_for_year, training_impact_for_year


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
    (an SVG with `summary` as its alternative text); the web page gives the
    summary in words beside the table."""

    kind: ClassVar[str] = "figure"
    key: str
    caption: str
    summary: str
    labels: list[str]
    values: list[float]
    unit: str
    svg_uri: str = ""  # filled in for the PDF by reports.charts
    folded: int = 0  # rows of the table the last bar stands for (charts.capped_bars)


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

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"board": self.board.slug, **kwargs})


def _money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"£{value:,.2f}" if value != value.to_integral_value() else f"£{value:,.0f}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _pct(value: int | None) -> str:
    return "" if value is None else f"{value}%"


# Key facts ---------------------------------------------------------------------------------


@dataclass
class KeyFact:
    """One indicator's figure for the report's year, the year before, and
    what they are compared with."""

    status: IndicatorStatus
    point: Point
    previous: Point | None
    direction: str
    england: ComparatorPoint | None
    neighbours: ComparatorPoint | None


def _year_point(status: IndicatorStatus, start: datetime.date) -> Point | None:
    return next((p for p in status.points if p.kind == PeriodKind.YEAR and p.start == start), None)


def key_facts(ctx: Context) -> list[KeyFact]:
    """The scorecard's indicators that have a figure for the report's year,
    in the scorecard's order, each with the previous year's figure, the
    direction of travel between them, and England and the statistical
    neighbours for the year (or, as the scorecard does, the latest period
    before it, which the figure's label then names). Quarterly and monthly
    figures are left to the scorecard: a key fact is a whole year's figure.
    Three queries, however many indicators."""
    start = ctx.year.start
    before = start.replace(year=start.year - 1)
    facts = []
    for group in indicator_selectors.scorecard(board=ctx.board):
        for status in group.statuses:
            point = _year_point(status, start)
            if point is None:
                continue
            previous = _year_point(status, before)
            direction = indicator_selectors.direction_of_travel(
                status.indicator.polarity, point, previous
            ).words.replace("the latest value", f"the {ctx.year.label} figure")
            direction = direction.replace(
                "the previous value", f"the {ctx.year.previous_label} figure"
            )
            facts.append(
                KeyFact(
                    status=status,
                    point=point,
                    previous=previous,
                    direction=direction,
                    england=status.comparator_for(Comparator.Kind.ENGLAND, point),
                    neighbours=status.comparator_for(Comparator.Kind.NEIGHBOURS, point),
                )
            )
    return facts


def _comparator_text(comparator: ComparatorPoint | None, year_label: str) -> str:
    if comparator is None:
        return "Not known"
    text = comparator.shown
    notes = [comparator.label] if comparator.label != year_label else []
    if comparator.used_words:
        notes.append(comparator.used_words)
    return f"{text} ({'; '.join(notes)})" if notes else text


def build_key_facts(ctx: Context, section: Section) -> BuiltSection:
    """The scorecard's headline figures for the year with their comparators.
    A suppressed figure is shown by its marker and what it means, never as
    zero; every figure links to its indicator's page."""
    built = BuiltSection(section, section.get_kind_display())
    facts = key_facts(ctx)
    scorecard = ctx.url("reports:scorecard")
    if not facts:
        built.empty = f"No indicator on the scorecard has a figure for {ctx.year.label}."
        return built
    label, previous_label = ctx.year.label, ctx.year.previous_label
    built.blocks.append(
        Paragraph(
            f"The scorecard's figures for {label}, each with the figure for {previous_label}, "
            "which way it moved (judged by whether higher or lower is better), and England and "
            "the statistical neighbours where they are known. A suppressed figure is shown by "
            "its marker and is never counted as zero.",
            href=scorecard,
            link_text="The scorecard",
        )
    )
    rows = []
    for fact in facts:
        url = fact.status.url
        rows.append(
            [
                Cell(fact.status.indicator.name, href=url),
                Cell(fact.point.shown, href=url, numeric=True),
                Cell(fact.previous.shown, href=url, numeric=True)
                if fact.previous
                else Cell("No figure", numeric=True),
                Cell(fact.direction),
                Cell(_comparator_text(fact.england, label), numeric=True),
                Cell(_comparator_text(fact.neighbours, label), numeric=True),
            ]
        )
    built.blocks.append(
        Table(
            key="key-facts",
            caption=f"Key facts, {label}",
            head=[
                "Indicator",
                label,
                previous_label,
                "Direction of travel",
                "England",
                "Statistical neighbours",
            ],
            numeric=[False, True, True, False, True, True],
            rows=rows,
            source=scorecard,
        )
    )
    revised = [
        f"{fact.status.indicator.name}, {label}: {fact.point.shown} from {fact.point.source} "
        "revises "
        + "; ".join(f"{other.shown} from {other.source}" for other in fact.point.other_editions)
        + "."
        for fact in facts
        if fact.point.revised
    ]
    if revised:
        built.blocks.append(Heading("Revised figures"))
        built.blocks.append(BulletList(revised))
    return built


# Priorities --------------------------------------------------------------------------------


@dataclass
class PriorityProgress:
    plan: ActionPlan
    priority: Any
    rows: list[list[Cell]]
    rated: int
    with_evidence: int
    progressing: int


def _latest_assessments(plans: list[ActionPlan], year: ReportingYear) -> dict[int, Assessment]:
    """Each action's latest assessment made by the end of the year, with its
    evidence types: one query for the assessments and one for their types."""
    assessments = (
        Assessment.objects.filter(action__plan__in=plans, assessed_on__lte=year.end)
        .prefetch_related("evidence_types")
        .order_by("action_id", "-assessed_on", "-recorded_at", "-id")
    )
    latest: dict[int, Assessment] = {}
    for assessment in assessments:
        latest.setdefault(assessment.action_id, assessment)
    return latest


def _rating_text(value: str | None) -> str:
    return Rating(value).label if value else "Not rated"


def priority_progress(ctx: Context) -> list[PriorityProgress]:
    """Each priority of the board's business plans with its actions, rated
    for process and impact as at the end of the year, and the evidence the
    rating rests on."""
    plans = list(
        ActionPlan.objects.filter(board=ctx.board, kind=ActionPlan.Kind.BUSINESS_PLAN).order_by(
            "-period", "title"
        )
    )
    latest = _latest_assessments(plans, ctx.year)
    result = []
    for plan in plans:
        for block in plan_detail(plan=plan):
            if block.priority is None:
                continue
            rows = []
            rated = with_evidence = progressing = 0
            for action in block.actions:
                assessment = latest.get(action.pk)
                evidence = ""
                if assessment is not None:
                    rated += 1
                    kinds = ", ".join(t.name for t in assessment.evidence_types.all())
                    evidence = "; ".join(
                        part for part in (kinds, assessment.evidence.strip()) if part
                    )
                    if evidence:
                        with_evidence += 1
                        if assessment.impact in (Rating.GREEN, Rating.BLUE):
                            progressing += 1
                url = reverse(
                    "priorities:action",
                    kwargs={"board": ctx.board.slug, "plan": plan.slug, "ref": action.ref},
                )
                rows.append(
                    [
                        Cell(action.ref, href=url),
                        Cell(action.description),
                        Cell(_rating_text(assessment.process if assessment else None)),
                        Cell(_rating_text(assessment.impact if assessment else None)),
                        Cell(evidence or "None recorded"),
                    ]
                )
            result.append(
                PriorityProgress(plan, block.priority, rows, rated, with_evidence, progressing)
            )
    return result


def build_priorities(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    progress = priority_progress(ctx)
    if not progress:
        built.empty = "No business plan priorities are recorded for this board."
        return built
    for item in progress:
        built.blocks.append(Heading(f"{item.plan.title}: {item.priority}"))
        if item.priority.key_outcomes:
            built.blocks.append(Paragraph(f"Key outcomes: {item.priority.key_outcomes}"))
        if not item.rows:
            built.blocks.append(Paragraph("No actions are recorded for this priority."))
            continue
        built.blocks.append(
            Table(
                key=f"priority-{item.plan.slug}-{item.priority.number}",
                caption=(
                    f"Actions for priority {item.priority.number}, rated at the end of "
                    f"{ctx.year.label}"
                ),
                head=["Action", "What", "Process", "Impact", "Evidence"],
                rows=item.rows,
                source=item.plan.get_absolute_url(),
            )
        )
    return built


def little_progress(ctx: Context) -> list[tuple[PriorityProgress, str]]:
    """Priorities with little or no evidence of progress: none of their
    actions rated green or blue for impact, with evidence, by the end of the
    year. Each with the reason in words."""
    found = []
    for item in priority_progress(ctx):
        if item.progressing:
            continue
        if not item.rows:
            reason = "no actions are recorded"
        elif not item.rated:
            reason = "no action was rated by the end of the year"
        elif not item.with_evidence:
            reason = "no rating rests on recorded evidence"
        else:
            reason = "no action's impact with evidence was rated green or blue"
        found.append((item, reason))
    return found


def build_little_progress(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    found = little_progress(ctx)
    if not priority_progress(ctx):
        built.empty = "No business plan priorities are recorded for this board."
        return built
    if not found:
        built.blocks.append(
            Paragraph(
                "Every priority has at least one action whose impact was rated green or blue "
                "on recorded evidence by the end of the year."
            )
        )
        return built
    built.blocks.append(
        Table(
            key="little-progress",
            caption="Priorities with little or no evidence of progress",
            head=["Priority", "Why"],
            rows=[
                [
                    Cell(f"{item.priority}", href=item.plan.get_absolute_url()),
                    Cell(reason[0].upper() + reason[1:] + "."),
                ]
                for item, reason in found
            ],
            source=reverse("priorities:plans", kwargs={"board": ctx.board.slug}),
        )
    )
    return built


# Training ----------------------------------------------------------------------------------


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


# Case reviews ------------------------------------------------------------------------------


def _date(value: Any) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def build_reviews(ctx: Context, section: Section) -> BuiltSection:
    """Working Together's record of decisions and actions on local and
    national review recommendations. A review that is not published is
    never named, nor are its recommendations given: only its kind, the
    decision and how many recommendations remain open."""
    built = BuiltSection(section, section.get_kind_display())
    records = record_of_decisions(board=ctx.board, year=ctx.year)
    source = ctx.url("reviews:record")
    if not records:
        built.empty = f"No case reviews were considered or acted on in {ctx.year.label}."
        return built
    summary = []
    for record in records:
        review = record.review
        name = review.name if review.is_published else "A review not published"
        decision = record.decision
        summary.append(
            [
                Cell(name, href=review.get_absolute_url() if review.is_published else ""),
                Cell(review.get_kind_display()),
                Cell(decision.get_outcome_display() if decision and decision.outcome else ""),
                Cell(_date(decision.date) if decision else ""),
                Cell(str(len(record.recommendations)), numeric=True),
                Cell(str(record.open_count), numeric=True),
            ]
        )
    built.blocks.append(
        Table(
            key="reviews",
            caption=f"Case reviews considered or acted on in {ctx.year.label}",
            head=["Review", "Kind", "Decision", "Decided", "Recommendations", "Still open"],
            numeric=[False, False, False, False, True, True],
            rows=summary,
            source=source,
        )
    )
    for record in records:
        if not record.review.is_published or not record.recommendations:
            continue
        rows = []
        for row in record.recommendations:
            rec = row.recommendation
            actions: list[Any] = [*row.actions] or [None]
            for action in actions:
                rows.append(
                    [
                        Cell(f"{rec.number}. {rec.text}"),
                        Cell(addressed_to(rec)),
                        Cell(
                            action.ref if action else "No action yet",
                            href=action.get_absolute_url() if action else "",
                        ),
                        Cell(_rating_text(getattr(action, "current_process", None))),
                        Cell(_rating_text(getattr(action, "current_impact", None))),
                        Cell("Open" if row.open else "Completed"),
                    ]
                )
        built.blocks.append(
            Table(
                key=f"review-{record.review.slug}",
                caption=f"Actions on the recommendations of {record.review.name}",
                head=["Recommendation", "Addressed to", "Action", "Process", "Impact", "State"],
                rows=rows,
                source=record.review.get_absolute_url(),
            )
        )
    return built


# Audits, Section 11 and inspections -------------------------------------------------------


def build_audits(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    audits = audits_for_year(board=ctx.board, year=ctx.year)
    if not audits:
        built.empty = f"No audits are recorded for {ctx.year.label}."
        return built
    built.blocks.append(
        Table(
            key="audits",
            caption=f"Audits, {ctx.year.label}",
            head=["Theme", "Kind", "Cases audited", "Agencies", "Findings"],
            numeric=[False, False, True, False, True],
            rows=[
                [
                    Cell(audit.theme, href=_audit_url(ctx, audit)),
                    Cell(audit.get_kind_display()),
                    Cell(
                        "" if audit.cases_audited is None else str(audit.cases_audited),
                        numeric=True,
                    ),
                    Cell(", ".join(a.short_name or a.name for a in audit.agencies.all())),
                    Cell(str(len(audit.findings.all())), numeric=True),
                ]
                for audit in audits
            ],
            source=ctx.url("audits:audits"),
        )
    )
    for audit in audits:
        findings = list(audit.findings.all())
        if findings:
            built.blocks.append(Heading(f"What the {audit.theme} audit found"))
            built.blocks.append(BulletList([f"{f.get_kind_display()}: {f.text}" for f in findings]))
    return built


def _audit_url(ctx: Context, audit: Any) -> str:
    return ctx.url("audits:audit", audit=audit.slug)


def build_section_11(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    matrices = section11_for_year(board=ctx.board, year=ctx.year)
    if not matrices:
        built.empty = f"No Section 11 round is recorded for {ctx.year.label}."
        return built
    for matrix in matrices:
        standards = matrix.standards
        rows = [
            [
                Cell(row.agency.short_name or row.agency.name),
                *(
                    Cell(cell.rating.get_level_display() if cell.rating else "")
                    for cell in row.cells
                ),
            ]
            for row in matrix.returned
        ]
        built.blocks.append(
            Table(
                key=f"section-11-{matrix.section11.slug}",
                caption=f"{matrix.section11.title}: ratings by standard",
                head=["Agency", *(f"Standard {s.number}" for s in standards)],
                rows=rows,
                source=ctx.url("audits:round", round=matrix.section11.slug),
            )
        )
        if matrix.not_returned:
            names = ", ".join(r.agency.short_name or r.agency.name for r in matrix.not_returned)
            built.blocks.append(Paragraph(f"Not returned: {names}."))
    return built


def build_inspections(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    inspections = inspections_for_year(board=ctx.board, year=ctx.year)
    if not inspections:
        built.empty = f"No inspections are recorded for {ctx.year.label}."
        return built
    for inspection in inspections:
        built.blocks.append(Heading(str(inspection)))
        if inspection.summary:
            built.blocks.append(Paragraph(inspection.summary))
        judgements = list(inspection.judgements.all())
        if judgements:
            built.blocks.append(
                Table(
                    key=f"inspection-{inspection.slug}",
                    caption=f"Judgements of {inspection}",
                    head=["Area", "Judgement"],
                    rows=[[Cell(j.area), Cell(j.grade)] for j in judgements],
                    source=ctx.url("audits:inspection", inspection=inspection.slug),
                )
            )
    return built


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


# Board: attendance, budget, members --------------------------------------------------------


def _strategic_groups(board: Board) -> list[Group]:
    return list(
        board.groups.filter(kind__in=[Group.Kind.STRATEGIC_BOARD, Group.Kind.EXECUTIVE]).order_by(
            "kind", "name"
        )
    )


def build_attendance(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    for group in _strategic_groups(ctx.board):
        matrix = board_selectors.attendance_matrix(group=group, year=ctx.year)
        if not matrix.meetings:
            continue
        short = dict(Attendance.Status.choices)
        rows = [
            [
                Cell(row.member.label),
                *(Cell(short.get(c, "") if c else "") for c in row.cells),
                Cell(f"{row.attended} of {row.held}", numeric=True),
                Cell(_pct(row.percent), numeric=True),
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
            built.blocks.append(
                Figure(
                    key=f"attendance-chart-{group.slug}",
                    caption=caption,
                    summary=(
                        f"{charted}. In all, {_count(len(measured), 'member')} over "
                        f"{_count(len(matrix.meetings), 'meeting')}, {average}% on average; the lowest was "
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
        built.empty = f"No board meetings are recorded for {ctx.year.label}."
    return built


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
            Cell(_money(line.contribution.amount), numeric=True),
            Cell(_money(line.previous), numeric=True),
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
            Cell(_money(budget.total), numeric=True),
            Cell(_money(budget.previous_total), numeric=True),
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
                f"other {bars.folded} together ({_money(rest)})."
            )
        built.blocks.append(
            Figure(
                key="budget-chart",
                caption=caption,
                summary=(
                    f"A bar chart of the {_count(len(budget.lines), 'contribution')} to the budget for "
                    f"{ctx.year.label}, {_money(budget.total)} in all; the largest was "
                    f"{largest.label} at {_money(largest.amount)}.{charted} The table below gives "
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
        text = f"The total stated in the published report: {_money(budget.published.amount)}."
        if budget.unexplained is not None:
            text += (
                f" The lines recorded add up to {_money(budget.total)}, a difference of "
                f"{_money(budget.unexplained)}."
            )
        built.blocks.append(Paragraph(text, href=source, link_text="The budget page"))
    return built


def build_members(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    members = [
        m
        for m in board_selectors.members_for_board(board=ctx.board)
        if (m.start is None or m.start <= ctx.year.end)
        and (m.end is None or m.end >= ctx.year.start)
    ]
    if not members:
        built.empty = "No members are recorded for this board."
        return built
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
            source=ctx.url("board:members"),
        )
    )
    return built


# Glossary ----------------------------------------------------------------------------------

#: Abbreviations a safeguarding report commonly uses, and what they stand for.
COMMON_ABBREVIATIONS: dict[str, str] = {
    "CAMHS": "Child and Adolescent Mental Health Services",
    "CDOP": "Child Death Overview Panel",
    "CQC": "Care Quality Commission",
    "CSE": "Child sexual exploitation",
    "CSPR": "Child safeguarding practice review",
    "HMIC": "Her Majesty's Inspectorate of Constabulary",
    "LADO": "Local Authority Designated Officer",
    "LSCB": "Local Safeguarding Children Board",
    "MASH": "Multi-Agency Safeguarding Hub",
    "NHS": "National Health Service",
    "Ofsted": "Office for Standards in Education, Children's Services and Skills",
    "PI": "Performance indicator",
    "RAG": "Red, amber, green rating",
    "SCR": "Serious case review",
}


def abbreviations_for(ctx: Context) -> dict[str, str]:
    """The abbreviations this board's data defines (groups, agencies, the
    board itself) over the common ones."""
    known = dict(COMMON_ABBREVIATIONS)
    known[ctx.board.short_name] = ctx.board.name
    for group in ctx.board.groups.exclude(short_name=""):
        known[group.short_name] = group.name
    for member in board_selectors.members_for_board(board=ctx.board):
        if member.agency and member.agency.short_name:
            known[member.agency.short_name] = member.agency.name
    return {k: v for k, v in known.items() if k and k != v}


def _words(text: str) -> set[str]:
    """Every token of `text`, split on whitespace and trimmed of punctuation
    (keeping & and - inside, so S&AG and PAN-BED stay whole)."""
    return {word.strip(".,;:()[]\"'!?") for word in text.split()}


def glossary(ctx: Context, texts: list[str]) -> list[tuple[str, str]]:
    words: set[str] = set()
    for text in texts:
        words |= _words(text)
    known = abbreviations_for(ctx)
    return sorted(((k, v) for k, v in known.items() if k in words), key=lambda kv: kv[0].lower())


def block_texts(built: BuiltSection) -> list[str]:
    texts = [built.title]
    if built.html:
        texts.append(narrative.plain_text(built.section.body))
    for block in built.blocks:
        if isinstance(block, Table):
            texts.append(block.caption)
            texts.extend(block.head)
            texts.extend(c.text for row in block.rows for c in row)
        elif isinstance(block, Paragraph | Heading):
            texts.append(block.text)
        elif isinstance(block, Figure):
            texts.append(block.caption)
        else:
            texts.extend(block.items)
    return texts


def build_glossary(ctx: Context, section: Section, texts: list[str]) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    terms = glossary(ctx, texts)
    if not terms:
        built.empty = "The report uses no abbreviations."
        return built
    built.blocks.append(
        Table(
            key="glossary",
            caption="Abbreviations used in this report",
            head=["Abbreviation", "Stands for"],
            rows=[[Cell(k), Cell(v)] for k, v in terms],
        )
    )
    return built


# Narrative ---------------------------------------------------------------------------------


def build_narrative(ctx: Context, section: Section) -> BuiltSection:
    """The section's cleaned HTML. An unwritten one has no words of its own
    to print: it stops approval, publication and the build
    (BuiltSection.unwritten), and only the preview says it is missing."""
    built = BuiltSection(section, section.get_kind_display())
    if section.body.strip():
        built.html = narrative.render(section.body)
    return built


Builder = Callable[[Context, Section], BuiltSection]

BUILDERS: dict[str, Builder] = {
    SectionKind.KEY_FACTS: build_key_facts,
    SectionKind.PRIORITIES: build_priorities,
    SectionKind.LITTLE_PROGRESS: build_little_progress,
    SectionKind.REVIEWS: build_reviews,
    SectionKind.AUDITS: build_audits,
    SectionKind.SECTION_11: build_section_11,
    SectionKind.INSPECTIONS: build_inspections,
    SectionKind.TRAINING: build_training,
    SectionKind.TRAINING_IMPACT: build_training_impact,
    SectionKind.MEMBERS: build_members,
    SectionKind.ATTENDANCE: build_attendance,
    SectionKind.BUDGET: build_budget,
}


def available_kinds() -> list[str]:
    """The section kinds Assure can offer today, in their usual order: every
    narrative kind, the generated kinds it has a builder for, the glossary."""
    return [
        kind
        for kind in SectionKind.values
        if kind in NARRATIVE_KINDS or kind in BUILDERS or kind == SectionKind.GLOSSARY
    ]


@dataclass
class BuiltReport:
    report: AnnualReport
    sections: list[BuiltSection]

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]

    @property
    def figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.figures]


def build_report(report: AnnualReport, *, included_only: bool = True) -> BuiltReport:
    """Every section of the report in its order, built from today's data;
    the glossary last of all, from the words the other sections use."""
    ctx = Context(board=report.board, year=report.year)
    offered = set(available_kinds())
    sections = [
        s
        for s in report.sections.order_by("position")
        if s.kind in offered and (s.included or not included_only)
    ]
    built: list[BuiltSection] = []
    glossary_at: int | None = None
    for section in sections:
        if section.kind == SectionKind.GLOSSARY:
            glossary_at = len(built)
            built.append(BuiltSection(section, section.get_kind_display()))
        elif section.kind in NARRATIVE_KINDS:
            built.append(build_narrative(ctx, section))
        else:
            built.append(BUILDERS[section.kind](ctx, section))
    if glossary_at is not None:
        texts = [report.title] + [t for b in built for t in block_texts(b)]
        built[glossary_at] = build_glossary(ctx, built[glossary_at].section, texts)
    return BuiltReport(report, built)
