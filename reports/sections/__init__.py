"""Section builders: each generated section of an annual report, read from
the year's data through the other apps' selectors, as plain blocks
(paragraphs, lists and tables) that the HTML page, the PDF and the data files
all render from the same objects.

Builders only read. Every figure carries a link back to the page it comes
from. A section whose app does not provide its data yet is not offered
(`available_kinds`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reports import narrative
from reports.models import NARRATIVE_KINDS, AnnualReport, Section, SectionKind

# The modules of each group of sections register their builders as they load.
from reports.sections import (  # noqa: F401
    assurance,
    facts,
    governance,
    priorities,
    reviews,
    stated,
    training,
)
from reports.sections.blocks import (
    BuiltSection,
    BulletList,
    Cell,
    Context,
    Figure,
    Heading,
    Highlight,
    Paragraph,
    Table,
)
from reports.sections.facts import KeyFact, build_key_facts, key_facts
from reports.sections.glossary import block_texts, build_glossary, glossary
from reports.sections.priorities import PriorityProgress, little_progress, priority_progress
from reports.sections.registry import BUILDERS, Builder

__all__ = [
    "BUILDERS",
    "Builder",
    "BuiltReport",
    "BuiltSection",
    "BulletList",
    "Cell",
    "Context",
    "Figure",
    "Heading",
    "Highlight",
    "KeyFact",
    "Paragraph",
    "PriorityProgress",
    "Table",
    "available_kinds",
    "build_key_facts",
    "build_report",
    "glossary",
    "key_facts",
    "little_progress",
    "priority_progress",
]


def build_narrative(ctx: Context, section: Section) -> BuiltSection:
    """The section's cleaned HTML. An unwritten one has no words of its own
    to print: it stops approval, publication and the build
    (BuiltSection.unwritten), and only the preview says it is missing."""
    built = BuiltSection(section, section.get_kind_display())
    if section.body.strip():
        built.html = narrative.render(section.body)
    return built


def available_kinds() -> list[str]:
    """The section kinds Assure can offer today, in their usual order: every
    narrative kind, the generated kinds it has a builder for, the glossary."""
    return [
        kind
        for kind in SectionKind.values
        if kind in NARRATIVE_KINDS or kind in BUILDERS or kind == SectionKind.GLOSSARY
    ]


#: The most figures the "in numbers" page gives.
HIGHLIGHTS = 12


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

    @property
    def reviews(self) -> list[Any]:
        """Every case review the report holds (in the record of decisions
        and actions), each once: what reading it counts as reading."""
        return list({r.pk: r for s in self.sections for r in s.reviews}.values())

    @property
    def highlights(self) -> list[Highlight]:
        """The year's key figures for the "in numbers" page: every figure of
        the year's own report's "in numbers" page when Assure holds them
        (the board chose them; Luton's 2020-21 report states 35), in its
        order; otherwise Assure's own, section by section, at most
        `HIGHLIGHTS`."""
        found = [h for s in self.sections for h in s.highlights]
        from_report = [h for h in found if h.stated]
        return from_report or [h for h in found if not h.stated][:HIGHLIGHTS]

    @property
    def highlight_groups(self) -> list[tuple[str, list[Highlight]]]:
        """The highlights in runs of one theme, in order, for the page's
        headings: a theme is kept whole on a page."""
        groups: list[tuple[str, list[Highlight]]] = []
        for highlight in self.highlights:
            if not groups or groups[-1][0] != highlight.theme:
                groups.append((highlight.theme, []))
            groups[-1][1].append(highlight)
        return groups


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
