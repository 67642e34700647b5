"""Every write to scorecard documents, and the reads their pages need:
keyword-only, typed, one transaction each, the rules in `*_problems`.

A chair or business manager asks for the scorecard as a document; a
background task (reports.scorecard_tasks) builds the printable page and the
tagged PDF, stores both under MEDIA_ROOT with their SHA-256 checksums, and
records them here. Asking again while a build of the board's scorecard is
under way gives that build rather than starting a second; a build left
unfinished for longer than STALE_AFTER (a worker that died) is marked failed
so it never blocks the board.

The business manager may publish a finished document: partners then see it
with the board's published annual reports, and so does anyone reading the
board's public page when it is on. A published document is never unpublished
or changed; a newer scorecard is a newer document.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from board.models import Board
from core.problems import Problems, raise_problems
from reports.models import ScorecardDocument

#: A build still waiting or running after this long is taken for abandoned.
STALE_AFTER = datetime.timedelta(minutes=30)
#: How many of the board's documents the page lists.
LISTED = 10

READ = "board.read_records"
EDIT = "board.edit_records"
IN_FLIGHT = (ScorecardDocument.Status.QUEUED, ScorecardDocument.Status.RUNNING)


def document_request_problems(*, board: Board, user: Any) -> Problems:
    problems: Problems = {}
    if not user.has_perm(READ, board):
        problems["__all__"] = [
            "Only the board's chair and business managers can make the scorecard's documents."
        ]
    return problems


@transaction.atomic
def document_request(*, board: Board, user: Any) -> ScorecardDocument:
    """Start building the board's scorecard as a document, or give the
    build already under way. The board's row is locked, so two people asking
    at once start one build."""
    raise_problems(document_request_problems(board=board, user=user))
    Board.objects.select_for_update().filter(pk=board.pk).first()
    now = timezone.now()
    in_flight = ScorecardDocument.objects.filter(board=board, status__in=IN_FLIGHT)
    in_flight.filter(created__lt=now - STALE_AFTER).update(
        status=ScorecardDocument.Status.FAILED,
        error=(
            "The build did not finish within "
            f"{int(STALE_AFTER.total_seconds() // 60)} minutes and was abandoned."
        ),
        finished=now,
    )
    running = in_flight.filter(created__gte=now - STALE_AFTER).order_by("-created", "-id").first()
    if running is not None:
        return running
    document = ScorecardDocument.objects.create(board=board, requested_by=user)
    _enqueue(document)
    return document


def _enqueue(document: ScorecardDocument) -> None:
    from reports.scorecard_tasks import build_scorecard_document

    def send() -> None:
        result = build_scorecard_document.enqueue(document_id=document.pk)
        ScorecardDocument.objects.filter(pk=document.pk, task_id="").update(
            task_id=str(result.id)[:64]
        )

    transaction.on_commit(send)


def document_start(*, document: ScorecardDocument) -> bool:
    """Mark a queued build running; False if it was not waiting (picked up
    twice, or abandoned)."""
    updated = ScorecardDocument.objects.filter(
        pk=document.pk, status=ScorecardDocument.Status.QUEUED
    ).update(status=ScorecardDocument.Status.RUNNING, step="Starting", progress=1)
    return bool(updated)


def document_progress(*, document: ScorecardDocument, step: str, progress: int) -> None:
    ScorecardDocument.objects.filter(
        pk=document.pk, status=ScorecardDocument.Status.RUNNING
    ).update(step=step[:100], progress=max(0, min(progress, 99)))


def document_fail(*, document: ScorecardDocument, error: str) -> None:
    ScorecardDocument.objects.filter(pk=document.pk, published_at__isnull=True).update(
        status=ScorecardDocument.Status.FAILED,
        error=error[:2000],
        finished=timezone.now(),
        **{f"{fmt}_{part}": "" for fmt in ScorecardDocument.FORMATS for part in ("path", "sha256")},
    )


def document_finish_problems(
    *, document: ScorecardDocument, files: dict[str, tuple[str, str]]
) -> Problems:
    problems: Problems = {}
    if set(files) != set(ScorecardDocument.FORMATS):
        problems["__all__"] = [
            "A scorecard document holds the PDF, the web page, the CSV and the JSON."
        ]
    elif not ScorecardDocument.objects.filter(
        pk=document.pk, status=ScorecardDocument.Status.RUNNING
    ).exists():
        problems["__all__"] = ["This build is no longer running, so its files were not kept."]
    return problems


@transaction.atomic
def document_finish(
    *,
    document: ScorecardDocument,
    files: dict[str, tuple[str, str]],
    pages: int,
    indicators: int,
) -> ScorecardDocument:
    """Record the stored files (format -> (path under MEDIA_ROOT, SHA-256))
    and mark the build finished."""
    ScorecardDocument.objects.select_for_update().filter(pk=document.pk).first()
    raise_problems(document_finish_problems(document=document, files=files))
    ScorecardDocument.objects.filter(pk=document.pk).update(
        status=ScorecardDocument.Status.SUCCEEDED,
        step="Finished",
        progress=100,
        error="",
        pages=pages,
        indicators=indicators,
        finished=timezone.now(),
        **{f"{fmt}_path": path for fmt, (path, _) in files.items()},
        **{f"{fmt}_sha256": sha for fmt, (_, sha) in files.items()},
    )
    document.refresh_from_db()
    return document


def document_publish_problems(*, document: ScorecardDocument, user: Any) -> Problems:
    problems: Problems = {}
    if not user.has_perm(EDIT, document.board):
        problems["__all__"] = ["Only the board's business manager publishes its scorecard."]
    elif document.status != ScorecardDocument.Status.SUCCEEDED:
        problems["__all__"] = ["Only a scorecard that has been made can be published."]
    elif document.published_at is not None:
        problems["__all__"] = [
            f"This scorecard was published on {timezone.localtime(document.published_at):%-d %B %Y}."
        ]
    return problems


@transaction.atomic
def document_publish(*, document: ScorecardDocument, user: Any) -> ScorecardDocument:
    """Publish a finished scorecard document to the board's partners (and
    its public page, when that is on), recording who and when."""
    locked = ScorecardDocument.objects.select_for_update().get(pk=document.pk)
    locked.board = document.board
    raise_problems(document_publish_problems(document=locked, user=user))
    now = timezone.now()
    ScorecardDocument.objects.filter(pk=document.pk, published_at__isnull=True).update(
        published_at=now, published_by=user
    )
    document.refresh_from_db()
    return document


# Reads -------------------------------------------------------------------------------------


def documents_for_board(*, board: Board) -> list[ScorecardDocument]:
    """The board's latest documents, newest first: one query."""
    return list(
        ScorecardDocument.objects.filter(board=board)
        .select_related("board", "requested_by")
        .order_by("-created", "-id")[:LISTED]
    )


def document_or_404(*, board: Board, document_id: int) -> ScorecardDocument:
    found = (
        ScorecardDocument.objects.filter(board=board, pk=document_id)
        .select_related("requested_by")
        .first()
    )
    if found is None:
        raise Http404("No such document.")
    found.board = board
    return found


def published_documents(*, board: Board) -> list[ScorecardDocument]:
    """The board's published scorecards, newest first: one query."""
    found = list(
        ScorecardDocument.objects.filter(
            board=board, published_at__isnull=False, status=ScorecardDocument.Status.SUCCEEDED
        ).order_by("-published_at", "-id")
    )
    for document in found:
        document.board = board
    return found
