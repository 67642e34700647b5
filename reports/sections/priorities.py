"""Priorities and progress: each business plan priority's actions rated at
the end of the year, and the priorities with little or no evidence of
progress."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from board.models import ReportingYear
from priorities.models import ActionPlan, Assessment, Rating
from priorities.selectors import plan_detail, plans_in_force_during
from reports import charts
from reports.models import Section, SectionKind
from reports.sections.blocks import (
    BuiltSection,
    Cell,
    Context,
    Figure,
    Heading,
    Highlight,
    Paragraph,
    Table,
    plural,
    rating_text,
)
from reports.sections.registry import register


@dataclass
class PriorityProgress:
    plan: ActionPlan
    priority: Any
    rows: list[list[Cell]]
    rated: int
    with_evidence: int
    progressing: int
    #: How many actions stand at each rating at the end of the year ("" for
    #: not rated), for process and for impact.
    process: Counter[str] = field(default_factory=Counter)
    impact: Counter[str] = field(default_factory=Counter)


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


def priority_progress(ctx: Context) -> list[PriorityProgress]:
    """Each priority of the board's business plans in force during the year
    (a plan of another year belongs to that year's report), with its
    actions, rated for process and impact as at the end of the year, and
    the evidence the rating rests on. Read once for a report: two sections
    show it."""
    if "priority_progress" not in ctx.found:
        ctx.found["priority_progress"] = _priority_progress(ctx)
    return list(ctx.found["priority_progress"])


def _priority_progress(ctx: Context) -> list[PriorityProgress]:
    plans = list(
        plans_in_force_during(
            board=ctx.board,
            first=ctx.year.start,
            last=ctx.year.end,
            kind=ActionPlan.Kind.BUSINESS_PLAN,
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
            process: Counter[str] = Counter()
            impact: Counter[str] = Counter()
            for action in block.actions:
                assessment = latest.get(action.pk)
                process[assessment.process if assessment else ""] += 1
                impact[assessment.impact if assessment else ""] += 1
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
                        Cell(rating_text(assessment.process if assessment else None)),
                        Cell(rating_text(assessment.impact if assessment else None)),
                        Cell(evidence or "None recorded"),
                    ]
                )
            result.append(
                PriorityProgress(
                    plan, block.priority, rows, rated, with_evidence, progressing, process, impact
                )
            )
    return result


@register(SectionKind.PRIORITIES)
def build_priorities(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    progress = priority_progress(ctx)
    if not progress:
        built.empty = "No business plan priorities are recorded for this board."
        return built
    built.actions_with_evidence = sum(item.with_evidence for item in progress)
    _rating_summary(ctx, built, progress)
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


def _priorities(n: int) -> str:
    return f"{n} priorit{'y' if n == 1 else 'ies'}"


#: The scale's order for the summary, "" (not rated) last.
SCALE = [*Rating.values, ""]


def _scale_name(rating: str) -> str:
    return Rating(rating).label if rating else "Not rated"


def _priority_labels(progress: list[PriorityProgress]) -> list[str]:
    """Each priority's label for the chart and its table: its number and
    title, with its plan's title where two plans number priorities alike."""
    plain = [f"{item.priority.number}. {item.priority.title}" for item in progress]
    repeated = {label for label in plain if plain.count(label) > 1} | {
        f"{item.priority.number}"
        for item in progress
        if sum(1 for other in progress if other.priority.number == item.priority.number) > 1
    }
    return [
        f"{item.plan.title}: {label}"
        if label in repeated or f"{item.priority.number}" in repeated
        else label
        for item, label in zip(progress, plain, strict=True)
    ]


def _rating_summary(ctx: Context, built: BuiltSection, progress: list[PriorityProgress]) -> None:
    """The year's ratings at a glance: a chart of each priority's actions by
    rating, process beside impact, with the same counts as a table, and the
    section's figures for the "in numbers" page."""
    rated = [item for item in progress if item.rows]
    if not rated:
        return
    labels = _priority_labels(rated)
    actions = sum(len(item.rows) for item in rated)
    assessed = sum(item.rated for item in rated)
    good = sum(item.impact[Rating.GREEN] + item.impact[Rating.BLUE] for item in rated)
    red = sum(item.process[Rating.RED] + item.impact[Rating.RED] for item in rated)
    key = "priority-ratings"
    shown = rated[: charts.MAX_BARS]
    caption = f"Actions by rating for each priority, process and impact, end of {ctx.year.label}"
    summary = (
        f"A chart of the {plural(actions, 'action')} of {_priorities(len(rated))} by "
        f"their rating at the end of {ctx.year.label}, process beside impact: {assessed} rated, "
        f"{good} green or blue for impact, {red} ratings red. "
    )
    if len(shown) < len(rated):
        summary += f"The chart shows the first {len(shown)} priorities; "
    summary += "The table below gives every count."
    built.blocks.append(
        Figure(
            key=f"{key}-chart",
            caption=caption,
            summary=summary,
            labels=labels[: len(shown)],
            values=[],
            unit="",
            table=key,
            plot=charts.rating_figure(
                title=caption,
                labels=labels[: len(shown)],
                process=[item.process for item in shown],
                impact=[item.impact for item in shown],
                names={rating: _scale_name(rating) for rating in SCALE},
            ),
        )
    )
    rows = []
    for item, label in zip(rated, labels, strict=True):
        for dimension, counts in (("Process", item.process), ("Impact", item.impact)):
            rows.append(
                [
                    Cell(f"{label.split('. ', 1)[0]}, {dimension.lower()}"),
                    *(Cell(str(counts[rating]), numeric=True) for rating in SCALE),
                ]
            )
    built.blocks.append(
        Table(
            key=key,
            caption=f"Actions by rating at the end of {ctx.year.label}",
            head=["Priority", *(_scale_name(rating).split(" (")[0] for rating in SCALE)],
            numeric=[False, *(True for _ in SCALE)],
            rows=rows,
            source=reverse("priorities:plans", kwargs={"board": ctx.board.slug}),
        )
    )
    built.highlights += [
        Highlight(f"{actions}", f"actions across {_priorities(len(rated))}"),
        Highlight(
            f"{round(100 * good / actions)}%" if actions else "0%",
            "of actions green or blue for impact at the year's end",
        ),
    ]


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


@register(SectionKind.LITTLE_PROGRESS)
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
