"""Every write to a statistics import's record, and the reads its page needs.

Between its upload and the confirmation the file waits in the default
storage, named in the session (`pending_upload_keep`), and is read again at
each step: a published file of up to 50 MB held in the database-backed
session would be loaded with every request the person makes. It goes once
the import is confirmed or replaced by another upload, and one left behind
(a session that expired) goes with the next upload after PENDING_KEPT_FOR.

The business manager confirms a preview; `import_request` records what was
confirmed (the file's kept rows, the authority, the columns, the preview's
fingerprint) and enqueues the background import (indicators.tasks). The task
checks the file again with the same preview the page showed, and saves every
figure in one transaction, or fails with the reason and saves nothing. An
import left waiting or running past STALE_AFTER (a worker that died) is
marked failed when the board next asks.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import posixpath
from collections.abc import Iterator
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from board.models import Board
from indicators.models import StatisticsImport

STALE_AFTER = datetime.timedelta(minutes=30)
#: Where an uploaded file waits between its upload and the confirmed import,
#: in the default storage (the media folder or the S3 bucket, ADR 0015).
PENDING_FOLDER = "imports/statistics"
#: A waiting file older than this was abandoned (a session lasts 8 hours).
PENDING_KEPT_FOR = datetime.timedelta(days=1)

logger = logging.getLogger(__name__)
IN_FLIGHT = (StatisticsImport.Status.QUEUED, StatisticsImport.Status.RUNNING)


@transaction.atomic
def import_request(
    *,
    board: Board,
    user: Any,
    file_name: str,
    publication: str,
    authority: str,
    mapping: dict[str, str],
    fingerprint: str,
    statistics: dict[str, Any],
) -> StatisticsImport:
    """Record a confirmed import and start it once this transaction commits."""
    now = timezone.now()
    StatisticsImport.objects.filter(
        board=board, status__in=IN_FLIGHT, created__lt=now - STALE_AFTER
    ).update(
        status=StatisticsImport.Status.FAILED,
        error="The import did not finish within 30 minutes and was abandoned; nothing was saved.",
        statistics={},
        finished=now,
    )
    job = StatisticsImport.objects.create(
        board=board,
        requested_by=user if getattr(user, "pk", None) else None,
        file_name=file_name[:255],
        publication=publication[:250],
        authority=authority[:12],
        mapping=mapping,
        fingerprint=fingerprint,
        statistics=statistics,
    )

    def send() -> None:
        from indicators.tasks import run_statistics_import

        run_statistics_import.enqueue(job_id=job.pk)

    transaction.on_commit(send)
    return job


def import_start(*, job: StatisticsImport) -> bool:
    """Mark a waiting import running; False if it was not waiting."""
    return bool(
        StatisticsImport.objects.filter(pk=job.pk, status=StatisticsImport.Status.QUEUED).update(
            status=StatisticsImport.Status.RUNNING, step="Starting", progress=1
        )
    )


def import_progress(*, job: StatisticsImport, step: str, progress: int) -> None:
    StatisticsImport.objects.filter(pk=job.pk, status=StatisticsImport.Status.RUNNING).update(
        step=step[:100], progress=max(0, min(progress, 99))
    )


def import_fail(*, job: StatisticsImport, error: str) -> None:
    StatisticsImport.objects.filter(pk=job.pk).update(
        status=StatisticsImport.Status.FAILED,
        error=error[:4000],
        statistics={},
        finished=timezone.now(),
    )


def import_finish(*, job: StatisticsImport, recorded: int, unchanged: int) -> None:
    StatisticsImport.objects.filter(pk=job.pk).update(
        status=StatisticsImport.Status.SUCCEEDED,
        step="Finished",
        progress=100,
        recorded=recorded,
        unchanged=unchanged,
        statistics={},
        finished=timezone.now(),
    )


def import_or_404(*, board: Board, job_id: int) -> StatisticsImport:
    """The board's import, without the rows it holds while it waits."""
    found = (
        StatisticsImport.objects.filter(board=board, pk=job_id)
        .select_related("board")
        .defer("statistics")
        .first()
    )
    if found is None:
        raise Http404("No such import.")
    return found


# --- the file waiting between upload and confirmation ----------------------------


def pending_upload_keep(*, content: File, token: str, now: datetime.datetime) -> str:
    """Store an uploaded file until its import is confirmed; its name in the
    storage, for the session. Files abandoned before are cleared first."""
    pending_uploads_prune(now=now)
    content.seek(0)
    return default_storage.save(posixpath.join(PENDING_FOLDER, f"{token}.csv"), content)


@contextlib.contextmanager
def pending_upload_open(name: str) -> Iterator[IO[bytes] | None]:
    """The waiting file as a stream, or None if it is gone (pruned, or the
    name is not one of ours)."""
    if not name.startswith(PENDING_FOLDER + "/") or not default_storage.exists(name):
        yield None
        return
    with default_storage.open(name, "rb") as handle:
        yield handle


def pending_upload_delete(name: str) -> None:
    """Let a waiting file go (its import confirmed, or replaced); after the
    transaction commits, so a rollback keeps it."""
    if name.startswith(PENDING_FOLDER + "/"):
        transaction.on_commit(lambda: default_storage.delete(name))


def pending_uploads_prune(*, now: datetime.datetime) -> int:
    """Delete waiting files older than PENDING_KEPT_FOR: their sessions
    have expired, so nobody can confirm them. How many went."""
    try:
        _folders, files = default_storage.listdir(PENDING_FOLDER)
    except FileNotFoundError:
        return 0
    gone = 0
    for file in files:
        name = posixpath.join(PENDING_FOLDER, file)
        try:
            if default_storage.get_modified_time(name) < now - PENDING_KEPT_FOR:
                default_storage.delete(name)
                gone += 1
        except FileNotFoundError:
            continue  # another server pruned it a moment ago
    if gone:
        logger.info("Deleted %s abandoned statistics uploads", gone)
    return gone
