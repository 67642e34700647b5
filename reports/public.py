"""A board's public page: its published annual reports and scorecards,
for anyone to read and download without signing in, at
/public/<board>/ once the business manager turns it on.

The setting's write (`public_page_set`, the business manager only, kept in
history) and the reads the public pages need. The public pages are the one
place Assure serves a board to someone it does not know, so they find the
board here, not through board.access.get_board_or_404: a board whose page
is off, or that does not exist, is the same 404, and only what is published
is ever looked up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404

from board.models import Board
from core.problems import Problems, add_problem, raise_problems
from reports.models import AnnualReport, PublicPage, ScorecardDocument, Snapshot

EDIT = "board.edit_records"


def public_page_of(*, board: Board) -> PublicPage:
    """The board's setting, off if it was never set (not saved until it is)."""
    return PublicPage.objects.filter(board=board).first() or PublicPage(board=board)


def public_page_set_problems(*, board: Board, enabled: Any, user: Any) -> Problems:
    problems: Problems = {}
    if not user.has_perm(EDIT, board):
        add_problem(
            problems,
            "__all__",
            "Only the board's business manager turns its public page on or off.",
        )
    if not isinstance(enabled, bool):
        add_problem(problems, "enabled", "Choose whether the public page is on or off.")
    return problems


@transaction.atomic
def public_page_set(*, board: Board, enabled: bool, user: Any) -> PublicPage:
    """Turn the board's public page on or off. Saving the same choice again
    changes nothing and adds no history."""
    raise_problems(public_page_set_problems(board=board, enabled=enabled, user=user))
    Board.objects.select_for_update().filter(pk=board.pk).first()
    page = public_page_of(board=board)
    if page.pk is None or page.enabled != enabled:
        page.enabled = enabled
        page.changed_by = user
        page.save()
    return page


# Reads ---------------------------------------------------------------------------------------


def public_page_history(*, board: Board, limit: int = 10) -> list[Any]:
    """The latest changes of the setting, newest first, with who made them:
    one query."""
    return list(
        PublicPage.history.filter(board_id=board.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def public_board_or_404(slug: str) -> Board:
    """The board, if its public page is on; otherwise, or if there is no
    such board, a 404 that says nothing about which."""
    board = Board.objects.filter(slug=slug, public_page__enabled=True).first()
    if board is None:
        raise Http404("No such page.")
    return board


@dataclass
class PublicListing:
    board: Board
    reports: list[AnnualReport]
    scorecards: list[ScorecardDocument]


def public_listing(*, board: Board) -> PublicListing:
    """What the public page lists: each report with a published version
    (every version, newest first) and each published scorecard, newest
    first. Three queries, however many of each."""
    reports = list(
        AnnualReport.objects.filter(board=board, published_at__isnull=False)
        .select_related("board", "year")
        .prefetch_related(
            Prefetch("snapshots", queryset=Snapshot.objects.order_by("-version")),
        )
        .order_by("-year__start")
    )
    for report in reports:
        for snapshot in report.snapshots.all():
            snapshot.report = report
    scorecards = list(
        ScorecardDocument.objects.filter(
            board=board,
            published_at__isnull=False,
            status=ScorecardDocument.Status.SUCCEEDED,
        ).order_by("-published_at", "-id")
    )
    for document in scorecards:
        document.board = board
    return PublicListing(board=board, reports=reports, scorecards=scorecards)


def public_snapshot_or_404(*, board: Board, year: str, version: int) -> Snapshot:
    snapshot = (
        Snapshot.objects.filter(
            report__board=board,
            report__year__label=year,
            report__published_at__isnull=False,
            version=version,
        )
        .select_related("report__board", "report__year")
        .first()
    )
    if snapshot is None:
        raise Http404("No such version.")
    return snapshot


def public_scorecard_or_404(*, board: Board, document_id: int) -> ScorecardDocument:
    document = ScorecardDocument.objects.filter(
        board=board,
        pk=document_id,
        published_at__isnull=False,
        status=ScorecardDocument.Status.SUCCEEDED,
    ).first()
    if document is None:
        raise Http404("No such scorecard.")
    document.board = board
    return document
