import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import GroupFactory
from training.models import Mode, StatedFigure, TrainingFigures


def export_url(board, fmt):
    return reverse("training:export", kwargs={"board": board.slug, "fmt": fmt})


@pytest.fixture
def figures(world):
    group = GroupFactory(
        slug="pan-training", name="Pan Training Unit", boards=[world.board, world.other_board]
    )
    TrainingFigures.objects.create(
        group=group,
        year=world.year,
        mode=Mode.E_LEARNING,
        learners_registered=5281,
        learners_completed=4734,
        completion_pct=89,
    )
    for quarter, courses in [(1, 3), (2, 19)]:
        TrainingFigures.objects.create(
            board=world.board,
            year=world.year,
            quarter=quarter,
            mode=Mode.FACE_TO_FACE,
            courses_delivered=courses,
        )
    StatedFigure.objects.create(
        board=world.board,
        year=world.year,
        mode=Mode.FACE_TO_FACE,
        measure="courses_delivered",
        value=23,
        explanation='=HYPERLINK("http://example.com")',
    )


def test_the_csv_holds_every_table_as_the_page_reads_it_and_the_differences(
    world, figures, client_for
):
    response = client_for("chair").get(export_url(world.board, "csv"), {"year": "2016-17"})
    assert response["Content-Disposition"] == 'attachment; filename="alpha-training-2016-17.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    board = world.board.name
    assert rows == [
        [
            "Owner",
            "Delivery mode",
            "Measure",
            "Q1",
            "Q2",
            "Q3",
            "Q4",
            "2016-17 total",
            "2015-16 total",
        ],
        [
            board,
            "Face to face",
            "Courses delivered",
            "3",
            "19",
            "",
            "",
            "22 (the report states 23)",
            "",
        ],
        ["Pan Training Unit", "E-learning", "Learners registered", "", "", "", "", "5,281", ""],
        ["Pan Training Unit", "E-learning", "Learners completed", "", "", "", "", "4,734", ""],
        [
            "Pan Training Unit",
            "E-learning",
            "Completion %",
            "",
            "",
            "",
            "",
            "90% (the report states 89%)",
            "",
        ],
        [],
        ["Owner", "Delivery mode", "Where the report and the counts differ"],
        [
            board,
            "Face to face",
            "2016-17 total: Courses delivered: the report states 23; the "
            'figures recorded add up to 22. =HYPERLINK("http://example.com")',
        ],
        [
            "Pan Training Unit",
            "E-learning",
            "2016-17 total: Completion %: the report states 89%; "
            "4,734 of 5,281 is 89.6%, which rounds to 90%. The report cut the decimals off "
            "instead of rounding.",
        ],
    ]


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(world, client_for):
    group = GroupFactory(slug="formula", name="=SUM(1,2)", boards=[world.board, world.other_board])
    TrainingFigures.objects.create(
        group=group, year=world.year, mode=Mode.OTHER, courses_delivered=1
    )
    client = client_for("chair")
    content = client.get(export_url(world.board, "xlsx"), {"year": "2016-17"}).content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Training 2016-17"
    owner = sheet.cell(row=2, column=1)
    assert (owner.value, owner.data_type) == ("=SUM(1,2)", "s")
    text = client.get(export_url(world.board, "csv"), {"year": "2016-17"}).content
    assert list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))[1][0] == "'=SUM(1,2)"


def test_only_csv_and_xlsx_are_offered(world, client_for):
    assert client_for("chair").get(export_url(world.board, "pdf")).status_code == 404
