"""The glossary: the abbreviations the report's own words use, built last
from every other section's text."""

from __future__ import annotations

from board import selectors as board_selectors
from reports import narrative
from reports.models import Section
from reports.sections.blocks import (
    BuiltSection,
    Cell,
    Context,
    Figure,
    Heading,
    Paragraph,
    Table,
)

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
