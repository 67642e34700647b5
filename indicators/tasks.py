"""The background import of a confirmed statistics file, on Django's tasks
framework (the django-tasks-db backend and its worker, `manage.py
db_worker`; tests use the immediate backend). The business manager sees its
progress on the import's page; a failure is recorded in words and saves
nothing."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.tasks import task

from indicators import importer
from indicators import statistics_imports as imports
from indicators.models import StatisticsImport

logger = logging.getLogger(__name__)


@task()
def run_statistics_import(job_id: int) -> int | None:
    """Check the confirmed file again and save its figures in one
    transaction; how many were recorded, or None when it failed."""
    job = StatisticsImport.objects.select_related("board").get(pk=job_id)
    if not imports.import_start(job=job):
        return None
    try:
        imports.import_progress(job=job, step="Checking the file against the preview", progress=10)
        statistics = importer.Statistics.from_json(job.statistics)
        preview = importer.preview_statistics(
            board=job.board,
            statistics=statistics,
            authority=job.authority,
            mapping=job.mapping,
            publication=job.publication,
        )
        problems = preview.errors + [p for item in preview.items for p in item.problems]
        if problems:
            imports.import_fail(
                job=job,
                error="The file no longer checks out, so nothing was saved: "
                + " ".join(problems[:10]),
            )
            return None
        if importer.fingerprint(preview) != job.fingerprint:
            imports.import_fail(
                job=job,
                error="The board's indicators or figures changed after the preview, so nothing "
                "was saved. Upload the file again to see the preview as it is now.",
            )
            return None
        changed = len(preview.items) - preview.count("unchanged")
        imports.import_progress(job=job, step=f"Saving {changed:,} figures", progress=40)
        recorded = importer.save_statistics(preview=preview, publication=job.publication)
    except ValidationError as exc:
        imports.import_fail(job=job, error="Nothing was saved: " + " ".join(exc.messages[:10]))
        return None
    except Exception as exc:
        logger.exception("The statistics import %s failed", job_id)
        imports.import_fail(
            job=job,
            error=f"The import stopped ({exc}); nothing was saved. Try again, and tell your "
            "administrator if it fails again.",
        )
        return None
    imports.import_finish(job=job, recorded=recorded, unchanged=preview.count("unchanged"))
    return recorded
