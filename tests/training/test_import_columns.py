"""Importing a training unit's own spreadsheet: columns Assure does not know
are named and mapped or ignored on the page, dates and percentages are read
as units write them, sessions, capacity, no-shows, cancellations and
delegates by agency are kept, and a whole file saves or nothing does."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from tests.factories import AgencyFactory, MemberFactory
from tests.html import table_rows
from training import columns, spreadsheets
from training.models import CourseAgency, TrainingCourse, TrainingFigures

pytestmark = pytest.mark.django_db

#: A training unit's register as nobody here wrote it: its own names for
#: Assure's columns, columns Assure has no field for, agencies by name.
UNIT_HEADER = [
    "Course title",
    "Start date",
    "Delivery",
    "Sessions",
    "Capacity",
    "Booked",
    "Attended",
    "DNA",
    "Cancelled",
    "Late cancellations",
    "Attendance rate",
    "Trainer",
    "Venue",
    "Bedfordshire Police",
    "Health",
    "Schools",
    "Cost (£)",
]
UNKNOWN = ["Trainer", "Venue", "Schools", "Cost (£)"]
TITLES = ["Working Together", "Neglect and GCP2", "Child exploitation", "Domestic abuse"]


def unit_day(i: int) -> datetime.date:
    """Courses spread over 2020-21's second to fourth quarters."""
    return datetime.date(2020, 7, 1) + datetime.timedelta(days=(i * 4) % 270)


def date_cell(i: int, day: datetime.date) -> object:
    """Each row writes its date another way, as real registers do."""
    layouts = [
        lambda d: datetime.datetime(d.year, d.month, d.day),  # noqa: DTZ001 - a date cell
        lambda d: f"{d:%d/%m/%Y}",
        lambda d: d.isoformat(),
        lambda d: f"{d.day} {d:%B %Y}",
        lambda d: f"{d:%a} {d.day}th {d:%b %Y}".replace("1th", "1st"),
        lambda d: f"{d:%d-%b-%y}",
        lambda d: f"{d:%d.%m.%Y}",
    ]
    return layouts[i % len(layouts)](day)


def unit_rows(n: int) -> list[list[object]]:
    rows = []
    for i in range(n):
        day = unit_day(i)
        sessions = 1 + i % 3
        booked, attended, dna = 18 * sessions, 15 * sessions, 2 * sessions
        rate = round(attended / booked, 4)  # a cell formatted as a percentage holds 0.8333
        rows.append(
            [
                f"{TITLES[i % 4]} {i}",
                date_cell(i, day),
                ["Virtual classroom", "Face to face"][i % 2],
                sessions,
                20 * sessions,
                booked,
                attended,
                dna,
                3,
                1,
                rate if i % 5 else f"{rate * 100:.1f}%",
                f"Trainer {i % 6}",
                "Online" if i % 2 == 0 else "Bedford",
                5,
                4 if i % 7 else "",
                2,
                "£120",
            ]
        )
    return rows


def xlsx(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def agencies(world):
    police = AgencyFactory(slug="bedfordshire-police", name="Bedfordshire Police")
    health = AgencyFactory(slug="nhs", name="NHS Bedfordshire", short_name="Health")
    MemberFactory(board=world.board, agency=police)
    MemberFactory(board=world.board, agency=health)
    return police, health


def import_url(world, name="training:import"):
    return reverse(name, kwargs={"board": world.board.slug})


def upload(client, world, name, content):
    return client.post(import_url(world), {"file": SimpleUploadedFile(name, content)})


def choices_posted(response, **chosen):
    """The columns form as the page offers it, with `chosen` heading: target."""
    form = response.context["form"]
    data = {"upload_token": response.context["upload_token"], "kind": form["kind"].value()}
    for choice in form.choices:
        data[f"column-{choice.index}"] = chosen.get(choice.heading, choice.target)
    return data


def test_a_units_own_register_is_asked_about_mapped_previewed_and_saved(
    world, agencies, client_for
):
    police, health = agencies
    client = client_for("manager")
    response = upload(client, world, "register.xlsx", xlsx(UNIT_HEADER, unit_rows(60)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "What does each column of register.xlsx hold?" in html
    assert "Assure does not know 4 columns of this file" in html
    unknown = [c.heading for c in response.context["unknown"]]
    assert unknown == UNKNOWN
    form = response.context["form"]
    read = {c.heading: c.target for c in form.choices}
    assert read["Capacity"] == "Places"
    assert read["DNA"] == "No-shows"
    assert read["Attendance rate"] == "Attended of booked %"
    assert read["Bedfordshire Police"] == "agency:bedfordshire-police"
    assert read["Health"] == "agency:nhs"
    assert TrainingCourse.objects.count() == 0

    preview = client.post(
        import_url(world, "training:import_columns"),
        choices_posted(response, **dict.fromkeys(UNKNOWN, columns.IGNORE)),
    )
    assert preview.status_code == 200, preview.context["preview"].errors[:3]
    result = preview.context["preview"]
    assert (result.created, result.valid) == (60, True)
    page = preview.content.decode()
    assert "Column K, Attendance rate: Attended of booked %" in page
    assert "Column L, Trainer: ignored" in page
    assert "Attendance rate holds percentages as fractions" in page
    assert TrainingCourse.objects.count() == 0  # nothing saved before the confirm

    done = client.post(
        import_url(world, "training:import_confirm"), {"token": preview.context["token"]}
    )
    assert done.status_code == 302
    assert TrainingCourse.objects.count() == 60
    first = TrainingCourse.objects.get(title="Working Together 0")
    assert (first.date, first.sessions, first.places_offered) == (unit_day(0), 1, 20)
    assert (first.delegates_booked, first.delegates_attended, first.delegates_no_show) == (
        18,
        15,
        2,
    )
    assert (first.cancellations, first.late_cancellations) == (3, 1)
    assert first.attendance_pct == Decimal("83.30")  # "83.3%" as the file wrote it
    assert TrainingCourse.objects.get(title="Neglect and GCP2 1").attendance_pct == Decimal(
        "83.33"
    )  # 0.8333, a fraction
    assert CourseAgency.objects.filter(agency=police).count() == 60
    assert CourseAgency.objects.filter(agency=health).count() == 60 - len(range(0, 60, 7))

    # The periods take their courses delivered from the courses' sessions.
    q2 = TrainingFigures.objects.get(quarter=2, mode="virtual-classroom")
    q2_courses = TrainingCourse.objects.filter(quarter=2, mode="virtual-classroom")
    assert q2.courses_delivered == sum(c.sessions for c in q2_courses)
    assert q2.delegates_no_show == sum(c.delegates_no_show for c in q2_courses)

    # The course list shows the rates, and the same file again changes nothing.
    listed = client.get(done["Location"]).content.decode()
    row = table_rows(listed, "courses")[1]
    assert row[0] == f"{unit_day(0):%-d %b %Y}"
    assert row[9:11] == ["90%", "83%"]  # 18 of 20 places booked; 15 of 18 came
    again = upload(client, world, "register.xlsx", xlsx(UNIT_HEADER, unit_rows(60)))
    # Ignoring a heading is remembered for the session: the same file goes straight on.
    assert again.context["preview"].unchanged == 60


def test_a_column_left_unchosen_or_read_twice_is_named_and_nothing_is_saved(
    world, agencies, client_for
):
    client = client_for("manager")
    response = upload(client, world, "register.csv", csv_bytes(UNIT_HEADER, unit_rows(3)))
    posted = choices_posted(
        response, **{"Trainer": "", "Venue": columns.IGNORE, "Schools": columns.IGNORE}
    )
    posted["column-16"] = "Delegates booked"  # Cost (£), read as a second Booked
    refused = client.post(import_url(world, "training:import_columns"), posted)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Choose what column L (Trainer) holds, or ignore it." in html
    assert "Column F (Booked) is already read as Delegates booked: ignore one of them." in html
    assert TrainingCourse.objects.count() == 0


def test_an_unknown_column_mapped_to_a_field_is_read_as_it(world, client_for):
    header = ["Course", "Date", "Mode", "Places", "No. present on the day"]
    client = client_for("manager")
    response = upload(
        client,
        world,
        "courses.csv",
        csv_bytes(header, [["Neglect", "14/07/2020", "Face to face", "20", "17"]]),
    )
    html = response.content.decode()
    assert "A file of one row per course needs a column for each of Delegates attended" in html
    preview = client.post(
        import_url(world, "training:import_columns"),
        choices_posted(response, **{"No. present on the day": "Delegates attended"}),
    )
    assert preview.context["preview"].valid
    client.post(import_url(world, "training:import_confirm"), {"token": preview.context["token"]})
    assert TrainingCourse.objects.get().delegates_attended == 17


def test_the_file_read_as_the_other_kind_offers_that_kinds_columns(world, client_for):
    client = client_for("manager")
    header = ["Year", "Quarter", "Mode", "Sessions", "Booked"]
    response = upload(
        client, world, "figures.csv", csv_bytes(header, [["2020-21", "2", "E-learning", "3", "9"]])
    )
    # A period file: Sessions is its courses delivered, and the preview follows at once.
    assert response.context["preview"].rows[0].changes[0].label == "Courses delivered"
    posted = {
        "upload_token": response.context["upload_token"],
        "kind": columns.COURSES,
    }
    switched = client.post(import_url(world, "training:import_columns"), posted)
    assert switched.status_code == 200
    form = switched.context["form"]
    assert form["kind"].value() == columns.COURSES
    assert {c.heading: c.target for c in form.choices}["Sessions"] == "Sessions"
    assert TrainingFigures.objects.count() == 0


def test_a_columns_step_without_its_file_sends_the_manager_to_upload_it(world, client_for):
    client = client_for("manager")
    response = client.post(
        import_url(world, "training:import_columns"), {"upload_token": "made-up", "kind": "x"}
    )
    assert response["Location"] == import_url(world)
    upload(client, world, "courses.csv", csv_bytes(["Course", "Trainer"], [["Neglect", "A"]]))
    stale = client.post(
        import_url(world, "training:import_columns"), {"upload_token": "an older one"}
    )
    assert stale["Location"] == import_url(world)


# --- cells ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2020-06-12", datetime.date(2020, 6, 12)),
        ("12/06/2020", datetime.date(2020, 6, 12)),
        ("12/06/20", datetime.date(2020, 6, 12)),
        ("12-06-2020", datetime.date(2020, 6, 12)),
        ("12.06.2020", datetime.date(2020, 6, 12)),
        ("2020/06/12", datetime.date(2020, 6, 12)),
        ("12 June 2020", datetime.date(2020, 6, 12)),
        ("12 Jun 2020", datetime.date(2020, 6, 12)),
        ("12th June 2020", datetime.date(2020, 6, 12)),
        ("Friday 12 June 2020", datetime.date(2020, 6, 12)),
        ("Fri, 12th Jun 2020", datetime.date(2020, 6, 12)),
        ("12-Jun-20", datetime.date(2020, 6, 12)),
        ("June 12, 2020", datetime.date(2020, 6, 12)),
        ("1 Sept 2020", datetime.date(2020, 9, 1)),
        ("2020-06-12 09:30", datetime.date(2020, 6, 12)),
        ("12/06/2020 09:30:00", datetime.date(2020, 6, 12)),
        ("43994", datetime.date(2020, 6, 12)),  # Excel's serial number, kept by a CSV
        (43994, datetime.date(2020, 6, 12)),
        ("06/13/2020", None),  # month first: there is no 13th month
        ("31/02/2020", None),
        ("next Tuesday", None),
        ("2020", None),
    ],
)
def test_dates_are_read_as_units_write_them_day_first(written, day):
    assert spreadsheets.read_date(written) == day


def course_preview(world, header, rows):
    return spreadsheets.preview_import(
        world.board, columns.COURSES, [dict(zip(header, row, strict=True)) for row in rows]
    )


BASE = ["Course", "Date", "Mode", "Places", "Delegates booked", "Delegates attended"]


def test_a_percentage_column_of_fractions_is_read_as_percentages_and_said_so(world):
    result = course_preview(
        world,
        [*BASE, "Attended of booked %"],
        [
            ["A", "2020-07-01", "Face to face", 20, 18, 15, 0.8333],
            ["B", "2020-07-02", "Face to face", 20, 18, 18, 1],
            ["C", "2020-07-03", "Face to face", 20, 18, 9, "50%"],
        ],
    )
    assert [r.record.attendance_pct for r in result.rows] == [
        Decimal("83.33"),
        Decimal("100.00"),
        Decimal("50.00"),
    ]
    assert result.notes == [
        "Attended of booked % holds percentages as fractions, as a spreadsheet keeps a cell "
        "formatted as a percentage: 0.92 is read as 92%."
    ]


def test_a_fraction_among_whole_percentages_is_named_not_guessed(world):
    result = course_preview(
        world,
        [*BASE, "Attended of booked %"],
        [
            ["A", "2020-07-01", "Face to face", 20, 18, 15, 83],
            ["B", "2020-07-02", "Face to face", 20, 18, 18, 0.92],
        ],
    )
    assert result.rows[0].errors == []
    assert result.rows[1].errors == [
        "Attended of booked % is 0.92, in a column whose other percentages are whole numbers "
        "such as 85: write 92.00% if it means that, or 0.92%."
    ]


def test_places_per_session_are_times_the_sessions(world):
    result = course_preview(
        world,
        ["Course", "Date", "Mode", "Sessions", "Places per session", "Delegates attended"],
        [
            ["A", "2020-07-01", "Face to face", 3, 20, 55],
            ["B", "2020-07-02", "Face to face", "", 20, 21],
        ],
    )
    assert result.rows[0].record.places_offered == 60
    assert result.rows[1].errors == [
        "The delegates attended (21) cannot be more than the places offered (20)."
    ]


@pytest.mark.parametrize(
    ("given", "kept", "error"),
    [
        ({"Early cancellations": 2, "Late cancellations": 1}, (3, 1), None),
        ({"Early cancellations": 2, "Cancellations": 5}, (5, 3), None),
        ({"Early cancellations": 2, "Late cancellations": 3, "Cancellations": 5}, (5, 3), None),
        (
            {"Early cancellations": 2, "Late cancellations": 1, "Cancellations": 5},
            None,
            "Early cancellations (2) and Late cancellations (1) come to 3, not Cancellations "
            "(5): early and late are all the cancellations between them.",
        ),
        (
            {"Early cancellations": 6, "Cancellations": 5},
            None,
            "Early cancellations (6) cannot be more than Cancellations (5): the early ones are "
            "some of them.",
        ),
        (
            {"Early cancellations": 2},
            None,
            "Early cancellations is given without the late cancellations or all of them: give "
            "one of those too, so Assure knows how many were cancelled.",
        ),
        ({"Early cancellations": "", "Cancellations": 4}, (4, None), None),
    ],
)
def test_early_and_late_cancellations_give_the_total_or_the_late_ones(world, given, kept, error):
    header = ["Course", "Date", "Mode", "Places", "Delegates attended", *given]
    result = course_preview(
        world, header, [["A", "2020-07-01", "Face to face", 20, 15, *given.values()]]
    )
    row = result.rows[0]
    if error:
        assert row.errors == [error]
    else:
        assert row.errors == []
        assert (row.record.cancellations, row.record.late_cancellations) == kept


@pytest.mark.usefixtures("agencies")
def test_agency_counts_above_the_attendance_are_named_and_nothing_is_saved(world):
    header = ["Course", "Date", "Mode", "Places", "Delegates attended", "agency:nhs", "agency:x"]
    rows = [
        ["A", "2020-07-01", "Face to face", 20, 15, 16, ""],
        ["B", "2020-07-02", "Face to face", 20, 15, 3, 1],
    ]
    dicts = [dict(zip(header, row, strict=True)) for row in rows]
    result = spreadsheets.preview_import(
        world.board, columns.COURSES, dicts, {"agency:nhs": "Health", "agency:x": "Carers"}
    )
    assert result.rows[0].errors == [
        "The delegates by agency add up to 16, more than the delegates attended (15): each of "
        "them attended."
    ]
    assert result.rows[1].errors == [
        "Carers: the agency is not one Assure knows; add it first, or ignore the column."
    ]
    with pytest.raises(ValueError, match="nothing was saved"):
        spreadsheets.import_save(board=world.board, kind=columns.COURSES, rows=dicts)
    assert (TrainingCourse.objects.count(), CourseAgency.objects.count()) == (0, 0)


def test_one_bad_row_among_many_saves_nothing(world, agencies, client_for):
    rows = unit_rows(40)
    rows[33][6] = 99  # attended above the places
    client = client_for("manager")
    response = upload(client, world, "register.csv", csv_bytes(UNIT_HEADER, rows))
    preview = client.post(
        import_url(world, "training:import_columns"),
        choices_posted(response, **dict.fromkeys(UNKNOWN, columns.IGNORE)),
    )
    assert preview.status_code == 400
    html = preview.content.decode()
    assert "Row 35" in html
    assert "The delegates attended (99) cannot be more than the places offered" in html
    assert "Confirm and import" not in html
    assert TrainingCourse.objects.count() == 0


def test_a_bad_cell_is_named_by_the_files_own_column(world, agencies, client_for):
    rows = unit_rows(3)
    rows[1][1] = "the 32nd"
    rows[2][7] = "two"
    client = client_for("manager")
    response = upload(client, world, "register.csv", csv_bytes(UNIT_HEADER, rows))
    preview = client.post(
        import_url(world, "training:import_columns"),
        choices_posted(response, **dict.fromkeys(UNKNOWN, columns.IGNORE)),
    )
    errors = {r.number: r.errors for r in preview.context["preview"].errors}
    assert errors == {
        3: [
            "Start date is 'the 32nd', which is not a date Assure can read: write it as "
            "12/06/2020, 12 June 2020 or 2020-06-12 (day first)."
        ],
        4: ["DNA is 'two', which is not a number: give a whole number, for example 12."],
    }


def test_a_preview_with_agency_columns_runs_the_same_queries_for_100_and_500_rows(world, agencies):
    """The rows cost no queries of their own: 100 rows and 500 fall in the
    same six periods (three quarters, two modes), and each period the file
    touches is looked up a few times to say what it would become."""

    def queries(n):
        upload_ = columns.read_upload("register.csv", csv_bytes(UNIT_HEADER, unit_rows(n)))
        chosen = columns.suggest(upload_, list(agencies))
        chosen = [
            c if c.target else columns.Choice(c.index, c.heading, columns.IGNORE, True)
            for c in chosen
        ]
        rows, headings = columns.apply(upload_, chosen)
        with CaptureQueriesContext(connection) as captured:
            result = spreadsheets.preview_import(world.board, columns.COURSES, rows, headings)
        assert result.valid, result.errors[:1]
        return len(captured.captured_queries)

    assert queries(100) == queries(500) <= 40
