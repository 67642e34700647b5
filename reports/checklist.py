"""The Working Together check: what the statutory guidance asks a yearly
report to contain, each item present or missing in this report, with a link
to where it is fixed. Approving with an item missing needs a recorded reason
(reports.services.report_approve)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from reports.models import AnnualReport, SectionKind
from reports.sections import BuiltReport, BuiltSection, Table, build_report


@dataclass
class Item:
    key: str
    label: str
    present: bool
    detail: str
    fix_url: str
    fix_text: str


def _section(built: BuiltReport, kind: str) -> BuiltSection | None:
    return next((s for s in built.sections if s.kind == kind), None)


def _has_content(built: BuiltReport, kind: str) -> bool:
    section = _section(built, kind)
    return section is not None and not section.is_empty


def _section_url(report: AnnualReport, kind: str) -> str:
    return reverse(
        "reports:section_edit",
        kwargs={"board": report.board.slug, "year": report.year.label, "kind": kind},
    )


def _report_url(report: AnnualReport, anchor: str = "sections") -> str:
    return report.get_absolute_url() + f"#{anchor}"


def _rated_with_evidence(built: BuiltReport) -> bool:
    """Whether an action of the priorities is rated on recorded evidence
    (every assessment rates impact, so an action with evidence is rated)."""
    section = _section(built, SectionKind.PRIORITIES)
    return section is not None and section.actions_with_evidence > 0


def checklist(report: AnnualReport, built: BuiltReport | None = None) -> list[Item]:
    """Each item of the check, in the guidance's order. Reads the report as
    it would be built now, included sections only."""
    built = built or build_report(report)
    board = report.board.slug
    year = report.year.label
    narrative = (SectionKind.EFFECTIVENESS, SectionKind.VOICE, SectionKind.SCRUTINY)
    effectiveness, voice, scrutiny = (_has_content(built, k) for k in narrative)
    priorities = _has_content(built, SectionKind.PRIORITIES)
    training = _has_content(built, SectionKind.TRAINING) or _has_content(
        built, SectionKind.TRAINING_IMPACT
    )
    evidence = _rated_with_evidence(built)
    little = _section(built, SectionKind.LITTLE_PROGRESS)
    reviews = _section(built, SectionKind.REVIEWS) is not None
    budget = _section(built, SectionKind.BUDGET)
    items = [
        Item(
            "effectiveness",
            "What the partners did and how effective it was",
            effectiveness and priorities,
            "Needs the written account of what the partners did and the priorities with their "
            "ratings.",
            _section_url(report, SectionKind.EFFECTIVENESS)
            if not effectiveness
            else _report_url(report),
            "Write what the partners did" if not effectiveness else "Include the priorities",
        ),
        Item(
            "impact",
            "Evidence of impact, including of training",
            evidence and training,
            "Needs actions rated for impact on recorded evidence, and the year's training.",
            reverse("priorities:plans", kwargs={"board": board})
            if not evidence
            else reverse("training:training", kwargs={"board": board}) + f"?year={year}",
            "Record ratings with evidence" if not evidence else "Record the year's training",
        ),
        Item(
            "little-progress",
            "Priorities with little or no evidence of progress",
            little is not None and priorities,
            "Needs the analysis of priorities where there was little or no evidence of progress.",
            _report_url(report),
            "Include the analysis",
        ),
        Item(
            "review-actions",
            "The record of actions on local and national review recommendations",
            reviews,
            "Needs the case reviews section: the record of decisions and actions on "
            "recommendations, and what improved.",
            _report_url(report),
            "Include the case reviews",
        ),
        Item(
            "voice",
            "How feedback from children and families was sought and used",
            voice,
            "Needs the section on the voice of children and families.",
            _section_url(report, SectionKind.VOICE),
            "Write about the voice of children and families",
        ),
        Item(
            "scrutiny",
            "Independent scrutiny",
            scrutiny,
            "Needs the independent scrutineer's account.",
            _section_url(report, SectionKind.SCRUTINY),
            "Write the independent scrutiny section",
        ),
        Item(
            "funding",
            "Funding",
            budget is not None and any(isinstance(b, Table) for b in budget.blocks),
            "Needs the budget: each partner's contribution for the year.",
            reverse("board:budget", kwargs={"board": board}) + f"?year={year}"
            if budget is not None
            else _report_url(report),
            "Record the contributions" if budget is not None else "Include the budget",
        ),
    ]
    return items


def missing(items: list[Item]) -> list[Item]:
    return [item for item in items if not item.present]
