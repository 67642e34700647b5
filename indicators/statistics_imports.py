"""Every write to a statistics import's record, and the reads its page needs.

The business manager confirms a preview; `import_request` records what was
confirmed (the file's kept rows, the authority, the columns, the preview's
fingerprint) and enqueues the background import (indicators.tasks). The task
checks the file again with the same preview the page showed, and saves every
figure in one transaction, or fails with the reason and saves nothing. An
import left waiting or running past STALE_AFTER (a worker that died) is
marked failed when the board next asks.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from board.models import Board
from indicators.models import StatisticsImport

STALE_AFTER = datetime.timedelta(minutes=30)
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
