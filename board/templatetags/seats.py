"""The seats page's rows, built in Python: at ten times a real board's size
the page lists over two hundred seats, and a template loop over them (a
queryset per seat for its groups, a URL reversed per seat) cost more than the
budget for the whole page."""

from collections.abc import Callable

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from board.models import Board
from board.selectors import Seat
from board.tables import groups_text
from board.terms import start_text

register = template.Library()

ROW = (
    '<tr class="govuk-table__row">'
    '<th scope="row" class="govuk-table__header">{}</th>'
    '<td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell">{}</td>'
    "{}</tr>"
)
CHANGE = (
    '<td class="govuk-table__cell"><a class="govuk-link" href="{}">'
    'Change<span class="govuk-visually-hidden"> {}</span></a></td>'
)


def member_edit_url(board: Board) -> Callable[[int], str]:
    """The change page's address for any seat of the board, reversed once."""
    head, _, tail = reverse(
        "board:member_edit", kwargs={"board": board.slug, "member": 0}
    ).rpartition("/0/")
    return lambda pk: f"{head}/{pk}/{tail}"


@register.simple_tag
def seat_rows(seats: list[Seat], board: Board, can_edit: bool) -> SafeString:
    edit_url = member_edit_url(board)
    return format_html_join(
        "\n",
        ROW,
        (
            (
                seat.member.label,
                seat.member.get_role_display(),
                groups_text(seat.groups),
                start_text(seat.member),
                seat.state.text,
                format_html(CHANGE, edit_url(seat.member.pk), seat.member.label)
                if can_edit
                else "",
            )
            for seat in seats
        ),
    )
