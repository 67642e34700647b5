"""Assurance: the year's audits and their findings, Section 11
self-assessments and inspections."""

from __future__ import annotations

from typing import Any

from audits.selectors import Matrix, audits_for_year, inspections_for_year, section11_for_year
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


@register(SectionKind.AUDITS)
def build_audits(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    audits = audits_for_year(board=ctx.board, year=ctx.year)
    if not audits:
        built.empty = f"No audits are recorded for {ctx.year.label}."
        return built
    built.highlights.append(Highlight(str(len(audits)), f"audits in {ctx.year.label}"))
    cases = sum(audit.cases_audited or 0 for audit in audits)
    if cases:
        built.highlights.append(Highlight(f"{cases:,}", "cases audited"))
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


@register(SectionKind.SECTION_11)
def build_section_11(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    matrices = section11_for_year(board=ctx.board, year=ctx.year)
    if not matrices:
        built.empty = f"No Section 11 round is recorded for {ctx.year.label}."
        return built
    for matrix in matrices:
        _section_11_round(ctx, built, matrix)
    return built


def _section_11_round(ctx: Context, built: BuiltSection, matrix: Matrix) -> None:
    """One round: what it covered, each standard in its scope with what the
    round found on it, and the agencies' ratings only where returns are
    recorded. A round known only from a report that gives no ratings (both
    past reports) says so instead of drawing an empty table."""
    round_ = matrix.section11
    source = ctx.url("audits:round", round=round_.slug)
    built.blocks.append(Heading(round_.title))
    if round_.summary:
        built.blocks.append(Paragraph(round_.summary, href=source, link_text="The round"))
    found = [f for f in matrix.focus if f.findings]
    if found:
        built.blocks.append(
            Table(
                key=f"section-11-{round_.slug}-findings",
                caption=f"{round_.title}: what was found, standard by standard",
                head=["Standard", "What the round found"],
                rows=[
                    [Cell(f"Standard {f.standard.number}: {f.standard.title}"), Cell(f.findings)]
                    for f in found
                ],
                source=source,
            )
        )
    if matrix.returned:
        built.blocks.append(
            Table(
                key=f"section-11-{round_.slug}",
                caption=f"{round_.title}: ratings by standard",
                head=["Agency", *(f"Standard {s.number}" for s in matrix.standards)],
                rows=[
                    [
                        Cell(row.agency.short_name or row.agency.name),
                        *(
                            Cell(cell.rating.get_level_display() if cell.rating else "")
                            for cell in row.cells
                        ),
                    ]
                    for row in matrix.returned
                ],
                source=source,
            )
        )
    else:
        built.blocks.append(
            Paragraph(f"No agency's return or rating is recorded for {round_.title}.")
        )
    if matrix.not_returned:
        names = ", ".join(r.agency.short_name or r.agency.name for r in matrix.not_returned)
        built.blocks.append(Paragraph(f"Not returned: {names}."))


@register(SectionKind.INSPECTIONS)
def build_inspections(ctx: Context, section: Section) -> BuiltSection:
    built = BuiltSection(section, section.get_kind_display())
    inspections = inspections_for_year(board=ctx.board, year=ctx.year)
    if not inspections:
        built.empty = f"No inspections are recorded for {ctx.year.label}."
        return built
    for inspection in inspections:
        built.blocks.append(Heading(str(inspection)))
        dates = [
            f"{what}: {when}."
            for what, when in (
                ("Inspected", inspection.when),
                ("Report published", inspection.published_when),
            )
            if when
        ]
        if dates:
            built.blocks.append(Paragraph(" ".join(dates)))
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
