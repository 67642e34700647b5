"""The audit programme: one django-tables2 table that the page, its sorting
and pagination, and the CSV and XLSX exports share."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from audits.models import Audit
from board.models import Board


class AuditTable(tables.Table):
    label = "Audit programme"
    year = tables.Column(accessor="year__label", verbose_name="Year", order_by=("year__start",))
    theme = tables.Column(verbose_name="Theme")
    owner = tables.Column(
        verbose_name="Whose", empty_values=(), order_by=("board__name", "group__name")
    )
    kind = tables.Column(verbose_name="Kind")
    when = tables.Column(verbose_name="When", empty_values=(), order_by=("start",))
    cases_audited = tables.Column(verbose_name="Cases audited")
    status = tables.Column(verbose_name="Status")
    finding_count = tables.Column(verbose_name="Findings")

    class Meta:
        model = Audit
        fields = (
            "year",
            "theme",
            "owner",
            "kind",
            "when",
            "cases_audited",
            "status",
            "finding_count",
        )
        order_by = ("-year", "when")
        attrs = {"class": "govuk-table", "id": "audit-programme"}
        empty_text = "No audits match. Add one, or choose other filters."

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.board = board
        # One reverse for the page; each row fills in its own web name.
        self.link = reverse("audits:audit", kwargs={"board": board.slug, "audit": "audit0mark"})

    def render_theme(self, value: str, record: Audit) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>',
            self.link.replace("audit0mark", record.slug),
            value,
        )

    def value_theme(self, value: str) -> str:
        return value

    def render_owner(self, record: Audit) -> str:
        return str(record.owner)

    def value_owner(self, record: Audit) -> str:
        return str(record.owner)

    def render_when(self, record: Audit) -> str:
        return record.when or "Not given"

    def value_when(self, record: Audit) -> str:
        return record.when
