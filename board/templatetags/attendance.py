"""The attendance matrix body, built in Python: at ten times a real board's
size it has over a thousand cells, and a template loop per cell costs more
than the budget for the whole page."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from board.models import Attendance
from board.selectors import AttendanceMatrix

register = template.Library()

#: What a cell shows (as in the published appendices) and what it says aloud.
CELL: dict[str | None, tuple[str, str]] = {
    Attendance.Status.ATTENDED: ("1", "Attended"),
    Attendance.Status.DEPUTY: ("D", "Deputy attended"),
    Attendance.Status.APOLOGIES: ("A", "Apologies"),
    Attendance.Status.ABSENT: ("0", "Absent"),
    Attendance.Status.NOT_APPLICABLE: ("n/a", "Not yet a member"),
    None: ("–", "Not recorded"),
}


#: Each status's cell, rendered once: the matrix repeats them a thousand times.
CELL_HTML: dict[str | None, SafeString] = {
    status: format_html(
        '<td class="govuk-table__cell"><span aria-hidden="true">{}</span>'
        '<span class="govuk-visually-hidden">{}</span></td>',
        shown,
        spoken,
    )
    for status, (shown, spoken) in CELL.items()
}


@register.simple_tag
def attendance_rows(matrix: AttendanceMatrix) -> SafeString:
    rows = []
    for row in matrix.rows:
        percent = f"{row.percent}%" if row.percent is not None else "–"
        rows.append(
            format_html(
                '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{}</th>{}'
                '<td class="govuk-table__cell assure-numeric" data-column="held">{}</td>'
                '<td class="govuk-table__cell assure-numeric" data-column="attended">{}</td>'
                '<td class="govuk-table__cell assure-numeric" data-column="percent">{}</td></tr>',
                row.member.label,
                SafeString("".join(CELL_HTML[status] for status in row.cells)),
                row.held,
                row.attended,
                percent,
            )
        )
    return SafeString("".join(rows))
