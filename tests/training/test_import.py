"""Importing training figures: period rows and course rows, every row checked
before anything is saved, one transaction, the same file again changes nothing."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from board.models import ReportingYear
from core.spreadsheets import write_csv, write_xlsx
from tests.factories import GroupFactory
from tests.html import table_rows
from training import services, spreadsheets
from training.models import Mode, TrainingCourse, TrainingFigures

PERIOD_HEADER = [
    "Year",
    "Quarter",
    "Mode",
    "Courses delivered",
    "Places offered",
    "Delegates booked",
    "Satisfaction %",
]
TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)
COURSE_HEADER = ["Course", "Date", "Mode", "Places", "Delegates attended"]


def csv_bytes(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def preview(board, header, rows, name="figures.csv"):
    kind, read = spreadsheets.read_rows(name, csv_bytes(header, rows))
    return spreadsheets.preview_import(board, kind, read)


def save(board, header, rows):
    kind, read = spreadsheets.read_rows("figures.csv", csv_bytes(header, rows))
    return spreadsheets.import_save(board=board, kind=kind, rows=read)


def counts():
    return TrainingFigures.objects.count(), TrainingCourse.objects.count()


QUARTER_ROWS = [
    ["2020-21", "Q2", "Virtual classroom", "3", "36", "33", "100"],
    ["2020-21", "3", "virtual-classroom", "19", "227", "175", "100%"],
]


def test_period_rows_preview_as_new_then_save_in_one_go_and_import_again_unchanged(world):
    result = preview(world.board, PERIOD_HEADER, QUARTER_ROWS)
    assert result.kind == spreadsheets.PERIODS
    assert [(r.number, r.label, r.status) for r in result.rows] == [
        (2, f"{world.board}: virtual classroom, 2020-21 Q2", "create"),
        (3, f"{world.board}: virtual classroom, 2020-21 Q3", "create"),
    ]
    assert counts() == (0, 0)  # a preview saves nothing

    save(world.board, PERIOD_HEADER, QUARTER_ROWS)
    q3 = TrainingFigures.objects.get(quarter=3)
    assert (q3.board, q3.year.label, q3.mode) == (world.board, "2020-21", Mode.VIRTUAL_CLASSROOM)
    assert (q3.courses_delivered, q3.places_offered, q3.delegates_booked) == (19, 227, 175)
    assert q3.satisfaction_pct == Decimal("100.00")

    again = preview(world.board, PERIOD_HEADER, QUARTER_ROWS)
    assert [r.status for r in again.rows] == ["unchanged", "unchanged"]
    save(world.board, PERIOD_HEADER, QUARTER_ROWS)
    assert counts() == (2, 0)
    assert TrainingFigures.history.count() == 2  # nothing written the second time


def test_a_changed_period_row_says_what_it_changes_and_a_missing_column_changes_nothing(world):
    save(world.board, PERIOD_HEADER, QUARTER_ROWS)
    result = preview(
        world.board,
        ["Year", "Quarter", "Mode", "Delegates booked"],
        [["2020-21", "Q3", "Virtual classroom", "180"]],
    )
    assert result.rows[0].status == "change"
    assert [(c.label, c.old, c.new) for c in result.rows[0].changes] == [
        ("Delegates booked", "175", "180")
    ]
    save(
        world.board,
        ["Year", "Quarter", "Mode", "Delegates booked"],
        [["2020-21", "Q3", "Virtual classroom", "180"]],
    )
    q3 = TrainingFigures.objects.get(quarter=3)
    assert (q3.courses_delivered, q3.delegates_booked) == (19, 180)  # courses kept


def test_a_pan_area_group_is_named_in_the_owner_column(world):
    group = GroupFactory(
        slug="pan-unit", name="Pan Training Unit", boards=[world.board, world.other_board]
    )
    save(
        world.board,
        ["Owner", "Year", "Quarter", "Mode", "Learners registered", "Learners completed"],
        [["Pan Training Unit", "2020/21", "", "E-learning", "15,793", "14191"]],
    )
    figures = TrainingFigures.objects.get()
    assert (figures.group, figures.board, figures.quarter) == (group, None, None)
    assert (figures.learners_registered, figures.learners_completed) == (15793, 14191)


ROW_ERRORS = {
    "unknown mode": (
        ["2020-21", "1", "Webinar", "", "", "", ""],
        "The mode 'Webinar' is not a delivery mode Assure knows: Face to face, Virtual classroom, E-learning, Briefing or conference, Other.",
    ),
    "unknown period": (
        ["2020-21", "Q5", "E-learning", "", "", "", ""],
        "The quarter 'Q5' is not a period Assure knows: write 1 to 4 (or Q1 to Q4), or leave it blank for the whole year.",
    ),
    "unknown year": (
        ["2020", "1", "E-learning", "", "", "", ""],
        "The year '2020' is not a reporting year: write it as 2020-21 (April 2020 to March 2021).",
    ),
    "year that does not follow on": (
        ["2020-22", "1", "E-learning", "", "", "", ""],
        "The year '2020-22' is not a reporting year",
    ),
    "year out of range": (
        ["1999-00", "1", "E-learning", "", "", "", ""],
        f"The year 1999-00 is outside the years Assure keeps (2000 to {TODAY.year + 10}).",
    ),
    "negative count": (
        ["2020-21", "1", "E-learning", "-3", "", "", ""],
        "Courses delivered is -3: a count cannot be less than 0.",
    ),
    "fractional count": (
        ["2020-21", "1", "E-learning", "2.5", "", "", ""],
        "Courses delivered is 2.5: a count is a whole number.",
    ),
    "non-numeric count": (
        ["2020-21", "1", "E-learning", "twelve", "", "", ""],
        "Courses delivered is 'twelve', which is not a number: give a whole number, for example 12.",
    ),
    "not a finite number": (
        ["2020-21", "1", "E-learning", "NaN", "", "", ""],
        "Courses delivered is 'NaN', which is not a number",
    ),
    "percentage above 100": (
        ["2020-21", "1", "E-learning", "", "", "", "100.5"],
        "Satisfaction % is 100.5: a percentage lies between 0 and 100.",
    ),
    "percentage below 0": (
        ["2020-21", "1", "E-learning", "", "", "", "-1"],
        "Satisfaction % is -1: a percentage lies between 0 and 100.",
    ),
    "attended over places": (["2020-21", "1", "Face to face", "1", "10", "", ""], None),
}


@pytest.mark.parametrize("case", ROW_ERRORS)
def test_a_row_error_is_said_in_words_and_nothing_is_saved(case, world, client_for):
    row, message = ROW_ERRORS[case]
    header = PERIOD_HEADER
    if message is None:  # the service's rule, through the import
        header = [*PERIOD_HEADER, "Delegates attended"]
        row = [*row, "11"]
        message = "The delegates attended (11) cannot be more than the places offered (10)."
    result = preview(world.board, header, [QUARTER_ROWS[0], row])
    assert not result.valid
    assert [r.status for r in result.rows] == ["create", "error"]
    assert any(message in error for error in result.rows[1].errors), result.rows[1].errors
    with pytest.raises(ValueError, match="nothing was saved"):
        save(world.board, header, [QUARTER_ROWS[0], row])
    assert counts() == (0, 0)


def test_completed_above_registered_is_refused(world):
    result = preview(
        world.board,
        ["Year", "Quarter", "Mode", "Learners registered", "Learners completed"],
        [["2016-17", "", "E-learning", "5281", "5282"]],
    )
    assert result.rows[0].errors == [
        "The learners completed (5,282) cannot be more than the registered (5,281)."
    ]


def test_the_same_period_twice_in_one_file_is_refused(world):
    result = preview(world.board, PERIOD_HEADER, [QUARTER_ROWS[0], QUARTER_ROWS[0]])
    assert result.rows[1].errors == ["Row 2 gives the same period and mode; keep one of them."]


def test_an_unknown_owner_is_refused_and_another_boards_group_is_unknown(world):
    GroupFactory(slug="beta-unit", name="Beta Unit", boards=[world.other_board])
    result = preview(world.board, ["Owner", *PERIOD_HEADER], [["Beta Unit", *QUARTER_ROWS[0]]])
    assert (
        result.rows[0]
        .errors[0]
        .startswith("The owner 'Beta Unit' is not this board or a pan-area group serving it")
    )


FILE_ERRORS = {
    "not a spreadsheet": (
        "report.pdf",
        b"%PDF-1.4\x00\x01\x02 binary",
        "The file is not a spreadsheet: upload a CSV or an Excel (XLSX) file.",
    ),
    "wrong encoding": (
        "figures.csv",
        "Year,Quarter,Mode\n2020-21,1,E-learning\n".encode("utf-16"),
        'The file is saved as UTF-16 text, which Assure cannot read: save it as "CSV UTF-8" or '
        "as an Excel workbook (XLSX).",
    ),
    "empty": ("figures.csv", b"  \n", "The file is empty."),
    "header only": (
        "figures.csv",
        b"Year,Quarter,Mode\n",
        "The file has its column names and no rows below them: nothing to import.",
    ),
    "broken xlsx": ("figures.xlsx", b"PK\x03\x04not really a zip", "it is not a valid XLSX"),
}


@pytest.mark.parametrize("case", FILE_ERRORS)
def test_a_file_it_cannot_read_is_refused_with_a_clear_message_through_the_page(
    case, world, client_for
):
    name, content, message = FILE_ERRORS[case]
    response = client_for("manager").post(
        reverse("training:import", kwargs={"board": world.board.slug}),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert message.replace('"', "&quot;").replace("'", "&#x27;") in response.content.decode()
    assert counts() == (0, 0)


COLUMN_QUESTIONS = {
    "missing columns": (
        "figures.csv",
        b"Year,Mode,Courses delivered\n2020-21,E-learning,3\n",
        "A file of one row per period and delivery mode needs a column for each of Quarter: "
        "choose which column holds each.",
    ),
    "course file missing attendance": (
        "courses.csv",
        b"Course,Date,Mode,Places\nNeglect,2020-06-12,Face to face,20\n",
        "A file of one row per course needs a column for each of Delegates attended: choose "
        "which column holds each.",
    ),
    "unknown column": ("figures.csv", b"Year,Quarter,Mode,Budget\n2020-21,1,E-learning,3\n", ""),
}


@pytest.mark.parametrize("case", COLUMN_QUESTIONS)
def test_a_file_short_of_a_column_or_with_one_unknown_is_asked_about_not_refused(
    case, world, client_for
):
    name, content, message = COLUMN_QUESTIONS[case]
    response = client_for("manager").post(
        reverse("training:import", kwargs={"board": world.board.slug}),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "What does each column of" in html
    assert message in html
    if case == "unknown column":
        assert "Assure does not know 1 column of this file" in html
        assert "column D, <strong>Budget</strong>" in html
    assert counts() == (0, 0)


@override_settings(ASSURE_IMPORT_MAX_ROWS=3)
def test_a_file_with_too_many_rows_is_refused():
    content = csv_bytes(PERIOD_HEADER, [QUARTER_ROWS[0]] * 4)
    with pytest.raises(spreadsheets.SpreadsheetError, match="more than 3 rows"):
        spreadsheets.read_rows("figures.csv", content)


@override_settings(ASSURE_IMPORT_MAX_UNPACKED_BYTES=1000)
def test_a_workbook_that_unpacks_past_the_limit_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "a" * 5000)
    with pytest.raises(spreadsheets.SpreadsheetError, match="unpacks to 5 KB"):
        spreadsheets.read_rows("figures.xlsx", out.getvalue())


def test_the_layout_download_imports_back_unchanged_with_formula_like_notes(world, client_for):
    year = ReportingYear.for_start_year(2020)
    TrainingFigures.objects.create(
        board=world.board,
        year=year,
        quarter=2,
        mode=Mode.FACE_TO_FACE,
        courses_delivered=4,
        places_offered=40,
        delegates_attended=38,
        satisfaction_pct=Decimal("97.5"),
        notes="=SUM(1,2) as the unit wrote it",
    )
    group = GroupFactory(slug="pan-unit", name="=Pan Unit", boards=[world.board, world.other_board])
    TrainingFigures.objects.create(
        group=group, year=year, mode=Mode.E_LEARNING, learners_registered=10, learners_completed=9
    )
    client = client_for("manager")
    for fmt in ("csv", "xlsx"):
        download = client.get(
            reverse("training:import_layout", kwargs={"board": world.board.slug, "fmt": fmt}),
            {"year": "2020-21"},
        )
        assert download.status_code == 200
        kind, rows = spreadsheets.read_rows(f"figures.{fmt}", download.content)
        assert kind == spreadsheets.PERIODS
        assert rows[0]["Notes"] == "=SUM(1,2) as the unit wrote it"
        assert rows[1]["Owner"] == "=Pan Unit"
        result = spreadsheets.preview_import(world.board, kind, rows)
        assert [r.status for r in result.rows] == ["unchanged", "unchanged"], [
            r.errors + [c.label for c in r.changes] for r in result.rows
        ]


# --- courses ------------------------------------------------------------------

COURSE_ROWS = [
    ["Neglect and GCP2", "2020-07-14", "Virtual classroom", "12", "11"],
    ["Neglect and GCP2", "15/09/2020", "Virtual classroom", "12", "12"],
    ["Working together", "2020-10-05", "Face to face", "20", "17"],
]


def test_courses_add_up_to_their_periods_and_import_again_unchanged(world):
    result = preview(world.board, COURSE_HEADER, COURSE_ROWS, name="courses.csv")
    assert result.kind == spreadsheets.COURSES
    assert [r.status for r in result.rows] == ["create", "create", "create"]
    assert [(p.label, p.courses, p.status) for p in result.periods] == [
        (f"{world.board}: virtual classroom, 2020-21 Q2", 2, "create"),
        (f"{world.board}: face to face, 2020-21 Q3", 1, "create"),
    ]
    save(world.board, COURSE_HEADER, COURSE_ROWS)
    q2 = TrainingFigures.objects.get(quarter=2, mode=Mode.VIRTUAL_CLASSROOM)
    assert (q2.courses_delivered, q2.places_offered, q2.delegates_attended) == (2, 24, 23)
    assert q2.delegates_booked is None  # the file gives no bookings
    assert TrainingCourse.objects.count() == 3
    assert TrainingCourse.history.filter(history_type="+").count() == 3  # each with its history

    again = preview(world.board, COURSE_HEADER, COURSE_ROWS, name="courses.csv")
    assert [r.status for r in again.rows] == ["unchanged"] * 3
    assert [p.status for p in again.periods] == ["unchanged", "unchanged"]
    save(world.board, COURSE_HEADER, COURSE_ROWS)
    assert counts() == (2, 3)


def test_courses_replace_the_figures_kept_by_hand_and_the_preview_says_so(world):
    year = ReportingYear.for_start_year(2020)
    TrainingFigures.objects.create(
        board=world.board,
        year=year,
        quarter=2,
        mode=Mode.VIRTUAL_CLASSROOM,
        courses_delivered=3,
        places_offered=36,
        delegates_booked=33,
        satisfaction_pct=100,
    )
    result = preview(world.board, COURSE_HEADER, COURSE_ROWS[:2], name="courses.csv")
    (period,) = result.periods
    assert (period.status, period.by_hand) == ("change", True)
    assert [(c.label, c.old, c.new) for c in period.replaced] == [
        ("courses delivered", "3", "2"),
        ("places offered", "36", "24"),
        ("delegates booked", "33", "(blank)"),
        ("delegates attended", "(blank)", "23"),
    ]
    save(world.board, COURSE_HEADER, COURSE_ROWS[:2])
    figures = TrainingFigures.objects.get()
    assert (figures.courses_delivered, figures.places_offered, figures.delegates_attended) == (
        2,
        24,
        23,
    )
    assert figures.satisfaction_pct == 100  # what courses do not give is kept


def test_a_course_in_a_year_recorded_whole_is_refused_so_nothing_counts_twice(world):
    year = ReportingYear.for_start_year(2020)
    TrainingFigures.objects.create(
        board=world.board, year=year, mode=Mode.FACE_TO_FACE, courses_delivered=79
    )
    result = preview(world.board, COURSE_HEADER, COURSE_ROWS[2:], name="courses.csv")
    assert not result.valid
    assert result.periods[0].errors == [
        "2020-21 already has face to face figures for the whole year: change those, so the "
        "total is not counted twice."
    ]
    with pytest.raises(ValueError, match="nothing was saved"):
        save(world.board, COURSE_HEADER, COURSE_ROWS[2:])
    assert counts() == (1, 0)


COURSE_ERRORS = {
    "attended over places": (
        ["Neglect", "2020-07-14", "Face to face", "10", "11"],
        "The delegates attended (11) cannot be more than the places offered (10).",
    ),
    "no date": (
        ["Neglect", "", "Face to face", "10", "9"],
        "Date is blank: give the date the course ran.",
    ),
    "not a date": (
        ["Neglect", "31/02/2020", "Face to face", "10", "9"],
        "Date is '31/02/2020', which is not a date Assure can read: write it as 12/06/2020, "
        "12 June 2020 or 2020-06-12 (day first).",
    ),
    "future date": (
        ["Neglect", TOMORROW.isoformat(), "Face to face", "10", "9"],
        f"The course date {TOMORROW:%-d %B %Y} is after today ({TODAY:%-d %B %Y}): record a "
        "course once it has run.",
    ),
    "no places": (
        ["Neglect", "2020-07-14", "Face to face", "", "9"],
        "Give the course's places: 0 if none.",
    ),
    "no title": (
        ["", "2020-07-14", "Face to face", "10", "9"],
        "The course title is missing. If its cell is merged with the one above, unmerge it and "
        "give the title on every row: a merged cell holds its text in its first row only.",
    ),
    "negative attendance": (
        ["Neglect", "2020-07-14", "Face to face", "10", "-1"],
        "Delegates attended is -1: a count cannot be less than 0.",
    ),
}


@pytest.mark.parametrize("case", COURSE_ERRORS)
def test_a_course_row_error_is_said_in_words_and_nothing_is_saved(case, world, settings):
    row, message = COURSE_ERRORS[case]
    result = preview(world.board, COURSE_HEADER, [COURSE_ROWS[0], row], name="courses.csv")
    assert result.rows[1].errors == [message]
    assert result.periods == []  # no period is shown as changing while a row is wrong
    with pytest.raises(ValueError, match="nothing was saved"):
        save(world.board, COURSE_HEADER, [COURSE_ROWS[0], row])
    assert counts() == (0, 0)


def test_a_course_file_reads_capacity_and_attendance_headings_and_xlsx_dates(world):
    book = Workbook()
    sheet = book.active
    sheet.append(["Course title", "Date", "Delivery mode", "Capacity", "Attendance"])
    sheet.append(["Neglect", datetime.datetime(2020, 7, 14), "Face to face", 20, 18])  # noqa: DTZ001
    out = io.BytesIO()
    book.save(out)
    kind, rows = spreadsheets.read_rows("courses.xlsx", out.getvalue())
    spreadsheets.import_save(board=world.board, kind=kind, rows=rows)
    course = TrainingCourse.objects.get()
    assert (course.title, course.date, course.quarter, course.year.label) == (
        "Neglect",
        datetime.date(2020, 7, 14),
        2,
        "2020-21",
    )
    assert (course.places_offered, course.delegates_attended) == (20, 18)


def test_a_hand_count_that_differs_from_the_courses_is_refused_by_the_service(world):
    save(world.board, COURSE_HEADER, COURSE_ROWS[:2])
    figures = TrainingFigures.objects.get()
    year = figures.year
    with pytest.raises(ValidationError) as refused:
        services.figures_record(
            owner=world.board,
            year=year,
            quarter=2,
            mode=Mode.VIRTUAL_CLASSROOM,
            values={"courses_delivered": 5, "satisfaction_pct": 99},
        )
    assert refused.value.message_dict["courses_delivered"] == [
        "Virtual classroom training in 2020-21 Q2 is added up from its 2 courses: its courses "
        "delivered is 2, not 5. Leave it blank, or change the courses."
    ]
    # Left blank, the counts are the courses' sums; the rest is kept by hand.
    saved = services.figures_record(
        owner=world.board,
        year=year,
        quarter=2,
        mode=Mode.VIRTUAL_CLASSROOM,
        values={"satisfaction_pct": 99},
    )
    assert (saved.courses_delivered, saved.places_offered, saved.satisfaction_pct) == (2, 24, 99)


def test_removing_a_course_adds_its_period_up_again(world):
    save(world.board, COURSE_HEADER, COURSE_ROWS[:2])
    services.course_remove(course=TrainingCourse.objects.order_by("date").first())
    figures = TrainingFigures.objects.get()
    assert (figures.courses_delivered, figures.places_offered, figures.delegates_attended) == (
        1,
        12,
        12,
    )


# --- the pages ------------------------------------------------------------------


def upload(client, board, name, content):
    return client.post(
        reverse("training:import", kwargs={"board": board.slug}),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_a_manager_previews_confirms_and_sees_the_figures(world, client_for):
    client = client_for("manager")
    content = write_xlsx([COURSE_HEADER, *COURSE_ROWS])
    response = upload(client, world.board, "courses.xlsx", content)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing has been saved yet. This import would add 3 courses, change 0" in html
    assert table_rows(html, "import-periods")[1] == [
        f"{world.board}: virtual classroom, 2020-21 Q2",
        "2",
        # (the table's text, each term and value run together)
        "New period figures, added up from its courses. Courses delivered2Places offered24"
        "Delegates attended23",
    ]
    assert counts() == (0, 0)
    token = response.context["token"]
    done = client.post(
        reverse("training:import_confirm", kwargs={"board": world.board.slug}), {"token": token}
    )
    assert done.status_code == 302
    assert done["Location"] == (
        reverse("training:courses", kwargs={"board": world.board.slug}) + "?year=2020-21"
    )
    assert counts() == (2, 3)
    page = client.get(done["Location"]).content.decode()
    assert "Imported courses.xlsx: 3 courses added, 0 changed, 0 unchanged." in page
    assert len(table_rows(page, "courses")) == 4  # the header and the three courses
    page = client.get(
        reverse("training:training", kwargs={"board": world.board.slug}), {"year": "2020-21"}
    ).content.decode()
    rows = table_rows(page, f"training-{world.board.slug}-virtual-classroom")
    assert rows[1] == [
        "Courses delivered",
        "Not given",
        "2",
        "Not given",
        "Not given",
        "2",
        "Not given",
    ]

    # The same confirm again is refused: the import was saved once.
    again = client.post(
        reverse("training:import_confirm", kwargs={"board": world.board.slug}), {"token": token}
    )
    assert again.status_code == 302
    assert counts() == (2, 3)


def test_a_file_with_row_errors_shows_them_and_offers_no_confirm(world, client_for):
    content = write_csv([PERIOD_HEADER, ["2020-21", "Q9", "E-learning", "", "", "", ""]])
    response = upload(client_for("manager"), world.board, "figures.csv", content)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The spreadsheet has problems, so nothing can be imported" in html
    assert "Row 2: The quarter &#x27;Q9&#x27; is not a period Assure knows" in html
    assert "Confirm and import" not in html
    assert response.context["token"] is None


def test_a_confirm_refuses_rows_that_no_longer_check_out(world, client_for):
    client = client_for("manager")
    response = upload(
        client, world.board, "figures.csv", write_csv([PERIOD_HEADER, QUARTER_ROWS[0]])
    )
    year = ReportingYear.for_start_year(2020)
    # Meanwhile someone records the whole year by hand.
    TrainingFigures.objects.create(board=world.board, year=year, mode=Mode.VIRTUAL_CLASSROOM)
    done = client.post(
        reverse("training:import_confirm", kwargs={"board": world.board.slug}),
        {"token": response.context["token"]},
    )
    assert done["Location"] == reverse("training:import", kwargs={"board": world.board.slug})
    assert counts() == (1, 0)


def test_a_course_preview_runs_the_same_queries_for_10_and_1000_rows(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n):
        rows = [
            [f"Course {i}", f"2020-07-{i % 28 + 1:02d}", "Face to face", "20", "18"]
            for i in range(n)
        ]
        kind, read = spreadsheets.read_rows("courses.csv", csv_bytes(COURSE_HEADER, rows))
        with CaptureQueriesContext(connection) as captured:
            result = spreadsheets.preview_import(world.board, kind, read)
        assert result.valid
        assert [(p.courses, p.status) for p in result.periods] == [(n, "create")]
        return len(captured.captured_queries)

    assert queries(10) == queries(1000) <= 10
