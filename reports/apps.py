import sys

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from reports import charts  # noqa: F401 - registers the Chromium system check

        if is_worker(sys.argv):
            preload_pdf_engine()


def is_worker(argv: list[str]) -> bool:
    """Whether this process is the background worker (`manage.py db_worker`)."""
    return len(argv) > 1 and argv[1] == "db_worker"


def preload_pdf_engine() -> None:
    """WeasyPrint takes about two seconds to import (its fonts and Pango), and
    Django's template engine as long again to start (every app's template
    tags) and compile the print templates: the worker that builds PDFs does
    both when it starts, so the first build after a restart does not wait
    for them. Web processes and tests never need it."""
    import weasyprint  # noqa: F401
    from django.template.loader import get_template

    for name in ("pdf/annual_report.html", "pdf/scorecard.html"):
        get_template(name)
