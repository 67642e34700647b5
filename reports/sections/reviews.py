"""Case reviews: Working Together's record of decisions and actions on
review recommendations."""

from __future__ import annotations

from typing import Any

from reports.models import Section, SectionKind
from reports.sections.blocks import (
    BuiltSection,
    Cell,
    Context,
    Highlight,
    Paragraph,
    Table,
    rating_text,
)
from reports.sections.registry import register
from reviews.selectors import CountRow, addressed_to, record_of_decisions, stated_counts


def _date(value: Any) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def _publication(review: Any, published: Any) -> str:
    """The review's publication status as it truly is, with the month or day
    of publication where it is known."""
    text = (
        "Not known"
        if review.publication_status == review.Publication.NOT_KNOWN
        else str(review.get_publication_status_display())
    )
    if review.is_published and published is not None and published.date:
        text += f" ({published.date_label})"
    return text


def _counts_table(ctx: Context, rows: list[CountRow]) -> Table:
    """The counts the year's published report states beside what Assure
    counts from its own records, each difference named."""
    return Table(
        key="review-counts",
        caption=f"Case review counts for {ctx.year.label}: as the report stated them and "
        "as Assure counts them",
        head=["Measure", "As stated", "Counted by Assure", "Difference"],
        numeric=[False, True, True, False],
        rows=[
            [
                Cell(row.label),
                Cell(str(row.stated.value) if row.stated else "", numeric=True),
                Cell(
                    "No records kept" if row.counted is None else str(row.counted),
                    numeric=True,
                ),
                Cell(
                    row.difference
                    or ("Assure keeps no records of these." if row.counted is None else "None")
                ),
            ]
            for row in rows
        ],
        source=ctx.url("reviews:record"),
    )


@register(SectionKind.REVIEWS)
def build_reviews(ctx: Context, section: Section) -> BuiltSection:
    """Working Together's record of decisions and actions on local and
    national review recommendations, and the counts the year's report
    states beside Assure's own. A review is named by its pseudonym when
    that is public (`CaseReview.name_is_public`), with its true publication
    status; any other review is never named, nor are its recommendations
    given: only its kind, the decision and how many remain open."""
    built = BuiltSection(section, section.get_kind_display())
    records = record_of_decisions(board=ctx.board, year=ctx.year)
    counts = stated_counts(board=ctx.board, year=ctx.year)
    built.reviews = [record.review for record in records]
    source = ctx.url("reviews:record")
    if not records and not counts:
        built.empty = f"No case reviews were considered or acted on in {ctx.year.label}."
        return built
    if counts:
        built.blocks.append(_counts_table(ctx, counts))
    if not records:
        built.blocks.append(
            Paragraph(f"Assure holds no record of a case review considered in {ctx.year.label}.")
        )
        return built
    summary = []
    for record in records:
        review = record.review
        named = review.name_is_public
        decision = record.decision
        summary.append(
            [
                Cell(
                    review.name if named else "A review not published",
                    href=review.get_absolute_url() if named else "",
                ),
                Cell(review.get_kind_display()),
                Cell(_publication(review, record.published) if named else ""),
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
            head=[
                "Review",
                "Kind",
                "Publication",
                "Decision",
                "Decided",
                "Recommendations",
                "Still open",
            ],
            numeric=[False, False, False, False, False, True, True],
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
