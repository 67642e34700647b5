"""The one way a view gets hold of a board: check the person may see it, or
refuse. Used by every board-scoped view in every app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from board.models import Board

SEE_BOARD = "board.see_board"
READ_RECORDS = "board.read_records"
LEAD_ACTIONS = "board.lead_actions"


def get_board_or_404(request: HttpRequest, slug: str, perm: str = SEE_BOARD) -> Board:
    """The board, if the person may see it and holds `perm` on it.

    A board the person was not given is a 404, so its existence is not
    revealed. So is any page of the board's records for someone who may see
    the board but not read its records (a partner): for them only what is
    published exists. A reader who may not do this on the board is a 403.
    """
    board = Board.objects.filter(slug=slug).first()
    if board is None or not request.user.has_perm(SEE_BOARD, board):
        raise Http404("No such board.")
    if perm == SEE_BOARD:
        return board
    if not request.user.has_perm(READ_RECORDS, board):
        raise Http404("No such page.")
    if perm != READ_RECORDS and not request.user.has_perm(perm, board):
        raise PermissionDenied
    return board


def get_lead_board_or_404(request: HttpRequest, slug: str) -> Board:
    """The board, if the person is an action lead on it; else 404 (for
    everyone else these pages do not exist, as the board's pages do not
    exist for a lead)."""
    board = Board.objects.filter(slug=slug).first()
    if board is None or not request.user.has_perm(LEAD_ACTIONS, board):
        raise Http404("No such page.")
    return board


def board_entry_url(user: Any, board: Board) -> str:
    """Where a person's link to a board leads: an action lead's own actions
    (the board's pages do not exist for them), else the board's home page."""
    if user.has_perm(LEAD_ACTIONS, board):
        return reverse("priorities:lead_home", kwargs={"board": board.slug})
    return board.get_absolute_url()


@dataclass
class NavItem:
    label: str
    url: str
    current: bool


#: (label, url name, permission) for the board navigation, in order.
BOARD_NAV: list[tuple[str, str, str]] = [
    ("Your actions", "priorities:lead_home", LEAD_ACTIONS),
    ("Overview", "board:home", "board.see_board"),
    ("Chair's dashboard", "reports:dashboard", "board.read_records"),
    ("Action plans", "priorities:plans", "board.read_records"),
    ("All actions", "priorities:actions", "board.read_records"),
    ("Update rounds", "priorities:rounds", "board.read_records"),
    ("Scorecard", "reports:scorecard", "board.read_records"),
    ("Meetings", "board:meetings", "board.read_records"),
    ("Members", "board:members", "board.read_records"),
    ("Budget", "board:budget", "board.read_records"),
    ("Training", "training:training", "board.read_records"),
    ("Audits and inspections", "audits:audits", "board.read_records"),
    ("Case reviews", "reviews:register", "board.see_board"),
    ("Risk log", "board:risks", "board.read_records"),
    ("Annual reports", "reports:annual_reports", "board.see_board"),
    ("People", "people:people", "board.invite_people"),
    ("Set up", "reports:setup", "board.read_records"),
]


def board_nav(request: HttpRequest, board: Board, section: str) -> list[NavItem]:
    return [
        NavItem(label, reverse(name, kwargs={"board": board.slug}), name == section)
        for label, name, perm in BOARD_NAV
        if request.user.has_perm(perm, board)
    ]


def render_board(
    request: HttpRequest,
    template: str,
    board: Board,
    section: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render a board page with the board, its navigation and what the
    person may do on it."""
    full = {
        "board": board,
        "board_nav": board_nav(request, board, section),
        "can_edit": request.user.has_perm("board.edit_records", board),
        "can_read": request.user.has_perm("board.read_records", board),
        **(context or {}),
    }
    return render(request, template, full, status=status)
