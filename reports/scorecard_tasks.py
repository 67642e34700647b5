"""The background build of a scorecard document, on Django's tasks framework
(the django-tasks-db backend and its worker, `manage.py db_worker`; tests
use the immediate backend). The person who asked sees its progress on the
document's page; a failure is recorded in words and leaves no file."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.tasks import task

from reports import scorecard_documents as documents
from reports import scorecard_print
from reports.models import ScorecardDocument

logger = logging.getLogger(__name__)


@task()
def build_scorecard_document(document_id: int) -> int | None:
    """Build and store the scorecard's PDF and web page; the document's id,
    or None when the build failed or was not waiting."""
    document = ScorecardDocument.objects.select_related("board").get(pk=document_id)
    if not documents.document_start(document=document):
        return None
    stored: dict[str, tuple[str, str]] = {}
    try:
        documents.document_progress(document=document, step="Reading the scorecard", progress=10)
        printed = scorecard_print.printed_scorecard(board=document.board)
        documents.document_progress(document=document, step="Writing the web page", progress=25)
        html = scorecard_print.render_html(printed)
        # The charts are drawn beside the PDF's layout, not before it.
        documents.document_progress(document=document, step="Making the PDF", progress=40)
        pdf, pages = scorecard_print.render_pdf(printed)
        documents.document_progress(document=document, step="Storing the files", progress=90)
        stored = scorecard_print.store(
            document,
            printed.made,
            {
                "pdf": pdf,
                "html": html,
                "csv": scorecard_print.render_csv(printed),
                "json": scorecard_print.render_json(printed),
            },
        )
        documents.document_finish(
            document=document, files=stored, pages=pages, indicators=printed.count
        )
    except ValidationError as exc:
        if stored:  # store() removes its own partial writes
            scorecard_print.remove(document)
        documents.document_fail(document=document, error=" ".join(exc.messages))
        return None
    except Exception as exc:
        logger.exception("Building the scorecard document %s failed", document_id)
        if stored:
            scorecard_print.remove(document)
        step = (
            ScorecardDocument.objects.filter(pk=document_id).values_list("step", flat=True).first()
        )
        documents.document_fail(
            document=document,
            error=(
                f"The build stopped while {(step or 'starting').lower()}: {exc}. "
                "No file was kept; try again, and tell your administrator if it fails again."
            ),
        )
        return None
    return document.pk
