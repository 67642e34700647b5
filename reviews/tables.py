"""The reviews register: one django-tables2 table shared by the page, its
sorting and pagination, and the CSV and XLSX exports."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from reviews.models import CaseReview, ReadRecord, StepKind


def _themes(record: CaseReview) -> str:
    return ", ".join(t.name for t in record.themes.all())


def _date(value: Any) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


class ReviewTable(tables.Table):  # type: ignore[misc]
    label = "Case reviews"
    name = tables.Column(verbose_name="Review", linkify=True)
    kind = tables.Column(verbose_name="Kind")
    year = tables.Column(verbose_name="Year", accessor="year__label", order_by=("year__start",))
    status = tables.Column(verbose_name="Status")
    publication_status = tables.Column(verbose_name="Publication")
    themes = tables.Column(verbose_name="Learning themes", empty_values=(), orderable=False)
    next_step = tables.Column(verbose_name="Next step", empty_values=())
    next_due = tables.DateColumn(verbose_name="Due", format="j M Y", empty_values=())

    class Meta:
        model = CaseReview
        fields = ()
        sequence = (
            "name",
            "kind",
            "year",
            "status",
            "publication_status",
            "themes",
            "next_step",
            "next_due",
        )
        empty_text = "No reviews match these filters."
        attrs = {"class": "govuk-table", "id": "reviews"}

    def render_themes(self, record: CaseReview) -> str:
        return _themes(record) or "—"

    def value_themes(self, record: CaseReview) -> str:
        return _themes(record)

    def render_next_step(self, value: str | None) -> str:
        return StepKind(value).label if value else "—"

    def value_next_step(self, value: str | None) -> str:
        return StepKind(value).label if value else ""

    def render_next_due(self, value: Any, record: CaseReview) -> str:
        if not value:
            return "—"
        tag = ""
        if getattr(record, "overdue", False):
            tag = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
        elif getattr(record, "due_soon", False):
            tag = '<strong class="govuk-tag govuk-tag--orange">Due soon</strong>'
        return format_html("{} " + tag if tag else "{}", _date(value))


class PublishedReviewTable(tables.Table):  # type: ignore[misc]
    """What a partner sees: the published reviews, with nothing unpublished."""

    label = "Published case reviews"
    name = tables.Column(verbose_name="Review", linkify=True)
    published_on = tables.DateColumn(verbose_name="Published", format="F Y")
    publication_link = tables.Column(verbose_name="Report", empty_values=(), orderable=False)
    themes = tables.Column(verbose_name="Learning themes", empty_values=(), orderable=False)

    class Meta:
        model = CaseReview
        fields = ()
        sequence = ("name", "published_on", "publication_link", "themes")
        empty_text = "The board has published no case reviews in Assure yet."
        attrs = {"class": "govuk-table", "id": "reviews"}

    def render_publication_link(self, value: str, record: CaseReview) -> str:
        if not value:
            return "—"
        return format_html(
            '<a class="govuk-link" href="{}">Read the report<span class="govuk-visually-hidden">'
            " on {}</span></a>",
            value,
            record.name,
        )

    def render_themes(self, record: CaseReview) -> str:
        return format_html_join(", ", "{}", ((t.name,) for t in record.themes.all())) or "—"


class ReadRecordTable(tables.Table):  # type: ignore[misc]
    """Who read what, newest first, as the page shows it and the CSV and
    XLSX exports write it. The order is the record's own: it is not sorted."""

    label = "Read records"
    at = tables.DateTimeColumn(verbose_name="When", format="j M Y, H:i")
    person = tables.Column(verbose_name="Person")
    username = tables.Column(verbose_name="Account")
    role = tables.Column(verbose_name="Role")
    review_name = tables.Column(verbose_name="Review")
    what = tables.Column(verbose_name="What they read", empty_values=())
    kind = tables.Column(verbose_name="How")

    class Meta:
        model = ReadRecord
        fields = ()
        sequence = ("at", "person", "username", "role", "review_name", "what", "kind")
        orderable = False
        empty_text = "No reads match these filters."
        attrs = {"class": "govuk-table", "id": "read-records"}

    def render_review_name(self, value: str, record: ReadRecord) -> str:
        """The review's own read record (not its page: opening that is a read)."""
        review = record.review
        if review is None:
            return format_html('{} <span class="govuk-body-s">(since removed)</span>', value)
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>',
            reverse(
                "reviews:review_read_records",
                kwargs={"board": record.board.slug, "review": review.slug},
            ),
            value,
        )

    def value_review_name(self, value: str) -> str:
        return value

    def render_what(self, record: ReadRecord) -> str:
        return record.what_read

    def value_what(self, record: ReadRecord) -> str:
        return record.what_read
