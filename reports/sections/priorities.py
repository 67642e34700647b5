"""Priorities and progress: each business plan priority's actions rated at
the end of the year, and the priorities with little or no evidence of
progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from board.models import ReportingYear
from priorities.models import ActionPlan, Assessment, Rating
from priorities.selectors import plan_detail
from reports.models import Section, SectionKind
from reports.sections.blocks import (
    BuiltSection,
    Cell,
    Context,
    Heading,
    Paragraph,
    Table,
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
                        Cell(rating_text(assessment.process if assessment else None)),
                        Cell(rating_text(assessment.impact if assessment else None)),
                        Cell(evidence or "None recorded"),
                    ]
                )
            result.append(
                PriorityProgress(plan, block.priority, rows, rated, with_evidence, progressing)
            )
    return result


@register(SectionKind.PRIORITIES)
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
