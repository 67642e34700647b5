"""Where a PDF build spends its time: cProfile over a warm build of the
budget's annual report (about 40 pages: the synthetic board at twice the
seeds' volume, every narrative section written) and over a cold build of the
30-indicator scorecard, on a scratch SQLite database as bench/run.py makes
them. Prints each build's phases (the report's data, its HTML, WeasyPrint's
layout, the PDF written) and the functions that take the most time; writes
the HTML to OUT (default a temporary folder) for trying styles on.

    .venv/bin/python bench/pdf_profile.py [report|scorecard ...]
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "assure-benchmark-only-" + "q" * 40)
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["AXES_ENABLED"] = "0"
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["LOG_LEVEL"] = "WARNING"
if not os.environ.get("DATABASE_URL"):
    DB = Path(tempfile.mkdtemp(prefix="assure-pdf-profile-")) / "profile.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

OUT = Path(os.environ.get("OUT") or tempfile.mkdtemp(prefix="assure-pdf-html-"))
TOP = 35


def _stats(profile: cProfile.Profile, title: str) -> None:
    profile.dump_stats(OUT / (title.split()[1] + ".prof"))
    for order in ("tottime", "cumulative"):
        stream = io.StringIO()
        pstats.Stats(profile, stream=stream).sort_stats(order).print_stats(TOP)
        text = stream.getvalue()
        print(f"===== {title}, by {order}")
        print(text[text.find("   ncalls") :])


def _phase(name: str, fn: Any, took: dict[str, tuple[float, float]]) -> Any:
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    took[name] = ((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000)
    return result


def report() -> None:
    from bench.synthetic import generate, write_synthetic_narrative
    from board.models import ReportingYear
    from reports import pdf, services, snapshots
    from reports.apps import preload_pdf_engine
    from reports.sections import build_report

    preload_pdf_engine()
    forty = services.report_create(board=generate(scale=2), year=ReportingYear.for_start_year(2016))
    write_synthetic_narrative(forty)

    def build() -> tuple[dict[str, tuple[float, float]], int]:
        took: dict[str, tuple[float, float]] = {}
        built = _phase("the report's data", lambda: build_report(forty), took)
        context = snapshots.document_context(built, version=1, changes="")
        document = _phase("HTML and layout", lambda: pdf.render_document(context), took)
        _phase("PDF written", lambda: pdf.write(document), took)
        return took, len(document.pages)

    build()  # cold: charts cached
    took, pages = build()
    print(
        f"===== warm annual report, {pages} pages: "
        + "; ".join(f"{k} {w:.0f} ms (CPU {c:.0f})" for k, (w, c) in took.items())
    )
    built = build_report(forty)
    context = snapshots.document_context(built, version=1, changes="")
    pdf.render_document(context)  # the charts now data: URIs
    (OUT / "report.html").write_text(pdf.render_pdf_html(context))
    profile = cProfile.Profile()
    profile.enable()
    build()
    profile.disable()
    _stats(profile, "warm annual report")


def scorecard() -> None:
    from bench.synthetic import generate
    from reports import scorecard_print
    from reports.apps import preload_pdf_engine

    preload_pdf_engine()
    board = generate(scale=1)
    profile = cProfile.Profile()
    took: dict[str, tuple[float, float]] = {}
    profile.enable()
    printed = _phase(
        "the scorecard's data", lambda: scorecard_print.printed_scorecard(board=board), took
    )
    _, pages = _phase("layout and PDF", lambda: scorecard_print.render_pdf(printed), took)
    profile.disable()
    print(
        f"===== cold scorecard, {pages} pages: "
        + "; ".join(f"{k} {w:.0f} ms (CPU {c:.0f})" for k, (w, c) in took.items())
    )
    (OUT / "scorecard.html").write_text(scorecard_print.render_pdf_html(printed))
    _stats(profile, "cold scorecard (the main thread; kaleido's export runs beside it)")


def main(names: list[str]) -> None:
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="assure-pdf-profile-media-"))
    call_command("migrate", verbosity=0)
    for name in names or ["report", "scorecard"]:
        {"report": report, "scorecard": scorecard}[name]()
    print(f"HTML in {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
