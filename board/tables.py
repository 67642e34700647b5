"""Board tables. The members page's tables build their body rows in Python
(`RowsInPythonTable`): django-tables2 renders each cell by inspecting its
renderer's signature and, for a date, compiling a template, which at 25 rows a
page cost more than the rest of the page. The columns stay the one description
of each table: sorting, pages and the export use them as before."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

import django_tables2 as tables
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django_tables2.utils import A, signature

from board.models import Agency, Member, Risk
from board.selectors import AttendanceMatrix
from board.terms import seat_state

#: What a seat on no group shows, on the members page and the seats page.
NO_GROUPS = "None"


def groups_text(groups: Iterable[tuple[str, str]]) -> str:
    """A seat's groups, given as (short name, name) in name order, as both
    member pages show them: the short name where a group has one, or "None"."""
    return ", ".join(short_name or name for short_name, name in groups) or NO_GROUPS


class ShortDateColumn(tables.DateColumn):
    """A DateColumn (so the export keeps dates as dates) that formats its cell
    with SHORT_DATE_FORMAT directly, as the DateColumn's template does, without
    compiling that template for every cell."""

    def render(self, value: Any, bound_column: Any) -> Any:
        shown = date_format(value, "SHORT_DATE_FORMAT") if value else ""
        return shown or bound_column.default


#: The cell arguments a renderer may ask for here (django-tables2 offers
#: bound_row too; a table needing it cannot build its rows in Python).
CELL_ARGUMENTS = frozenset({"value", "record", "column", "bound_column", "table"})


class RowsInPythonTable(tables.Table):
    """A django-tables2 table whose body rows are built in Python, each cell
    exactly as django-tables2 shows it (the column's choices display, its
    default for an empty value, its own or the table's render_FOO), but with
    each column's renderer and the arguments it takes worked out once a page
    rather than once a cell. Columns that need what this does not do (links,
    templates other than dates, many-to-many columns, row arguments) are
    refused when the table is made, so the page cannot quietly differ."""

    class Meta:
        template_name = "board/tables/rows_in_python.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for bound_column in self.columns.iterall():
            column = bound_column.column
            if (
                bound_column.link
                or isinstance(column, tables.ManyToManyColumn)
                or (
                    isinstance(column, tables.TemplateColumn)
                    and not isinstance(column, ShortDateColumn)
                )
            ):
                raise ImproperlyConfigured(
                    f"{type(self).__name__}.{bound_column.name} cannot be built in Python."
                )
            arguments, catch_all = signature(bound_column.render)
            if catch_all or not CELL_ARGUMENTS.issuperset(arguments):
                raise ImproperlyConfigured(
                    f"{type(self).__name__}.render_{bound_column.name} asks for {arguments}."
                )

    def body_rows(self) -> SafeString:
        """The <tr> of each row on this page (every row when not paginated)."""
        cells = [self._cell_builder(bound_column) for bound_column in self.columns]
        context = Context(autoescape=True)
        return format_html_join(
            "\n",
            '<tr class="govuk-table__row">{}</tr>',
            (
                (
                    SafeString(
                        "".join(
                            format_html(
                                '<td class="govuk-table__cell">{}</td>',
                                render_value_in_context(cell(row.record), context),
                            )
                            for cell in cells
                        )
                    ),
                )
                for row in self.paginated_rows
            ),
        )

    def _cell_builder(self, bound_column: Any) -> Callable[[Any], Any]:
        """What one column's cell shows for a record, as BoundRow.get_cell has it."""
        column = bound_column.column
        accessor = A(bound_column.accessor)
        path, _, last = accessor.rpartition(accessor.SEPARATOR)
        field = accessor.get_field(getattr(self.data, "model", None))
        with_choices = bool(getattr(field, "choices", None))
        render = bound_column.render
        arguments, _ = signature(render)
        fixed = {"column": column, "bound_column": bound_column, "table": self}
        default = bound_column.default
        empty_values = column.empty_values

        def value_of(record: Any) -> Any:
            if with_choices:
                owner = A(path).resolve(record, quiet=True)
                if isinstance(owner, models.Model):
                    display = getattr(owner, f"get_{last}_display", None)
                    if display is not None:
                        return display()
            try:
                return accessor.resolve(record)
            except Exception:  # as django-tables2: a value it cannot reach is empty
                return None

        def cell(record: Any) -> Any:
            value = value_of(record)
            if value in empty_values:
                return default
            given = {"value": value, "record": record, **fixed}
            return render(**{name: given[name] for name in arguments})

        return cell


class MemberTable(RowsInPythonTable):
    label = "Members"
    person = tables.Column(verbose_name="Name", empty_values=())
    agency = tables.Column(
        accessor="agency__name", verbose_name="Agency", order_by=("agency__name",)
    )
    groups = tables.Column(
        accessor="groups", verbose_name="Groups", orderable=False, empty_values=()
    )
    start = ShortDateColumn()
    end = ShortDateColumn()
    status = tables.Column(verbose_name="Status", orderable=False, empty_values=())

    class Meta(RowsInPythonTable.Meta):
        model = Member
        fields = ("person", "position", "agency", "role", "groups", "start", "end", "status")
        order_by = ("agency", "position")
        empty_text = "No members have been recorded for this board."

    def __init__(self, *args: Any, day: datetime.date, **kwargs: Any) -> None:
        """`day` is the day each seat's status is given for (board.terms)."""
        self.day = day
        super().__init__(*args, **kwargs)

    def render_status(self, record: Member) -> str:
        return seat_state(record, day=self.day).text

    def value_status(self, record: Member) -> str:
        return self.render_status(record)

    def render_person(self, value: str, record: Member) -> str:
        return value or "Seat (no person named)"

    def render_groups(self, record: Member) -> str:
        return groups_text((g.short_name, g.name) for g in record.groups.all())

    def value_groups(self, record: Member) -> str:
        return self.render_groups(record)


class AgencyTable(RowsInPythonTable):
    label = "Agencies"
    member_count = tables.Column(verbose_name="Members", attrs={"td": {"class": "assure-numeric"}})

    class Meta(RowsInPythonTable.Meta):
        model = Agency
        fields = ("name", "short_name", "sector", "member_count")
        empty_text = "No agencies are linked to this board yet."


class RiskTable(tables.Table):
    label = "Risk log"
    ref = tables.Column(verbose_name="Ref", linkify=True)
    score = tables.Column(verbose_name="Score", empty_values=(), order_by=("likelihood", "impact"))
    level = tables.Column(verbose_name="Level", empty_values=(), orderable=False)

    class Meta:
        model = Risk
        fields = (
            "ref",
            "title",
            "owner",
            "likelihood",
            "impact",
            "score",
            "level",
            "status",
            "review_date",
        )
        empty_text = "The risk log is empty. Add the first risk the board holds."

    def render_score(self, record: Risk) -> int:
        return record.score

    def render_level(self, record: Risk) -> str:
        css = {"High": "govuk-tag--red", "Medium": "govuk-tag--orange", "Low": "govuk-tag--green"}
        return format_html(
            '<strong class="govuk-tag {}">{}</strong>', css[record.level], record.level
        )

    def value_level(self, record: Risk) -> str:
        return record.level


def attendance_sheet(matrix: AttendanceMatrix) -> list[list[Any]]:
    """The matrix as spreadsheet rows: the seat, its agency, position and
    person, each meeting's mark by its code (a date heads each meeting's
    column), then the meetings counted, attended and the percentage."""
    head: list[Any] = ["Seat", "Agency", "Position", "Person"]
    head += [meeting.date for meeting in matrix.meetings]
    head += ["Meetings counted", "Attended", "%"]
    rows: list[list[Any]] = [head]
    for row in matrix.rows:
        member = row.member
        cells = []
        for key in row.cells:
            mark = row.mark(key)
            cells.append(mark.code if mark is not None else (key or ""))
        rows.append(
            [
                member.label,
                member.agency.name if member.agency else "",
                member.position,
                member.person,
                *cells,
                row.held,
                row.attended,
                row.percent if row.percent is not None else "",
            ]
        )
    return rows
