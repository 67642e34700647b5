"""A report's versions: what a publication freezes of its sections, and
what a correction changes against the version published before it.

Each published version (a Snapshot) keeps every section as it was: its
kind, title and place, whether it was included and why not, the Markdown
of a narrative section, and a fingerprint (SHA-256) of what was built for
it. The fingerprint covers everything a reader sees of the section (the
cleaned HTML of the narrative; every table, paragraph, list and chart's
figures of a generated section), so a correction's list of changed
sections also names a generated section whose figures changed because the
data behind it did, which the chair should know before approving.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from reports.models import AnnualReport, Section, Snapshot
from reports.sections import (
    BuiltReport,
    BuiltSection,
    BulletList,
    Figure,
    Heading,
    Paragraph,
    Table,
    available_kinds,
)


def block_content(block: Any) -> dict[str, Any]:
    """A block as plain data: what a reader of the report sees of it."""
    if isinstance(block, Table):
        return {
            "type": "table",
            "caption": block.caption,
            "head": block.head,
            "rows": [[c.text for c in row] for row in block.rows],
            "foot": [c.text for c in block.foot],
        }
    if isinstance(block, Figure):
        return {
            "type": "figure",
            "caption": block.caption,
            "summary": block.summary,
            "labels": block.labels,
            "values": block.values,
            "unit": block.unit,
        }
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text}
    if isinstance(block, Heading):
        return {"type": "heading", "text": block.text}
    if isinstance(block, BulletList):
        return {"type": "list", "items": block.items}
    raise TypeError(f"No content for a block of type {type(block).__name__}.")


def fingerprint(built: BuiltSection) -> str:
    """SHA-256 of everything a reader sees of a built section."""
    content = {
        "title": built.title,
        "html": str(built.html or ""),
        "blocks": [block_content(b) for b in built.blocks],
        "empty": built.empty,
    }
    data = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def frozen_sections(report: AnnualReport, built: BuiltReport) -> list[dict[str, Any]]:
    """Every section of the report as it is published, offered or not, in
    its order; included ones with the fingerprint of what was built."""
    prints = {b.kind: fingerprint(b) for b in built.sections}
    return [
        {
            "kind": s.kind,
            "title": s.get_kind_display(),
            "position": s.position,
            "included": s.included,
            "left_out_reason": s.left_out_reason,
            "body": s.body,
            "fingerprint": prints.get(s.kind, ""),
        }
        for s in report.sections.order_by("position")
    ]


@dataclass(frozen=True)
class SectionChange:
    """One way the report differs from the version published before it."""

    kind: str  # a section's kind, or "title" for the report's title
    title: str
    change: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "title": self.title, "change": self.change}


def changes_between(
    previous: Snapshot, report: AnnualReport, built: BuiltReport, sections: list[Section]
) -> list[SectionChange] | None:
    """How the report as it stands differs from the published `previous`
    version: its title, and each offered section rewritten (or its figures
    changed), brought back in, left out, or moved. None when `previous` was
    published before Assure kept each version's sections, so nothing can be
    compared."""
    if not previous.sections:
        return None
    before = {s["kind"]: s for s in previous.sections}
    prints = {b.kind: fingerprint(b) for b in built.sections}
    offered = set(available_kinds())
    found: list[SectionChange] = []
    if previous.title and report.title != previous.title:
        found.append(SectionChange("title", "The report's title", f"now “{report.title}”"))
    now_order = [s.kind for s in sections if s.kind in offered and s.included]
    then_order = [
        s["kind"]
        for s in sorted(previous.sections, key=lambda s: s["position"])
        if s["kind"] in offered and s["included"]
    ]
    common_now = [k for k in now_order if k in then_order]
    common_then = [k for k in then_order if k in now_order]
    for section in sections:
        if section.kind not in offered:
            continue
        old = before.get(section.kind)
        moved = section.kind in common_now and (
            common_now.index(section.kind) != common_then.index(section.kind)
        )
        change = _section_change(section, old, prints.get(section.kind, ""), moved)
        if change:
            found.append(SectionChange(section.kind, section.get_kind_display(), change))
    return found


def _section_change(section: Section, old: dict[str, Any] | None, now: str, moved: bool) -> str:
    """How one section differs from its published self, in words; empty
    when it does not."""
    was_in = bool(old and old["included"])
    if section.included and not was_in:
        return "added"
    if was_in and not section.included:
        return f"left out: {section.left_out_reason}"
    if not section.included or old is None:
        return ""
    words = []
    if now != old["fingerprint"]:
        words.append("rewritten" if section.is_narrative else "figures or entries changed")
    if moved:
        words.append("moved")
    return " and ".join(words)


def latest_snapshot(report: AnnualReport) -> Snapshot | None:
    return report.snapshots.order_by("-version").first()


def changes_since_published(report: AnnualReport, built: BuiltReport) -> list[SectionChange] | None:
    """How the report as it stands (built as `built`) differs from its
    latest published version; None before its first publication, or when
    that version kept no sections to compare with."""
    previous = latest_snapshot(report)
    if previous is None:
        return None
    sections = list(Section.objects.filter(report=report).order_by("position"))
    return changes_between(previous, report, built, sections)
