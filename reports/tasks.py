"""The background build of a report's snapshot, on Django's tasks framework
(the django-tasks-db backend and its worker, `manage.py db_worker`; tests
use the immediate backend). The person who asked sees its progress on the
build page; a failure is recorded in words and changes nothing else."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.tasks import task

from reports import services, snapshots, versions
from reports.models import ReportBuild
from reports.pdf import render_pdf
from reports.sections import BuiltReport, build_report

logger = logging.getLogger(__name__)


@task()
def build_snapshot(build_id: int) -> int | None:
    """Build and store the snapshot of a queued build; the snapshot's id,
    or None when the build failed or was not waiting."""
    build = ReportBuild.objects.select_related("report__board", "report__year").get(pk=build_id)
    if not services.build_start(build=build):
        return None
    written: list[str] = []
    try:
        report = build.report
        if report.status != report.Status.APPROVED:
            raise ValidationError("The report is no longer approved, so it was not published.")
        version = (report.snapshots.aggregate(top=Max("version"))["top"] or 0) + 1
        services.build_progress(build=build, step="Reading the year's data", progress=10)
        built = build_report(report)
        _refuse_unwritten(built)
        changed = _changed_sections(built)
        context = snapshots.document_context(
            built, version=version, changes=build.changes, changed_sections=changed
        )
        services.build_progress(build=build, step="Writing the web page", progress=30)
        html = snapshots.render_html(context)
        services.build_progress(build=build, step="Making the PDF", progress=45)
        pdf, pages = render_pdf(context)
        services.build_progress(build=build, step="Writing the data files", progress=85)
        contents = {
            "html": html,
            "pdf": pdf,
            "csv": snapshots.render_csv(built),
            "json": snapshots.render_json(
                built, version=version, changes=build.changes, changed_sections=changed
            ),
        }
        stored = snapshots.store(report, version, build.pk, contents)
        written = [name for name, _ in stored.values()]
        services.build_progress(build=build, step="Recording the snapshot", progress=95)
        snapshot = services.snapshot_record(
            build=build,
            files=stored,
            pages=pages,
            sections=versions.frozen_sections(report, built),
            changed_sections=changed,
            reviews=built.reviews,
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


def _refuse_unwritten(built: BuiltReport) -> None:
    """No placeholder reaches a partner: a section left unwritten since the
    report was approved stops the build (the services refuse it first)."""
    names = [b.title for b in built.sections if b.section.is_unwritten]
    if names:
        raise ValidationError(
            "Not published: "
            + "; ".join(f"“{name}”" for name in names)
            + (" has" if len(names) == 1 else " have")
            + " not been written."
        )


def _changed_sections(built: BuiltReport) -> list[dict[str, str]]:
    """What differs from the version published before, for a correction."""
    found = versions.changes_since_published(built.report, built)
    return [change.as_dict() for change in found or []]


def _step(build_id: int) -> str:
    step = ReportBuild.objects.filter(pk=build_id).values_list("step", flat=True).first()
    return step or "starting"
