"""The three past reports regenerated from the fixtures: Luton 2016-17,
Luton 2020-21 and Bedford Borough 2016-17. Every transcribed table the
annual report builds (the budget and its stated total, board attendance,
training) reads back in the generated HTML, and in the PDF's text, exactly
as the fixture files state it: the expected values come from the JSON files
themselves, not from Assure's own reads."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from board.models import Board, Member, ReportingYear
from reports import pdf, services, snapshots
from reports.sections import build_report
from tests.html import table_rows
from tests.reports.annual_helpers import media  # noqa: F401 - a fixture
from training.selectors import training_for_year

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

PAST = [("luton", "2016-17"), ("luton", "2020-21"), ("bedford-borough", "2016-17")]

#: How many attendance marks each report's appendix gives (the fixture lines
#: of board.attendance, counted with grep): a guard that the comparison
#: compares something. The Luton reports transcribe no attendance table.
EXPECTED_MARKS = {
    ("luton", "2016-17"): 0,
    ("luton", "2020-21"): 0,
    ("bedford-borough", "2016-17"): 132,
}

STATUS_WORDS = {
    "attended": "Attended",
    "deputy": "Deputy attended",
    "apologies": "Apologies",
    "absent": "Absent",
    "not-applicable": "Not yet a member",
}


def fixture_objects(model: str) -> list[dict]:
    found = []
    for path in sorted(Path(settings.BASE_DIR, "fixtures").glob("*.json")):
        for obj in json.loads(path.read_text()):
            if obj["model"] == model:
                found.append(obj["fields"])
    return found


def money(amount: str) -> str:
    value = Decimal(amount)
    return f"£{value:,.2f}" if value != value.to_integral_value() else f"£{value:,.0f}"


@pytest.fixture
def past_reports(db):
    call_command("load_past_reports", verbosity=0, stdout=StringIO())


def regenerate(board: str, year: str):
    report = services.report_create(
        board=Board.objects.get(slug=board), year=ReportingYear.objects.get(label=year)
    )
    built = build_report(report)
    html = snapshots.render_html(snapshots.document_context(built, version=1, changes=""))
    return report, built, html.decode()


@pytest.mark.parametrize(("board", "year"), PAST)
def test_the_budget_reads_back_as_the_fixture_states_it(past_reports, board, year):
    _, _, html = regenerate(board, year)
    lines = [
        f
        for f in fixture_objects("board.contribution")
        if f["board"] == [board] and f["year"] == [year]
    ]
    rows = table_rows(html, "table-budget")
    if not lines:  # the source gives no budget table (Luton 2020-21)
        assert rows == []
        assert f"No contributions are recorded for {year}." in html
        return
    assert rows[0][:2] == ["Contributor", year]
    body = {row[0]: row[1] for row in rows[1:-1]}
    assert body == {line["label"]: money(line["amount"]) for line in lines}
    total = sum(Decimal(line["amount"]) for line in lines)
    assert rows[-1][:2] == ["Total (computed from the lines)", money(str(total))]
    stated = [
        f
        for f in fixture_objects("board.publishedtotal")
        if f["board"] == [board] and f["year"] == [year]
    ]
    for published in stated:
        assert f"The total stated in the published report: {money(published['amount'])}." in html


def _attendance_expected(board: str, year: str) -> dict[str, dict[str, dict[str, str]]]:
    """group slug -> member label -> meeting date -> status words, from the
    fixture files, for the board's strategic board and executive groups."""
    span = ReportingYear.span(int(year[:4]))
    groups = {
        g["slug"]
        for g in fixture_objects("board.group")
        if [board] in g["boards"] and g["kind"] in ("strategic-board", "executive")
    }
    expected: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for mark in fixture_objects("board.attendance"):
        group, day = mark["meeting"]
        date = datetime.date.fromisoformat(day)
        if group not in groups or not span.start <= date <= span.end:
            continue
        label = Member.get_by_natural_key(*mark["member"]).label
        expected[group][label][f"{date:%-d %b %Y}"] = STATUS_WORDS[mark["status"]]
    return expected


@pytest.mark.parametrize(("board", "year"), PAST)
def test_attendance_reads_back_as_the_fixture_states_it(past_reports, board, year):
    _, _, html = regenerate(board, year)
    expected = _attendance_expected(board, year)
    marks = sum(len(m) for members in expected.values() for m in members.values())
    assert marks == EXPECTED_MARKS[(board, year)]
    for group, members in expected.items():
        rows = table_rows(html, f"table-attendance-{group}")
        assert rows, f"no attendance table for {group}"
        head = rows[0]
        shown = {row[0]: dict(zip(head[1:-2], row[1:-2], strict=True)) for row in rows[1:]}
        for label, marks in members.items():
            assert {d: shown[label][d] for d in marks} == marks
            present = sum(1 for s in marks.values() if s in ("Attended", "Deputy attended"))
            held = sum(1 for s in marks.values() if s != "Not yet a member")
            row = next(r for r in rows[1:] if r[0] == label)
            assert row[-2] == f"{present} of {held}"
            if held:
                percent = (Decimal(present) * 100 / held).quantize(Decimal("1"), "ROUND_HALF_UP")
                assert row[-1] == f"{percent}%"


@pytest.mark.parametrize(("board", "year"), PAST)
def test_training_tables_read_back_as_the_training_page_gives_them(past_reports, board, year):
    _, _, html = regenerate(board, year)
    training = training_for_year(
        board=Board.objects.get(slug=board), year=ReportingYear.objects.get(label=year)
    )
    for table in training.tables:
        rows = table_rows(html, f"table-training-{table.key}")
        assert rows[0] == ["Measure", *(c.heading for c in table.columns)]
        assert [r[0] for r in rows[1:]] == [row.label for row in table.rows]


@pytest.mark.parametrize(("board", "year"), PAST)
def test_the_pdf_text_holds_every_budget_line_and_attendance_figure(past_reports, board, year):
    _, built, _ = regenerate(board, year)
    document = pdf.render_document(snapshots.document_context(built, version=1, changes=""))
    text = " ".join(pdf.page_texts(document))
    for line in fixture_objects("board.contribution"):
        if line["board"] == [board] and line["year"] == [year]:
            assert money(line["amount"]) in text, line["label"]
    for table in built.tables:
        if table.key.startswith("attendance-"):
            for row in table.rows:
                assert row[-1].text in text
                assert row[0].text.split(" (")[0] in text


def test_the_command_starts_the_three_past_reports_once(past_reports):
    from reports.models import AnnualReport

    out = StringIO()
    call_command("past_annual_reports", stdout=out)
    call_command("past_annual_reports", stdout=out)
    started = sorted(AnnualReport.objects.values_list("board__slug", "year__label"))
    assert started == sorted(PAST)
    assert out.getvalue().count("Already there") == 3


def test_the_command_asks_for_the_past_reports_first(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Load the past reports first"):
        call_command("past_annual_reports", stdout=StringIO())
