"""The benchmark's report of about 40 pages: synthetic data and synthetic
narrative, saying so, written through the reports service."""

import pytest

from bench.synthetic import NARRATIVE, generate, write_synthetic_narrative
from board.models import ReportingYear
from reports import services
from reports.sections import build_report

pytestmark = pytest.mark.django_db


def test_the_benchmark_report_is_synthetic_and_has_every_narrative_written():
    board = generate(scale=1)
    assert board.name == "Synthetic Safeguarding Children Board x1 (synthetic data)"
    report = services.report_create(board=board, year=ReportingYear.for_start_year(2016))
    write_synthetic_narrative(report, paragraphs=5)
    narrative = [s for s in report.sections.all() if s.is_narrative]
    assert narrative
    for section in narrative:
        assert section.body.count(NARRATIVE.strip()) == 5
        assert section.body.count("### Synthetic heading") == 2
        assert section.body.count("- A synthetic point (synthetic)") == 1
    built = build_report(report)
    written = [s for s in built.sections if s.html]
    assert len(written) == len([s for s in narrative if s.included])
    assert all("(synthetic)" in str(s.html) for s in written)
