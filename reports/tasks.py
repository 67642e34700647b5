"""The background build of a report's snapshot, on Django's tasks framework
(the django-tasks-db backend and its worker, `manage.py db_worker`; tests
use the immediate backend). The person who asked sees its progress on the
build page; a failure is recorded in words and changes nothing else."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.tasks import task

from reports import services, snapshots
from reports.models import ReportBuild
from reports.pdf import render_pdf
from reports.sections import build_report

logger = logging.getLogger(__name__)


@task()
def build_snapshot(build_id: int) -> int | None:
    """Build and store the snapshot of a queued build; the snapshot's id,
    or None when the build failed or was not waiting."""
    build = ReportBuild.objects.select_related("report__board", "report__year").get(pk=build_id)
    if not services.build_start(build=build):
        return None
    written: list[Path] = []
    try:
        report = build.report
        version = (report.snapshots.aggregate(top=Max("version"))["top"] or 0) + 1
        services.build_progress(build=build, step="Reading the year's data", progress=10)
        built = build_report(report)
        context = snapshots.document_context(built, version=version, changes=build.changes)
        services.build_progress(build=build, step="Writing the web page", progress=30)
        html = snapshots.render_html(context)
        services.build_progress(build=build, step="Making the PDF", progress=45)
        pdf, pages = render_pdf(context)
        services.build_progress(build=build, step="Writing the data files", progress=85)
        contents = {
            "html": html,
            "pdf": pdf,
            "csv": snapshots.render_csv(built),
            "json": snapshots.render_json(built, version=version, changes=build.changes),
        }
        stored = snapshots.store(report, version, build.pk, contents)
        written = [Path(settings.MEDIA_ROOT) / path for path, _ in stored.values()]
        services.build_progress(build=build, step="Recording the snapshot", progress=95)
        snapshot = services.snapshot_record(
            build=build, files=stored, pages=pages, reviews=built.reviews
        )
    except ValidationError as exc:
        snapshots.remove(written)
        services.build_fail(build=build, error=" ".join(exc.messages))
        return None
    except Exception as exc:
        logger.exception("Building the snapshot of %s failed", build.report)
        snapshots.remove(written)
        services.build_fail(
            build=build,
            error=(
                f"The build stopped while {_step(build_id).lower()}: {exc}. "
                "Nothing was published or changed; try again, and tell your administrator "
                "if it fails again."
            ),
        )
        return None
    return snapshot.pk


def _step(build_id: int) -> str:
    step = ReportBuild.objects.filter(pk=build_id).values_list("step", flat=True).first()
    return step or "starting"
