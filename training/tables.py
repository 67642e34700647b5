"""The year's courses as a django-tables2 table: sorted and paginated on
the course list, each course's rates computed from its counts (with a rate
the unit states beside it) by training.selectors."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from training.models import Mode, TrainingCourse
from training.selectors import Cell, CourseRow, course_row

NOT_GIVEN = mark_safe(
    '<span class="govuk-visually-hidden">Not given</span><span aria-hidden="true">–</span>'
)
AS_STATED = mark_safe(' <span class="govuk-body-s">as stated</span>')


def _count(value: int | None) -> str:
    return f"{value:,}" if value is not None else "–"


def _rate(cell: Cell) -> Any:
    if not cell.text:
        return NOT_GIVEN
    stated = AS_STATED if cell.as_stated else ""
    note = format_html('<br><span class="govuk-body-s">({})</span>', cell.note) if cell.note else ""
    return format_html("{}{}{}", cell.text, stated, note)


class CourseTable(tables.Table):  # type: ignore[misc]
    label = "Courses"
    date = tables.DateColumn(verbose_name="Date", format="j M Y")
    title = tables.Column(verbose_name="Course")
    mode = tables.Column(verbose_name="Mode")
    sessions = tables.Column(
        verbose_name="Sessions", attrs={"td": {"class": "govuk-table__cell--numeric"}}
    )
    places_offered = tables.Column(verbose_name="Places", empty_values=())
    delegates_booked = tables.Column(verbose_name="Booked", empty_values=())
    delegates_attended = tables.Column(verbose_name="Attended", empty_values=())
    delegates_no_show = tables.Column(verbose_name="No-shows", empty_values=())
    cancellations = tables.Column(verbose_name="Cancelled (late)", empty_values=())
    places_filled = tables.Column(
        verbose_name="Places filled % (booked ÷ places)", empty_values=(), orderable=False
    )
    attended_of_booked = tables.Column(
        verbose_name="Attended of booked % (attended ÷ booked)", empty_values=(), orderable=False
    )
    agencies = tables.Column(verbose_name="Delegates by agency", empty_values=(), orderable=False)

    class Meta:
        model = TrainingCourse
        fields = ()
        sequence = (
            "date",
            "title",
            "mode",
            "sessions",
            "places_offered",
            "delegates_booked",
            "delegates_attended",
            "delegates_no_show",
            "cancellations",
            "places_filled",
            "attended_of_booked",
            "agencies",
        )
        order_by = ("date",)
        empty_text = "No courses are recorded for this year and mode."
        attrs = {"class": "govuk-table", "id": "courses"}

    def __init__(self, *args: Any, board_slug: str, can_edit: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.board_slug = board_slug
        self.can_edit = can_edit
        self._rows: dict[int, CourseRow] = {}

    def row_of(self, record: TrainingCourse) -> CourseRow:
        """The course's computed rates and agencies, worked out once per row."""
        if record.pk not in self._rows:
            self._rows[record.pk] = course_row(record)
        return self._rows[record.pk]

    def render_title(self, record: TrainingCourse) -> Any:
        owner = (
            format_html(' <span class="govuk-body-s">({})</span>', record.group.name)
            if record.group is not None
            else ""
        )
        if not self.can_edit:
            return format_html("{}{}", record.title, owner)
        url = reverse(
            "training:course_edit", kwargs={"board": self.board_slug, "course": record.pk}
        )
        return format_html('<a class="govuk-link" href="{}">{}</a>{}', url, record.title, owner)

    def render_mode(self, record: TrainingCourse) -> str:
        return str(Mode(record.mode).label)

    def render_places_offered(self, record: TrainingCourse) -> str:
        return _count(record.places_offered)

    def render_delegates_booked(self, record: TrainingCourse) -> str:
        return _count(record.delegates_booked)

    def render_delegates_attended(self, record: TrainingCourse) -> str:
        return _count(record.delegates_attended)

    def render_delegates_no_show(self, record: TrainingCourse) -> str:
        return _count(record.delegates_no_show)

    def render_cancellations(self, record: TrainingCourse) -> str:
        if record.cancellations is None:
            return "–"
        if record.late_cancellations is None:
            return f"{record.cancellations:,}"
        return f"{record.cancellations:,} ({record.late_cancellations:,} late)"

    def render_places_filled(self, record: TrainingCourse) -> Any:
        return _rate(self.row_of(record).places_filled)

    def render_attended_of_booked(self, record: TrainingCourse) -> Any:
        return _rate(self.row_of(record).attended_of_booked)

    def render_agencies(self, record: TrainingCourse) -> Any:
        row = self.row_of(record)
        if not row.agencies:
            return "Not recorded"
        items = [*row.agencies]
        if row.agency_not_recorded:
            items.append(("not recorded", row.agency_not_recorded))
        return format_html_join(mark_safe("<br>"), "{}: {}", ((n, f"{c:,}") for n, c in items))
