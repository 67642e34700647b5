"""Two-factor sign-in as people meet it: setting up an authenticator on a first
sign-in, and signing in with a recovery code, with the keyboard."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from playwright.sync_api import expect

from core import roles
from tests.browser.conftest import PASSWORD, authenticator_for, check_accessibility
from tests.factories import UserFactory


@pytest.fixture
def chair(world):
    return UserFactory(
        username="chair",
        first_name="Sam",
        last_name="Chair",
        role=roles.INDEPENDENT_CHAIR,
        boards=[world.board],
    )


def code_from_key(key_as_shown: str) -> str:
    """What an authenticator app shows after a person types the set-up key."""
    key = key_as_shown.replace(" ", "")
    key_bytes = base64.b32decode(key + "=" * (-len(key) % 8))
    totp = TOTP(key_bytes)
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.fixture
def root(world):
    """A superuser without a role, made at the command line: the one account
    that still sets up its app at its first visit (roles set theirs up by
    invitation: test_invitation_journeys)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        "root", "root@example.org", PASSWORD, is_superuser=True, first_name="Sam", last_name="Root"
    )


def test_a_superuser_sets_up_two_factor_sign_in_on_their_first_visit(
    page, live_server, world, root
):
    page.goto(f"{live_server.url}/boards/{world.board.slug}/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code for setting up your authenticator app")
    ).to_be_visible()
    key = page.locator("#setup-key").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", key), key
    check_accessibility(page)

    page.get_by_label("Code from your authenticator app").fill("000000")
    if code_from_key(key) == "000000":  # one chance in a million
        page.get_by_label("Code from your authenticator app").fill("000001")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: Set up two-factor sign-in"))
    check_accessibility(page)

    # The wrong code makes the device wait a second before the next one.
    time.sleep(1.1)
    page.get_by_label("Code from your authenticator app").fill(code_from_key(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Keep your recovery codes")).to_be_visible()
    codes = page.locator(".assure-recovery-codes li")
    expect(codes).to_have_count(10)
    expect(page.get_by_text("Assure will not show them again")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="I have kept my recovery codes").click()
    expect(page.get_by_role("heading", name=world.board.name)).to_be_visible()
    expect(page.get_by_text("Signed in as Sam Root")).to_be_visible()
    expect(page.get_by_role("link", name="Set up two-factor sign-in")).to_have_count(0)


def test_a_manager_without_their_phone_signs_in_with_a_recovery_code_by_keyboard(
    page, live_server, world, chair
):
    authenticator_for(chair)
    recovery = StaticDevice.objects.create(user=chair, name="Recovery codes")
    recovery.token_set.create(token="abcd2345")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("chair")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()

    page.get_by_label("Code from your authenticator app").press("Enter")
    expect(page.get_by_role("link", name="Enter the 6-digit code")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Code from your authenticator app").focus()
    page.keyboard.press("Tab")
    expect(page.locator("summary", has_text="I cannot use my authenticator app")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Recovery code")).to_be_focused()
    page.keyboard.type("abcd2345")
    page.keyboard.press("Enter")
    # A chair with one board lands on that board's dashboard.
    expect(page.get_by_role("heading", name="Chair's dashboard", level=1)).to_be_visible()
    expect(page.get_by_text(world.board.name).first).to_be_visible()
    assert not recovery.token_set.exists()


def test_a_partner_may_set_up_two_factor_sign_in_from_any_page(page, live_server, world, sign_in):
    UserFactory(username="partner", role=roles.PARTNER, boards=[world.board])
    sign_in("partner")
    expect(page.get_by_role("heading", name=world.board.name)).to_be_visible()
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_text("You can choose to sign in to Assure with a code")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Not now").click()
    expect(page.get_by_role("heading", name=world.board.name)).to_be_visible()
