"""The past reports' figures, read back through Assure's pages exactly as the
documents state them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from board.models import Board
from core import roles
from tests.factories import UserFactory
from tests.html import table_rows

# Bedford Borough Safeguarding Children Board Annual Report 2016-17, Appendix 2:
# Strategic Board attendance: row, the mark at each of the six meetings (1
# attended, 0 not, n/a not yet a member), meetings held, number attended, %.
APPENDIX_2 = [
    ("BBSCB - Independent Chair", "1 1 1 1 1 1", 6, 6, 100),
    ("BBSCB - Business Manager", "1 1 1 1 0 1", 6, 5, 83),
    ("BBC - Assistant Director Education", "1 1 1 0 1 0", 6, 4, 67),
    (
        "BBC - Assistant Director for Children’s and Young People’s safeguarding",
        "1 0 1 1 0 1",
        6,
        4,
        67,
    ),
    ("BBC - Portfolio Holder for Children’s Social Care", "1 1 1 1 1 1", 6, 6, 100),
    ("BBC - Director for Children and Adult Services", "1 1 1 1 0 0", 6, 4, 67),
    ("BBC - BYOS", "n/a n/a 1 0 0 1", 4, 2, 50),
    ("BBC - Public Health", "1 1 1 1 1 1", 6, 6, 100),
    ("BBC - Head of Safeguarding and Quality Assurance", "0 1 1 1 1 1", 6, 5, 83),
    ("BBC - Head Of Early Help & Intervention, Early Help", "n/a n/a 1 1 0 0", 4, 2, 50),
    ("Bedfordshire CCG", "1 1 1 1 1 1", 6, 6, 100),
    ("BeNCH", "0 1 0 0 0 0", 6, 1, 17),
    ("Bedford College", "0 1 0 1 0 0", 6, 2, 33),
    ("Bedfordshire Police", "1 1 1 1 1 1", 6, 6, 100),
    ("Bedford Hospital", "1 1 1 1 1 1", 6, 6, 100),
    ("CAFCASS", "0 1 0 0 0 0", 6, 1, 17),
    ("East London NHS Foundation Trust", "1 1 0 1 1 1", 6, 5, 83),
    ("Lay Members", "1 0 0 1 1 1", 6, 4, 67),
    ("Probation", "0 0 0 0 0 0", 6, 0, 0),
    ("Representing schools", "1 1 1 1 1 1", 6, 6, 100),
    ("EPUT (was SEPT)", "1 1 1 1 1 1", 6, 6, 100),
    ("Voluntary Organisations for Children, young people & families", "1 1 1 1 1 1", 6, 6, 100),
]

#: A matrix cell as a screen reader reads it, as the appendix marks it.
MARKS = {
    "Attended": "1",
    "Deputy attended": "1",
    "Absent": "0",
    "Apologies": "0",
    "Not yet a member": "n/a",
}

# Luton Safeguarding Children Board Annual Report 2016-17, 4.2 The Board's budget.
LUTON_BUDGET_2016_17 = [
    ("Children & Learning", "£141,544.00"),
    ("Health agencies: (CCS/L&D Hospital/NHS Luton CCG & ELHF)", "£87,068.08"),
    ("The Police & Crime Commissioner for Bedfordshire", "£24,359.60"),
    ("Public Health(In Year Contribution)", "£6,900.00"),
    ("Bench Community Rehabilitation", "£800.00"),
    ("National Probation Services", "£800.00"),
    ("CAFCASS", "£550.00"),
]

# Bedford Borough Annual Report 2016-17, Financing and Staffing: income April
# 2016 - March 2017.
BEDFORD_BOROUGH_BUDGET_2016_17 = [
    ("Bedford Borough Council", "£108,240.00"),
    ("Bedfordshire Clinical Commissioning Group", "£62,663.00"),
    ("Bedfordshire Police", "£18,300.00"),
    ("Early Help", "£8,910.00"),
    ("CAFCASS", "£550.00"),
]


@pytest.fixture
def past_reports(db):
    call_command("load_past_reports", verbosity=0, stdout=StringIO())


@pytest.fixture
def chair_client(client, past_reports):
    chair = UserFactory(
        username="chair", role=roles.INDEPENDENT_CHAIR, boards=list(Board.objects.all())
    )
    client.force_login(chair)
    return client


def test_the_bedford_borough_attendance_appendix_reads_back_exactly(chair_client):
    url = reverse("board:meetings", kwargs={"board": "bedford-borough"})
    html = chair_client.get(
        url, {"group": "bedford-borough-board", "year": "2016-17"}
    ).content.decode()
    rows = table_rows(html, "attendance-matrix")
    header, body = rows[0], rows[1:]
    assert header[1:7] == [
        "19 May 2016",
        "14 Jul 2016",
        "15 Sep 2016",
        "17 Nov 2016",
        "24 Jan 2017",
        "28 Mar 2017",
    ]
    labels = {label for label, *_ in APPENDIX_2}
    # A seat held by a named person reads "seat (person)".
    by_label = {row[0] if row[0] in labels else row[0].rsplit(" (", 1)[0]: row for row in body}
    assert len(body) == len(APPENDIX_2)
    for label, marks, held, attended, percent in APPENDIX_2:
        row = by_label[label]
        assert [MARKS[cell] for cell in row[1:7]] == marks.split(), label
        assert row[-3:] == [str(held), str(attended), f"{percent}%"], label


def assert_lines(rows, lines):
    """Each budget row is the document's line: its label (a note may follow
    it in the same cell) and its amount."""
    assert len(rows) == len(lines)
    for row, (label, amount) in zip(rows, lines, strict=True):
        assert row[0].startswith(label), label
        assert row[1] == amount, label


def test_the_luton_budget_total_reads_back_exactly(chair_client):
    html = chair_client.get(
        reverse("board:budget", kwargs={"board": "luton"}), {"year": "2016-17"}
    ).content.decode()
    rows = table_rows(html, "budget-table")
    assert_lines(rows[1:-1], LUTON_BUDGET_2016_17)
    assert rows[-1][:2] == ["Total", "£262,021.68"]
    assert "The published report states a total of <strong>£262,021.68</strong>" in html
    assert "than the published total" not in html


def test_the_bedford_borough_budget_shows_the_published_total_and_the_gap_in_its_lines(
    chair_client,
):
    url = reverse("board:budget", kwargs={"board": "bedford-borough"})
    html = chair_client.get(url, {"year": "2016-17"}).content.decode()
    rows = table_rows(html, "budget-table")
    assert_lines(rows[1:-1], BEDFORD_BOROUGH_BUDGET_2016_17)
    assert rows[-1][:2] == ["Total", "£198,663.00"]
    assert "The published report states a total of <strong>£199,463.00</strong>" in html
    assert "add up to £198,663.00, £800.00 less than the published total" in html
