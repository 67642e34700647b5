"""The business manager records a quarter's training figures and sees the
year's totals and rates change, and a stated figure the counts disagree with."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from board.models import ReportingYear
from core import roles
from core.spreadsheets import write_csv, write_xlsx
from tests.browser.conftest import check_accessibility
from tests.factories import UserFactory
from training.models import Mode, StatedFigure, TrainingCourse, TrainingFigures


@pytest.fixture
def manager(world):
    return UserFactory(username="manager", role=roles.BUSINESS_MANAGER, boards=[world.board])


def test_a_manager_records_a_quarter_and_sees_the_totals_change(
    page, live_server, manager, world, sign_in
):
    year = ReportingYear.for_start_year(2020)
    TrainingFigures.objects.create(
        board=world.board,
        year=year,
        quarter=1,
        mode=Mode.VIRTUAL_CLASSROOM,
        courses_delivered=3,
        places_offered=40,
        delegates_booked=33,
    )
    StatedFigure.objects.create(
        board=world.board,
        year=year,
        mode=Mode.VIRTUAL_CLASSROOM,
        measure="courses_delivered",
        value=22,
        wording="22 courses ran",
    )
    sign_in("manager")
    nav = page.get_by_role("navigation", name=f"{world.board.short_name} pages")
    nav.get_by_role("link", name="Training", exact=True).click()
    expect(page.get_by_role("heading", name="Multi-agency training 2020-21")).to_be_visible()
    table = page.locator(f"#training-{world.board.slug}-virtual-classroom")
    courses = table.get_by_role("row", name=re.compile("^Courses delivered"))
    expect(courses.get_by_role("cell").nth(4)).to_contain_text("3 (the report states 22)")
    check_accessibility(page)

    page.get_by_role("link", name="Record a period's figures").click()
    expect(page.get_by_role("heading", name="Record a period's training figures")).to_be_visible()
    check_accessibility(page)

    # More delegates than places is refused, in words, and nothing is saved.
    page.get_by_label("Period").select_option(label="Quarter 2 (July to September)")
    page.get_by_label("Delivery mode").select_option(label="Virtual classroom")
    page.get_by_label("Courses delivered (optional)").fill("19")
    page.get_by_label("Places offered (optional)").fill("200")
    page.get_by_label("Delegates attended (optional)").fill("201")
    page.get_by_role("button", name="Save figures").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: Record training figures"))
    expect(
        page.get_by_role("link", name=re.compile("cannot be more than the places"))
    ).to_be_visible()
    check_accessibility(page)
    assert TrainingFigures.objects.count() == 1

    page.get_by_label("Delegates attended (optional)").fill("")
    page.get_by_label("Delegates booked (optional)").fill("175")
    page.get_by_role("button", name="Save figures").click()
    expect(page.get_by_text("Virtual classroom figures for 2020-21 Q2 saved.")).to_be_visible()
    table = page.locator(f"#training-{world.board.slug}-virtual-classroom")
    courses = table.get_by_role("row", name=re.compile("^Courses delivered"))
    expect(courses.get_by_role("cell").nth(4)).to_have_text(re.compile(r"^\s*22\s*$"))
    filled = table.get_by_role("row", name=re.compile("^Places filled"))
    expect(filled.get_by_role("cell").nth(1)).to_have_text("88%")
    expect(filled.get_by_role("cell").nth(4)).to_have_text("87%")
    check_accessibility(page)


def test_a_manager_imports_courses_sees_what_they_replace_and_confirms(
    page, live_server, manager, world, sign_in
):
    year = ReportingYear.for_start_year(2020)
    TrainingFigures.objects.create(
        board=world.board,
        year=year,
        quarter=2,
        mode=Mode.FACE_TO_FACE,
        courses_delivered=3,
        places_offered=36,
        delegates_attended=30,
        satisfaction_pct=98,
    )
    sign_in("manager")
    nav = page.get_by_role("navigation", name=f"{world.board.short_name} pages")
    nav.get_by_role("link", name="Training", exact=True).click()
    page.get_by_role("link", name="Import from a spreadsheet").click()
    expect(
        page.get_by_role("heading", name="Import training figures from a spreadsheet")
    ).to_be_visible()
    check_accessibility(page)

    header = ["Course", "Date", "Mode", "Places", "Delegates attended"]
    wrong = write_csv([header, ["Neglect", "2020-07-14", "Face to face", "12", "13"]])
    page.get_by_label("Spreadsheet").set_input_files(
        {"name": "courses.csv", "mimeType": "text/csv", "buffer": wrong}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page).to_have_title(re.compile("^Error: Import training figures"))
    expect(
        page.get_by_role("link", name=re.compile("cannot be more than the places offered"))
    ).to_be_visible()
    expect(page.get_by_role("button", name="Confirm and import")).to_have_count(0)
    check_accessibility(page)

    good = write_xlsx(
        [
            header,
            ["Neglect", "2020-07-14", "Face to face", "12", "11"],
            ["Working together", "2020-09-01", "Face to face", "20", "18"],
        ]
    )
    page.get_by_label("Spreadsheet").set_input_files(
        {
            "name": "courses.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": good,
        }
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-summary")).to_contain_text(
        "Nothing has been saved yet. This import would add 2 courses"
    )
    periods = page.locator("#import-periods")
    expect(periods).to_contain_text(
        "The figures recorded by hand for this period are replaced by the sums of its courses"
    )
    expect(periods).to_contain_text("Was: 36")
    check_accessibility(page)
    assert TrainingCourse.objects.count() == 0

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("Imported courses.xlsx: 2 courses added, 0 changed")).to_be_visible()
    expect(page.get_by_role("heading", name="Training courses 2020-21")).to_be_visible()
    page.get_by_role("link", name="Back to the year's training figures").click()
    table = page.locator(f"#training-{world.board.slug}-face-to-face")
    places = table.get_by_role("row", name=re.compile("^Places offered"))
    expect(places.get_by_role("cell").nth(1)).to_have_text("32")
    filled = table.get_by_role("row", name=re.compile("^Places filled"))
    # No bookings in the file: places filled is measured by attendance, and says so.
    expect(filled.get_by_role("cell").nth(1)).to_have_text(
        re.compile(r"^\s*91% \(attended ÷ places: no bookings recorded\)\s*$")
    )
    check_accessibility(page)
    assert TrainingCourse.objects.count() == 2


def test_the_import_preview_the_impact_form_and_the_page_fit_a_narrow_screen(
    page, live_server, manager, world, sign_in
):
    """At 320 CSS pixels (WCAG 1.4.10, reflow) the pages of this journey,
    with long names in them, fit the width; wide tables scroll on their own."""
    from tests.browser.test_layout import sideways_scroll
    from tests.factories import ActionFactory
    from training.models import ImpactEvaluation

    year = ReportingYear.for_start_year(2020)
    action = ActionFactory(
        plan=world.plan, ref="3c", description="Embed Graded Care Profile 2 " * 6
    )
    ImpactEvaluation.objects.create(
        board=world.board,
        year=year,
        quarter=2,
        mode=Mode.FACE_TO_FACE,
        subject="Neglect and Graded Care Profile 2 for practitioners and their managers",
        months_after=3,
        delegates_asked=120,
        replies=54,
        reporting_change=41,
        reporting_change_pct=75,
        action=action,
        finding="More assessments use GCP2. " * 5,
    )
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in("manager")
    training = reverse("training:training", kwargs={"board": world.board.slug})
    page.goto(f"{live_server.url}{training}?year=2020-21")
    expect(page.locator("#training-impact")).to_be_visible()
    assert sideways_scroll(page) is None
    page.goto(
        live_server.url + reverse("training:impact_record", kwargs={"board": world.board.slug})
    )
    assert sideways_scroll(page) is None
    page.goto(live_server.url + reverse("training:import", kwargs={"board": world.board.slug}))
    header = ["Course", "Date", "Mode", "Places", "Delegates attended"]
    content = write_csv(
        [
            header,
            ["Neglect and Graded Care Profile 2 " * 4, "2020-07-14", "Face to face", "12", "11"],
        ]
    )
    page.get_by_label("Spreadsheet").set_input_files(
        {"name": "courses.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-periods")).to_be_visible()
    assert sideways_scroll(page) is None


def test_a_manager_maps_a_units_unknown_column_imports_and_sees_each_courses_rates(
    page, live_server, manager, world, sign_in
):
    """A register with a column Assure has no field for is not refused: the
    manager is asked what it holds, ignores it, previews and confirms, and
    the course list shows places filled and attended of booked."""
    ReportingYear.for_start_year(2020)
    sign_in("manager")
    page.goto(live_server.url + reverse("training:import", kwargs={"board": world.board.slug}))
    header = ["Course", "Date", "Mode", "Sessions", "Capacity", "Booked", "Attended", "DNA"]
    register = write_csv(
        [
            [*header, "Trainer"],
            ["Neglect", "14/07/2020", "Face to face", "2", "40", "36", "30", "4", "A. Trainer"],
        ]
    )
    page.get_by_label("Spreadsheet").set_input_files(
        {"name": "register.csv", "mimeType": "text/csv", "buffer": register}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(
        page.get_by_role("heading", name="What does each column of register.csv hold?")
    ).to_be_visible()
    expect(page.locator("#unknown-columns")).to_contain_text("column I, Trainer")
    check_accessibility(page)

    # Left unchosen, the column is named and nothing is read.
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile("^Error: What the columns hold"))
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_accessibility(page)
    assert TrainingCourse.objects.count() == 0

    page.get_by_label("Column I: Trainer").select_option(label="Ignore this column")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#import-summary")).to_contain_text("Nothing has been saved yet")
    check_accessibility(page)
    assert TrainingCourse.objects.count() == 0

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text(re.compile("^Imported register.csv: 1 course"))).to_be_visible()
    expect(page.get_by_role("heading", name="Training courses 2020-21")).to_be_visible()
    row = page.locator("#courses").get_by_role("row", name=re.compile("Neglect"))
    expect(row).to_contain_text("90%")  # 36 booked of 40 places
    expect(row).to_contain_text("83%")  # 30 came of 36 booked
    check_accessibility(page)
    course = TrainingCourse.objects.get()
    assert (course.sessions, course.delegates_no_show) == (2, 4)

    page.get_by_role("link", name="Add a course").click()
    expect(page.get_by_role("heading", name="Add a course")).to_be_visible()
    check_accessibility(page)
