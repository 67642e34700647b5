"""Journeys through the board pages, as the people who use them would go."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from board.models import Attendance
from core import roles
from tests.browser.conftest import PASSWORD, authenticator_for, check_accessibility, code_for
from tests.factories import MeetingFactory, MemberFactory, UserFactory


@pytest.fixture
def people(world):
    return {
        "manager": UserFactory(
            username="manager",
            first_name="Pat",
            last_name="Manager",
            role=roles.BUSINESS_MANAGER,
            boards=[world.board],
        ),
        "chair": UserFactory(
            username="chair", role=roles.INDEPENDENT_CHAIR, boards=[world.board, world.other_board]
        ),
        "partner": UserFactory(username="partner", role=roles.PARTNER, boards=[world.board]),
        "admin": UserFactory(username="admin", role=roles.ADMIN),
    }


def test_a_newcomer_opens_assure_and_signs_in_with_the_keyboard(
    page, live_server, people, world, csp_violations
):
    device = authenticator_for(people["manager"])
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Sign in to Assure")).to_be_visible()
    page.bring_to_front()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    check_accessibility(page)
    page.get_by_label("Username").focus()
    page.keyboard.type("manager")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Code from your authenticator app").focus()
    page.keyboard.type(code_for(device))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=world.board.name)).to_be_visible()
    expect(page.get_by_text("Signed in as Pat Manager")).to_be_visible()
    check_accessibility(page)


def test_a_wrong_password_is_explained(page, live_server, people, sign_in):
    sign_in("manager", "not the password")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: Sign in"))
    check_accessibility(page)


def test_a_manager_records_a_meetings_attendance_and_sees_the_matrix_change(
    page, live_server, people, world, sign_in
):
    deputy_seat = MemberFactory(
        board=world.board, groups=[world.group], position="Head of Safeguarding"
    )
    meeting = MeetingFactory(group=world.group, date=datetime.date(2016, 11, 17))
    sign_in("manager")
    page.get_by_role("link", name="Meetings", exact=True).click()
    matrix = page.locator("#attendance-matrix")
    seat_row = matrix.get_by_role("row", name=re.compile(deputy_seat.position))
    expect(seat_row.locator("[data-column=percent]")).to_have_text("–")
    check_accessibility(page)

    page.get_by_role("link", name="Record attendance for 17 November 2016").click()
    expect(
        page.get_by_role("heading", name="Record attendance for 17 November 2016")
    ).to_be_visible()
    check_accessibility(page)
    page.get_by_label(world.member.label).select_option("attended")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_role("link", name=f"Choose an attendance mark for {deputy_seat.label}.")
    ).to_be_visible()
    check_accessibility(page)

    page.get_by_label(deputy_seat.label).select_option("deputy")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved")).to_be_visible()
    expect(seat_row.locator("[data-column=held]")).to_have_text("1")
    expect(seat_row.locator("[data-column=percent]")).to_have_text("100%")
    member_row = matrix.get_by_role("row", name=re.compile(world.member.position))
    expect(member_row.locator("[data-column=attended]")).to_have_text("2")
    assert Attendance.objects.get(meeting=meeting, member=deputy_seat).status == "deputy"
    check_accessibility(page)


def test_a_partner_cannot_reach_any_edit_page(page, live_server, people, world, sign_in):
    sign_in("partner")
    expect(page.get_by_role("heading", name=world.board.name)).to_be_visible()
    expect(page.get_by_role("link", name="Meetings", exact=True)).to_have_count(0)
    check_accessibility(page)
    base = f"{live_server.url}/boards/{world.board.slug}"
    for path in (
        "/meetings/new/",
        f"/meetings/{world.meeting.pk}/attendance/",
        "/risks/new/",
        f"/risks/{world.risk.ref}/edit/",
        "/members/",
        "/budget/",
    ):
        response = page.goto(base + path)
        assert response.status == 404, path
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    check_accessibility(page)


def test_a_chair_reads_every_board_page_with_no_edit_controls(
    page, live_server, people, world, sign_in
):
    sign_in("chair")
    expect(page.get_by_role("heading", name="Your boards")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name=world.board.name).click()
    nav = page.get_by_role("navigation", name=f"{world.board.short_name} pages")
    for label in ("Members", "Meetings", "Budget", "Risk log"):
        nav.get_by_role("link", name=label, exact=True).click()
        # the new page marks its own link as current: the click has landed
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        expect(
            page.get_by_role("link", name=re.compile("^(Add a|Record attendance|Update this)"))
        ).to_have_count(0)
        check_accessibility(page)
    page.get_by_role("link", name=world.risk.ref).click()
    expect(page.get_by_role("heading", name=re.compile(world.risk.title))).to_be_visible()
    check_accessibility(page)


def test_every_edit_page_passes_axe_for_a_manager(page, live_server, people, world, sign_in):
    sign_in("manager")
    base = f"{live_server.url}/boards/{world.board.slug}"
    for path in (
        "/meetings/new/",
        "/risks/new/",
        f"/risks/{world.risk.ref}/edit/",
        "/members/?role=lay-member",
    ):
        page.goto(base + path)
        check_accessibility(page)
    page.goto(base + "/risks/new/")
    page.get_by_role("button", name="Save risk").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check_accessibility(page)


def test_the_board_switcher_moves_between_boards(page, live_server, people, world, sign_in):
    sign_in("chair")
    page.get_by_role("link", name=world.board.name).click()
    page.get_by_label("Board").select_option(world.other_board.slug)
    expect(page.get_by_role("heading", name=world.other_board.name)).to_be_visible()


def test_the_accessibility_statement_is_linked_from_every_page(page, live_server, people):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", name="Accessibility statement for Assure")).to_be_visible()
    check_accessibility(page)


def test_five_wrong_passwords_lock_the_account_and_the_page_says_so(
    page, live_server, people, world, sign_in
):
    for _ in range(5):
        sign_in("manager", "not the password")
    sign_in("manager")
    expect(page.get_by_role("heading", name="Your account is locked for 5 minutes")).to_be_visible()
    check_accessibility(page)


def test_another_boards_page_is_not_found_and_says_what_to_do(
    page, live_server, people, world, sign_in
):
    sign_in("manager")
    response = page.goto(f"{live_server.url}/boards/{world.other_board.slug}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    check_accessibility(page)


def test_a_manager_uploads_the_boards_logo_is_told_what_is_wrong_and_then_sees_it(
    page, live_server, people, world, sign_in, tmp_path, settings, csp_violations
):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path / "media"
    drawing = tmp_path / "logo.svg"
    drawing.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    picture = tmp_path / "logo.png"
    out = io.BytesIO()
    Image.new("RGB", (240, 80), (29, 112, 184)).save(out, format="PNG")
    picture.write_bytes(out.getvalue())
    sign_in("manager")
    page.goto(f"{live_server.url}/boards/{world.board.slug}/")
    page.get_by_role("link", name="Add the board's logo").click()
    expect(page.get_by_role("heading", name="Logo", exact=True)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Logo").set_input_files(str(drawing))
    page.get_by_role("button", name="Upload logo").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("not an SVG drawing"))).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Logo").set_input_files(str(picture))
    page.get_by_role("button", name="Upload logo").click()
    expect(page.get_by_text("Logo saved.")).to_be_visible()
    logo = page.get_by_role("img", name=f"{world.board.name} logo")
    expect(logo).to_be_visible()
    assert logo.evaluate("image => image.naturalWidth") == 240
    check_accessibility(page)
