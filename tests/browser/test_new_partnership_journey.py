"""A new partnership sets itself up in Assure, as issue 18 asks, in one
story: an empty install with one Admin account; the Admin adds the board
and invites its business manager; the manager, only through Assure's pages
(never a superuser, never the Django admin), gives the board its own
four-mark attendance key, brings its seats and agencies from its own
membership list, the main group's meetings so far this year from its own
attendance record, its action plan from its own tracker (other headings,
other rating words), a training year's courses with sessions and capacity,
and a scorecard from statistics files in the published layout (thousands
of rows, suppression markers, old and new authority codes) with this
year's target for one indicator, then reads the set-up page, the chair's dashboard and the scorecard. axe-core checks
the pages as this story leaves them (a new board's, the seats import's, the
results of each import, and the three it ends on); the forms the shorter
journeys check already are not checked again, to keep CI quick.

Every file is made here: the spreadsheets are small, in the board's own
layout; the statistics file and neighbour model are generated in the
Department for Education's layout with synthetic figures
(tests.indicators.published). The clock is stopped on 7 December 2026, in
the reporting year 2026-27."""

from __future__ import annotations

import base64
import csv
import datetime
import io
import re
import time
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from playwright.sync_api import expect

from board.models import Agency, Board, Member
from core import roles
from indicators.models import IndicatorValue
from tests.browser.conftest import check_accessibility
from tests.browser.test_attendance_key_journeys import add_mark
from tests.clock import on_day
from tests.factories import UserFactory
from tests.import_files import SheetSpec, xlsx
from tests.indicators import published
from training.models import TrainingCourse

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date(2026, 12, 7)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOARD = "Wrenfield Safeguarding Children Partnership"
MANAGER_EMAIL = "pat.manager@wrenfield.example.org"
MANAGER_PASSWORD = "kettle meadow lantern 27"
#: The generated statistics (2,268 rows) and the neighbour model naming
#: each authority's neighbours by their old three-digit codes, while the
#: board's authority is found by its new nine-character code.
STATISTICS = published.statistics_file()
MODEL = published.neighbour_model(by="old")
LATEST = "202324"


def _rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(STATISTICS.decode())))


def _suppressed_before_the_latest_year() -> published.Authority:
    """The first authority with a suppressed referrals figure in an earlier
    year and figures in the latest: the board's, so the scorecard shows both."""
    rows = [r for r in _rows() if r["geographic_level"] == "Local authority"]
    for authority in published.authorities():
        own = {r["time_period"]: r for r in rows if r["new_la_code"] == authority.new_code}
        if own[LATEST]["referrals"].replace(".", "").isdigit() and any(
            r["referrals"] in published.MARKERS for r in own.values()
        ):
            return authority
    raise AssertionError("the generated file has no suppressed referrals figure")


#: The board's local authority in the generated statistics (synthetic).
AREA = _suppressed_before_the_latest_year()


@pytest.fixture
def on_the_day():
    with on_day(TODAY):
        yield


def code_from_key(key_as_shown: str) -> str:
    """What an authenticator app shows after a person types the set-up key."""
    key = key_as_shown.replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    totp.time = time.time()
    return f"{totp.token():06d}"


def upload(page, label: str, name: str, content: bytes, mime: str = XLSX) -> None:
    page.get_by_label(label).set_input_files({"name": name, "mimeType": mime, "buffer": content})


def fill_date(page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=re.compile(f"^{re.escape(legend)}"))
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def membership_list() -> bytes:
    """The board's own list of members: a title above, its own headings,
    agencies Assure does not know yet, roles in its own words."""
    rows = [
        ["Organisation", "Name", "Job title", "Membership type", "Appointed"],
        [
            "Wrenfield Police",
            "Sam Patel",
            "Detective Superintendent",
            "Statutory partner",
            "01/04/2026",
        ],
        [
            "Wrenfield Council",
            "Jo Green",
            "Director of Children's Services",
            "Statutory partner",
            "01/04/2026",
        ],
        ["Wrenfield ICB", "Kim Wu", "Designated Nurse", "Member", "1 April 2026"],
        ["", "Lee Fox", "Independent Chair", "Chair", "2026-04-01"],
    ]
    return xlsx(
        SheetSpec("Members", rows, above=[["Wrenfield partnership: who sits on the board"]])
    )


def attendance_record() -> bytes:
    """The board's own record of the main group's meetings this year: a
    column a meeting headed by its date, written several ways, and codes of
    its own for the four marks of its key."""
    rows = [
        ["Name", "Organisation", "14/05/2026", "9 July 2026", "17 Sep 2026", "12 Nov 2026"],
        ["Sam Patel", "Wrenfield Police", "✓", "Rep", "✓", "Apols"],
        ["Jo Green", "Wrenfield Council", "✓", "NC", "Apols", "✓"],
        ["Kim Wu", "Wrenfield ICB", "Rep", "Rep", "✓", "✓"],
        ["Lee Fox", "", "✓", "✓", "✓", "✓"],
    ]
    return xlsx(SheetSpec("2026-27", rows))


def tracker() -> bytes:
    """The board's own action tracker: its headings, a priority per
    workstream written out, and delivery and impact words of its own."""
    rows = [
        [
            "No.",
            "Workstream",
            "What we will do",
            "Owner",
            "By",
            "Delivery",
            "Difference",
            "Commentary",
            "Evidence",
        ],
        [
            "1.a",
            "Priority 1: Neglect",
            "Launch the neglect toolkit",
            "Head of Early Help",
            "31/01/2027",
            "On track",
            "Too early",
            "Toolkit drafted",
            "",
        ],
        [
            "1.b",
            "Priority 1: Neglect",
            "Audit repeat neglect referrals",
            "Police",
            "28/02/2027",
            "Off track",
            "Too early",
            "Audit team short-staffed",
            "",
        ],
        [
            "2.a",
            "Priority 2: Exploitation",
            "Train taxi drivers on exploitation",
            "Licensing",
            "30/11/2026",
            "Done",
            "Seen",
            "All drivers trained",
            "Referrals from drivers up",
        ],
        [
            "2.b",
            "Priority 2: Exploitation",
            "Map missing-from-home episodes",
            "Council",
            "31/03/2027",
            "Slipping",
            "Too early",
            "Data sharing agreement pending",
            "",
        ],
    ]
    return xlsx(SheetSpec("Tracker 2026-27", rows, above=[["WSCP business plan tracker"], []]))


def training_register() -> bytes:
    """The training unit's own register: a column Assure has no field for."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Course", "Date", "Mode", "Sessions", "Capacity", "Booked", "Attended", "DNA", "Trainer"]
    )
    writer.writerow(
        [
            "Neglect and the toolkit",
            "14/05/2026",
            "Face to face",
            "2",
            "40",
            "36",
            "30",
            "4",
            "A. Trainer",
        ]
    )
    writer.writerow(
        [
            "Exploitation: spotting the signs",
            "09/09/2026",
            "Virtual classroom",
            "3",
            "60",
            "45",
            "42",
            "3",
            "B. Trainer",
        ]
    )
    return out.getvalue().encode()


def test_a_new_partnership_sets_itself_up_from_its_own_spreadsheets_and_published_statistics(
    on_the_day, page, browser, live_server, sign_in, smtp_server, settings
):
    settings.ASSURE_SITE_URL = live_server.url
    assert not Board.objects.exists()
    assert not Agency.objects.exists()
    UserFactory(username="admin", first_name="Ada", last_name="Admin", role=roles.ADMIN)
    assert get_user_model().objects.count() == 1
    assert not get_user_model().objects.filter(is_superuser=True).exists()

    # --- The Admin adds the board and invites its business manager. ---------
    sign_in("admin")
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Add a board").click()
    page.get_by_label("Name", exact=True).fill(BOARD)
    page.get_by_label("Short name").fill("WSCP")
    page.get_by_label("Area").fill(AREA.name)
    page.get_by_label("Kind").select_option(label="Safeguarding children partnership")
    check_accessibility(page)
    page.get_by_role("button", name="Add board").click()
    board = Board.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text("People on this board")
    page.get_by_role("link", name="Invite someone new").click()
    page.get_by_label("Full name").fill("Pat Manager")
    page.get_by_label("Email address").fill(MANAGER_EMAIL)
    page.get_by_label("Business manager").check()
    check_accessibility(page)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text(f"Invitation sent to {MANAGER_EMAIL}")).to_be_visible()
    [(_, recipients, email)] = smtp_server.received
    assert recipients == [MANAGER_EMAIL]
    link = re.search(r"(http://\S+/invitations/\S+/)", email.get_content()).group(1)
    page.get_by_role("button", name="Sign out").click()

    # --- The business manager accepts: a password and an authenticator app. --
    page.goto(link)
    page.get_by_label("Password", exact=True).fill(MANAGER_PASSWORD)
    page.get_by_label("Confirm password").fill(MANAGER_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    key = page.locator("#setup-key").inner_text()
    page.get_by_label("Code from your authenticator app").fill(code_from_key(key))
    page.get_by_role("button", name="Finish setting up").click()
    page.get_by_role("button", name="I have kept my recovery codes").click()
    manager = get_user_model().objects.get(email=MANAGER_EMAIL)
    assert not manager.is_superuser
    assert not manager.is_staff
    assert list(manager.groups.values_list("name", flat=True)) == [roles.BUSINESS_MANAGER]

    setup_url = f"{live_server.url}/boards/{board.slug}/setup/"
    page.goto(setup_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Set up {board.name}")
    check_accessibility(page)

    # --- This reporting year, and the board's main group. ---------------------
    page.get_by_role("link", name="Start this reporting year").click()
    page.get_by_role("button", name="Add a reporting year").click()
    page.get_by_label("Year it starts").fill("2026")
    page.get_by_role("button", name="Add reporting year").click()
    expect(page.get_by_role("row", name=re.compile("^2026-27"))).to_be_visible()

    page.goto(setup_url)
    page.get_by_role("link", name="Add the board's groups").click()
    page.get_by_label("Name", exact=True).fill("Partnership board")
    page.get_by_label("Kind").select_option(label="Strategic board")
    page.get_by_role("button", name="Save group").click()
    page.get_by_role("button", name="Make Partnership board the main group").click()
    expect(page.get_by_text("Partnership board is now the main group")).to_be_visible()

    # --- The board's own attendance key: four marks, Apologies not counted. -----
    page.goto(f"{live_server.url}/boards/{board.slug}/meetings/")
    page.get_by_role("link", name="Attendance key").first.click()
    expect(page.get_by_text("This board uses the default key.")).to_be_visible()
    # The default key's marks go once the board's own can stand in for them
    # (a key always keeps a mark that counts as present).
    add_mark(page, "P", "Member attended", present=True, counted=True)
    add_mark(page, "R", "Representative attended", present=True, counted=True)
    key_table = page.locator("#attendance-key")
    for name in (
        "1 (Attended)",
        "D (Deputy attended)",
        "A (Apologies)",
        "0 (Absent)",
        "n/a (Not yet a member)",
    ):
        key_table.get_by_role("link", name=f"Delete {name}").click()
        page.get_by_role("button", name="Delete mark").click()
        expect(page.get_by_text(f"Mark {name} deleted.")).to_be_visible()
    add_mark(page, "AP", "Apologies", present=False, counted=False)
    add_mark(page, "X", "No cover sent", present=False, counted=True)
    expect(key_table.get_by_role("row")).to_have_count(5)  # a heading row and four marks
    check_accessibility(page)

    # --- Agencies and seats from the board's own membership list. ---------------
    page.goto(setup_url)
    page.get_by_role(
        "link", name="import seats and their agencies from the board's own membership list"
    ).click()
    expect(page.get_by_role("heading", name="Import seats from a spreadsheet")).to_be_visible()
    upload(page, "Spreadsheet", "members.xlsx", membership_list())
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_label("Which row holds the column headings?")).to_have_value("2")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Say what each column holds")).to_be_visible()
    expect(page.get_by_label("Column A: Organisation")).to_have_value("agency")
    page.get_by_label("A group every seat in the file sits on (optional)").select_option(
        label="Partnership board"
    )
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Say what each word means")).to_be_visible()
    agencies = page.locator("#words-agency")
    agencies.get_by_label("Wrenfield Police").select_option(label="A new agency (police)")
    agencies.get_by_label("Wrenfield Council").select_option(label="A new agency (local authority)")
    agencies.get_by_label("Wrenfield ICB").select_option(label="A new agency (health)")
    check_accessibility(page)
    page.get_by_role("button", name="Continue to the preview").click()
    expect(page.locator("#import-summary")).to_contain_text("Nothing has been saved yet")
    check_accessibility(page)
    assert not Member.objects.exists()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text(re.compile("^Imported members.xlsx: 4 seats added"))).to_be_visible()
    assert set(Agency.objects.values_list("name", "sector")) == {
        ("Wrenfield Police", "police"),
        ("Wrenfield Council", "local-authority"),
        ("Wrenfield ICB", "health"),
    }
    check_accessibility(page)

    # --- The main group's meetings so far this year, from the board's own record. --
    page.goto(setup_url)
    page.get_by_role(
        "link", name="import an attendance record of the main group's meetings"
    ).click()
    expect(page.get_by_role("heading", name="Import an attendance record")).to_be_visible()
    upload(page, "Spreadsheet", "attendance.xlsx", attendance_record())
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", name="Say what each column holds")).to_be_visible()
    expect(page.get_by_label("Column C: 14/05/2026")).to_have_value("meeting")
    expect(page.get_by_label("Column F: 12 Nov 2026")).to_have_value("meeting")
    expect(page.get_by_label("Whose meetings does the file record?")).to_have_value(
        "partnership-board"
    )
    check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Say what each word means")).to_be_visible()
    codes = page.locator("#words-meeting")
    for code, mark in (
        ("✓", "P: Member attended"),
        ("Rep", "R: Representative attended"),
        ("Apols", "AP: Apologies"),
        ("NC", "X: No cover sent"),
    ):
        codes.get_by_label(code, exact=True).select_option(label=mark)
    check_accessibility(page)
    page.get_by_role("button", name="Continue to the preview").click()
    expect(page.locator("#import-summary")).to_contain_text(
        "4 meetings will be added: 14 May 2026, 9 July 2026, 17 September 2026, 12 November 2026."
    )
    check_accessibility(page)
    page.get_by_role("button", name="Confirm and import").click()
    expect(
        page.get_by_text(re.compile("^Imported attendance.xlsx: 16 marks recorded at 4 meetings"))
    ).to_be_visible()
    matrix = page.locator("#attendance-matrix")
    # Apologies do not count towards the percentage in this board's key.
    jo = matrix.locator("tr", has_text="Jo Green")
    expect(jo.locator("[data-column=percent]")).to_have_text("67%")
    sam = matrix.locator("tr", has_text="Sam Patel")
    expect(sam.locator("[data-column=percent]")).to_have_text("100%")
    expect(sam).to_contain_text("AP")
    expect(page.locator("#attendance-legend")).to_contain_text("No cover sent")
    check_accessibility(page)

    # --- The business plan with its period, its actions from the tracker. ----------
    page.goto(setup_url)
    page.get_by_role("link", name="Add the business plan in force").click()
    page.get_by_label("Title").fill("Business plan 2026-27")
    page.get_by_label("Business plan", exact=True).check()
    page.get_by_label("Period as written").fill("2026-27")
    fill_date(page, "Start of the period", 1, 4, 2026)
    fill_date(page, "End of the period", 31, 3, 2027)
    check_accessibility(page)
    page.get_by_role("button", name="Add plan").click()
    expect(page.locator("#plan-status")).to_contain_text("In force")

    page.goto(setup_url)
    page.get_by_role("link", name="import them from the board's own action tracker").click()
    upload(page, "Spreadsheet", "tracker.xlsx", tracker())
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_label("Which row holds the column headings?")).to_have_value("3")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Column B: Workstream").select_option(label="Priority")
    page.get_by_label("Column E: By").select_option(label="Due date")
    page.get_by_label("Column F: Delivery").select_option(label="Process rating")
    page.get_by_label("Column G: Difference").select_option(label="Impact rating")
    page.get_by_label("Column H: Commentary").select_option(label="Commentary")
    page.get_by_label("Column I: Evidence").select_option(label="Evidence")
    page.get_by_label("Which action plan is this the tracker of?").select_option(
        value="business-plan-2026-27"
    )
    fill_date(page, "The ratings in this file are as at", 30, 11, 2026)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Say what each word means")).to_be_visible()
    process = page.locator("#words-process")
    for word, meaning in (
        ("On track", "Green"),
        ("Off track", "Red"),
        ("Done", "Blue (completed)"),
        ("Slipping", "Amber"),
    ):
        process.get_by_label(word).select_option(label=meaning)
    impact = page.locator("#words-impact")
    impact.get_by_label("Too early").select_option(label="Grey (not started)")
    impact.get_by_label("Seen").select_option(label="Green")
    page.get_by_role("button", name="Continue to the preview").click()
    expect(page.locator("#import-summary")).to_contain_text(
        "Nothing has been saved yet. This import would add 4 actions"
    )
    check_accessibility(page)
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text(re.compile("^Imported tracker.xlsx: 4 actions added"))).to_be_visible()
    check_accessibility(page)

    # --- A training year: courses with sessions and capacity. ----------------------
    page.goto(f"{live_server.url}/boards/{board.slug}/training/")
    page.get_by_role("link", name="Import from a spreadsheet").click()
    upload(page, "Spreadsheet", "register.csv", training_register(), "text/csv")
    page.get_by_role("button", name="Check the file").click()
    page.get_by_label("Column I: Trainer").select_option(label="Ignore this column")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#import-summary")).to_contain_text("Nothing has been saved yet")
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text(re.compile("^Imported register.csv: 2 courses"))).to_be_visible()
    expect(page.get_by_role("heading", name="Training courses 2026-27")).to_be_visible()
    courses = page.locator("#courses")
    expect(courses.get_by_role("row", name=re.compile("Neglect"))).to_contain_text("90%")
    expect(courses.get_by_role("row", name=re.compile("Exploitation"))).to_contain_text("75%")
    check_accessibility(page)
    assert sorted(TrainingCourse.objects.values_list("sessions", "places_offered")) == [
        (2, 40),
        (3, 60),
    ]

    # --- The scorecard: two indicators, the neighbour model, the statistics file. ----
    page.goto(setup_url)
    page.get_by_role("link", name="Add the scorecard's indicators").click()
    page.get_by_label("Short code").fill("referrals")
    page.get_by_label("Name", exact=True).fill("Referrals to children's social care")
    page.get_by_label("Count").check()
    page.get_by_label("Neither (watched, not judged)").check()
    page.get_by_label("The priority it serves").select_option(
        label="Business plan 2026-27: priority 1, Neglect"
    )
    page.get_by_label("Published statistic").check()
    page.get_by_label("Published measure (optional)").fill("referrals")
    page.get_by_role("button", name="Save indicator").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals to children's social care")
    page.goto(f"{live_server.url}/boards/{board.slug}/indicators/new/")
    page.get_by_label("Short code").fill("referral-rate")
    page.get_by_label("Name", exact=True).fill("Referrals per 10,000 children")
    page.get_by_label("Rate per 10,000 children").check()
    page.get_by_label("Lower is better").check()
    page.get_by_label("The priority it serves").select_option(
        label="Business plan 2026-27: priority 2, Exploitation"
    )
    page.get_by_label("Published statistic").check()
    page.get_by_label("Published measure (optional)").fill("referrals_rate")
    page.get_by_label("Target (optional)").fill("500")
    page.get_by_role("button", name="Save indicator").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals per 10,000 children")
    # This year's target, lower than the standing one the plan states.
    page.get_by_role("button", name="Add a target for a year").click()
    page.get_by_label("Reporting year").select_option("2026-27")
    page.get_by_label("Target", exact=True).fill("450")
    page.get_by_label("Tolerance (optional)").fill("10")
    page.get_by_role("button", name="Save target").click()
    targets = page.locator("#targets-by-year")
    expect(targets.get_by_role("row", name=re.compile("^2026-27"))).to_contain_text("450")
    check_accessibility(page)

    page.goto(f"{live_server.url}/boards/{board.slug}/indicators/import/")
    page.get_by_role("link", name="neighbour list").click()
    expect(page.get_by_label("The board's local authority in the model")).to_have_value(AREA.name)
    upload(page, "Statistical neighbours file", "sn_model.csv", MODEL, "text/csv")
    page.get_by_role("button", name="Save the list").click()
    expect(page.get_by_text("The board's 10 statistical neighbours are saved.")).to_be_visible()
    check_accessibility(page)

    assert STATISTICS.count(b"\n") > 2000
    page.goto(f"{live_server.url}/boards/{board.slug}/indicators/import/")
    upload(page, "Published statistics file", "cin.csv", STATISTICS, "text/csv")
    page.get_by_label("Publication").fill("Children in need (synthetic, generated)")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="Choose what to import")).to_be_visible()
    expect(page.get_by_label("Local authority")).to_have_value(AREA.new_code)
    expect(page.get_by_label("Column “referrals”")).to_have_value("referrals")
    expect(page.get_by_label("Column “referrals_rate”")).to_have_value("referral-rate")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_text("Nothing has been saved yet.")).to_be_visible()
    expect(page.locator("#suppressed")).to_contain_text("Suppressed cells, kept as their markers")
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator("#import-outcome")).to_contain_text("figures recorded")
    check_accessibility(page)

    # --- What the board now sees. ---------------------------------------------------
    page.goto(setup_url)
    check_accessibility(page)
    missing = page.locator("#setup-missing > li")
    # What the story did not cover: no action lead was invited.
    expect(missing).to_have_count(1)
    expect(missing).to_have_attribute("data-item", "action-leads")

    nav = page.get_by_role("navigation", name="WSCP pages")
    nav.get_by_role("link", name="Chair's dashboard").click()
    expect(page.get_by_role("heading", name="Chair's dashboard")).to_be_visible()
    expect(page.locator("#as-of")).to_contain_text(
        "The strategic board last met on 12 November 2026 (Partnership board)."
    )
    # The tracker's "Off track" is red and "Slipping" amber.
    expect(page.locator("#summary")).to_contain_text("2 actions rated red or amber")
    expect(page.locator("#summary")).to_contain_text("0 actions overdue")
    plan = page.get_by_role("region", name="Business plan 2026-27", exact=True)
    expect(plan).to_contain_text("2 actions: 2 red or amber, 0 overdue")
    for listed in ("Audit repeat neglect referrals", "Map missing-from-home episodes"):
        expect(plan.get_by_role("row", name=re.compile(listed))).to_have_count(1)
    expect(plan.get_by_role("row", name=re.compile("Red"))).to_have_count(1)
    expect(plan.get_by_role("row", name=re.compile("Amber"))).to_have_count(1)
    expect(plan).not_to_contain_text("Launch the neglect toolkit")
    check_accessibility(page)

    nav.get_by_role("link", name="Scorecard", exact=True).click()
    expect(page.get_by_role("heading", name="Scorecard", exact=True)).to_be_visible()
    own, neighbours = figures(AREA, "referrals")
    row = page.locator("#scorecard-referrals")
    expect(row).to_contain_text(f"{int(own):,} (2023-24)")
    average = sum(neighbours) / len(neighbours)
    expect(row).to_contain_text(f"{average:,.1f} (average of {len(neighbours)} of 10 neighbours)")
    # The latest figure (2023-24) is rated against the standing target: only
    # 2026-27 has a target of its own.
    rate, _ = figures(AREA, "referrals_rate")
    rating = "On target" if rate <= 500 else "Off target"
    expect(page.locator("#scorecard-referral-rate")).to_contain_text(f"{rating} (500")
    check_accessibility(page)
    suppressed = IndicatorValue.objects.filter(indicator__code="referrals", value=None)
    assert suppressed.exclude(marker="").exists()


def figures(authority: published.Authority, measure: str) -> tuple[Decimal, list[Decimal]]:
    """The authority's latest figure of `measure` as the file gives it, and
    its neighbours' figures (those not suppressed), read from the files."""
    rows = [r for r in _rows() if r["time_period"] == LATEST]
    by_old = {r["old_la_code"]: r[measure] for r in rows if r["old_la_code"]}
    model = list(csv.reader(io.StringIO(MODEL.decode())))
    codes = next(r for r in model if len(r) > 1 and r[2] == authority.new_code)[3:13]
    own = next(r[measure] for r in rows if r["new_la_code"] == authority.new_code)
    found = [Decimal(by_old[c]) for c in codes if by_old[c] not in published.MARKERS]
    return Decimal(own), found
