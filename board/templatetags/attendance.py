"""The attendance matrix body, built in Python: at ten times a real board's
size it has over a thousand cells, and a template loop per cell costs more
than the budget for the whole page."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from board.selectors import AttendanceMatrix

register = template.Library()

#: A cell with nothing recorded: what it shows and what it says aloud.
NOT_RECORDED = ("–", "Not recorded")


def _cell(shown: str, spoken: str) -> SafeString:
    return format_html(
        '<td class="govuk-table__cell"><span aria-hidden="true">{}</span>'
        '<span class="govuk-visually-hidden">{}</span></td>',
        shown,
        spoken,
    )


@register.simple_tag
def attendance_rows(matrix: AttendanceMatrix) -> SafeString:
    """Each cell shows its mark's code (as in the published appendices) and
    says its words aloud; each distinct cell is rendered once, since the
    matrix repeats them a thousand times."""
    rendered: dict[tuple[int, str | None], SafeString] = {}
    rows = []
    for row in matrix.rows:
        cells = []
        for key in row.cells:
            cache_key = (row.member.board_id, key)
            html = rendered.get(cache_key)
            if html is None:
                mark = row.mark(key)
                if key is None:
                    html = _cell(*NOT_RECORDED)
                elif mark is None:  # a mark no longer in the key: shown as stored
                    html = _cell(key, f"{key} (not in the attendance key)")
                else:
                    html = _cell(mark.code, mark.words)
                rendered[cache_key] = html
            cells.append(html)
        percent = f"{row.percent}%" if row.percent is not None else "–"
        rows.append(
            format_html(
                '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{}</th>{}'
                '<td class="govuk-table__cell assure-numeric" data-column="held">{}</td>'
                '<td class="govuk-table__cell assure-numeric" data-column="attended">{}</td>'
                '<td class="govuk-table__cell assure-numeric" data-column="percent">{}</td></tr>',
                row.member.label,
                SafeString("".join(cells)),
                row.held,
                row.attended,
                percent,
            )
        )
    return SafeString("".join(rows))


@register.simple_tag
def attendance_legend(matrix: AttendanceMatrix) -> str:
    """The key under the matrix: "MA Member attended, RA Representative
    attended, ..., – Not recorded"."""
    parts = [f"{mark.code} {mark.words}" for mark in matrix.legend]
    parts.append(" ".join(NOT_RECORDED))
    return ", ".join(parts) + "."
