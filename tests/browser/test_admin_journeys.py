"""The Admin managing people in the Django admin, as they would go, with every
admin page they use checked with axe like the rest of Assure."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from board.models import BoardAccess
from core import roles
from tests.browser.conftest import PASSWORD, check_accessibility
from tests.factories import UserFactory


@pytest.fixture
def people(world):
    return {
        "admin": UserFactory(
            username="admin", first_name="Ada", last_name="Admin", role=roles.ADMIN
        ),
        "partner": UserFactory(
            username="partner",
            first_name="Priya",
            last_name="Partner",
            role=roles.PARTNER,
            boards=[world.board],
        ),
        "root": User.objects.create_superuser("root", "root@example.org", PASSWORD),
    }


def test_an_admin_finds_people_by_role_and_board(page, live_server, people, world, sign_in):
    sign_in("admin")
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("heading", name="Select user to change")).to_be_visible()
    expect(page.get_by_role("link", name="root", exact=True)).to_be_visible()
    check_accessibility(page)

    filters = page.locator("#changelist-filter")
    filters.get_by_role("link", name=roles.PARTNER, exact=True).click()
    expect(page).to_have_url(re.compile(r"groups__id__exact=\d+"))
    results = page.locator("#result_list")
    expect(results.get_by_role("link", name="partner", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="admin", exact=True)).to_have_count(0)
    check_accessibility(page)

    filters.get_by_role("link", name=world.board.name, exact=True).click()
    expect(results.get_by_role("row")).to_have_count(2)  # the header and the partner
    check_accessibility(page)
    box = filters.get_by_role("link", name=roles.ADMIN, exact=True).bounding_box()
    assert box is not None
    assert box["height"] >= 24


def test_an_admin_gives_a_person_another_board_and_cannot_give_a_second_role(
    page, live_server, people, world, sign_in
):
    partner = people["partner"]
    sign_in("admin")
    page.goto(f"{live_server.url}/admin/auth/user/{partner.pk}/change/")
    expect(page.get_by_role("heading", name="Change user")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Add another Board this person may see").click()
    boards = page.get_by_role("combobox", name="Board", exact=True)
    expect(boards).to_have_count(2)
    boards.last.select_option(label=str(world.other_board))
    page.get_by_label(roles.INDEPENDENT_CHAIR, exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(
        page.get_by_text(
            "Choose one role only: a person has exactly one role "
            "(you chose Independent chair and Partner)."
        )
    ).to_be_visible()
    check_accessibility(page)
    assert list(partner.boards.all()) == [world.board]

    page.get_by_label(roles.PARTNER, exact=True).uncheck()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    check_accessibility(page)
    assert list(partner.groups.values_list("name", flat=True)) == [roles.INDEPENDENT_CHAIR]
    assert set(partner.boards.all()) == {world.board, world.other_board}
    assert BoardAccess.history.filter(
        user_id=partner.pk, board_id=world.other_board.pk, history_user=people["admin"]
    ).exists()


def test_an_admin_gives_a_person_without_a_role_their_role(page, live_server, people, sign_in):
    """People get accounts by invitation, so the Admin adds nobody here; a
    person a superuser added without a role is given exactly one."""
    sam = UserFactory(username="sam", first_name="Sam", last_name="Shah")
    sign_in("admin")
    page.goto(f"{live_server.url}/admin/auth/user/")
    expect(page.get_by_role("link", name="sam", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Add user")).to_have_count(0)
    check_accessibility(page)
    page.get_by_role("link", name="sam", exact=True).click()
    expect(page.get_by_role("heading", name="Change user")).to_be_visible()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Choose a role: a person has exactly one role.")).to_be_visible()
    check_accessibility(page)
    page.get_by_label(roles.BUSINESS_MANAGER, exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    sam.refresh_from_db()
    assert list(sam.groups.values_list("name", flat=True)) == [roles.BUSINESS_MANAGER]
    assert not sam.is_staff
    response = page.goto(f"{live_server.url}/admin/auth/user/add/")
    assert response is not None
    assert response.status == 403


def test_an_admin_sees_a_superuser_but_cannot_change_them(page, live_server, people, sign_in):
    root = people["root"]
    sign_in("admin")
    page.goto(f"{live_server.url}/admin/auth/user/{root.pk}/change/")
    expect(page.get_by_role("heading", name="View user")).to_be_visible()
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    content = page.locator("#content")
    expect(content.get_by_role("button", name="Reset password")).to_have_count(0)
    expect(content.get_by_role("link", name=re.compile("password", re.IGNORECASE))).to_have_count(0)
    check_accessibility(page)
    response = page.goto(f"{live_server.url}/admin/auth/user/{root.pk}/password/")
    assert response is not None
    assert response.status == 403


def test_the_board_access_list_and_a_members_page_pass_axe(
    page, live_server, people, world, sign_in
):
    sign_in("admin")
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Board access", exact=True).click()
    expect(page.locator("#result_list")).to_contain_text("partner")
    check_accessibility(page)
    page.goto(f"{live_server.url}/admin/board/member/{world.member.pk}/change/")
    expect(page.locator("#content h1")).to_have_text(re.compile(r"^(View|Change) member$"))
    check_accessibility(page)
