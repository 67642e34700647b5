"""Case reviews: Working Together's record of decisions and actions on
review recommendations."""

from __future__ import annotations

from typing import Any

from reports.models import Section, SectionKind
from reports.sections.blocks import BuiltSection, Cell, Context, Highlight, Table, rating_text
from reports.sections.registry import register
from reviews.selectors import addressed_to, record_of_decisions


def _date(value: Any) -> str:
    return f"{value:%-d %B %Y}" if value else ""


@register(SectionKind.REVIEWS)
def build_reviews(ctx: Context, section: Section) -> BuiltSection:
    """Working Together's record of decisions and actions on local and
    national review recommendations. A review that is not published is
    never named, nor are its recommendations given: only its kind, the
    decision and how many recommendations remain open."""
    built = BuiltSection(section, section.get_kind_display())
    records = record_of_decisions(board=ctx.board, year=ctx.year)
    built.reviews = [record.review for record in records]
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
    built.highlights.append(
        Highlight(str(len(records)), f"case reviews considered or acted on in {ctx.year.label}")
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
                        Cell(rating_text(getattr(action, "current_process", None))),
                        Cell(rating_text(getattr(action, "current_impact", None))),
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
