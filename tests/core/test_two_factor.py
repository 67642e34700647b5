"""Two-factor sign-in: set-up with a QR code and recovery codes, the code step,
its lockout, and the roles that must use it.

These tests sign in through the password form, as a person does, so they see
the code step; the shared force_login (tests/conftest.py) skips it."""

from __future__ import annotations

import base64
import datetime
import io
import re
import time

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from board.models import Risk
from core.two_factor import qr_code_svg
from tests.conftest import PASSWORD

CODE = reverse("core:two_factor_code")
SET_UP = reverse("core:two_factor_set_up")
RECOVERY = reverse("core:two_factor_recovery_codes")


def code_for(device: TOTPDevice, at: float | None = None) -> str:
    """The code an authenticator app holding the device's key shows."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def authenticator_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def sign_in_with_password(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def board_url(world) -> str:
    return reverse("board:home", kwargs={"board": world.board.slug})


def errors_in(html: str) -> list[str]:
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert summary, "no error summary"
    return re.findall(r'<a href="#[^"]+">([^<]+)</a>', summary.group(1))


# Who must use a second factor ---------------------------------------------------


@pytest.fixture
def root(db):
    """A superuser without a role, made at the command line: the one kind of
    account that still sets up its authenticator app at its first sign-in
    (roles that need a code set theirs up by invitation; tests/people)."""
    from django.contrib.auth.models import User

    return User.objects.create_user("root", "root@example.org", PASSWORD, is_superuser=True)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["manager", "chair", "admin", "lead"])
def test_a_role_that_needs_a_code_but_has_no_app_is_stopped_at_the_password(name, world, users):
    response = Client().post(reverse("login"), {"username": name, "password": PASSWORD})
    assert response.status_code == 400
    assert errors_in(response.content.decode()) == [
        "Your account is not set up yet. Open the invitation link Assure emailed you, or ask "
        "your business manager or administrator to send you a new one"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["manager", "chair", "admin"])
def test_with_an_authenticator_the_same_roles_are_sent_from_a_board_page_to_the_code_step(
    name, world, users
):
    authenticator_for(users[name])
    client = sign_in_with_password(name)
    response = client.get(board_url(world))
    assert response.status_code == 302
    assert response["Location"] == f"{CODE}?next=%2Fboards%2Falpha%2F"


@pytest.mark.django_db
def test_an_admin_signed_in_with_only_a_password_cannot_open_the_django_admin(world, users):
    authenticator_for(users["admin"])
    client = sign_in_with_password("admin")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == f"{CODE}?next=%2Fadmin%2F"
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response["Location"] == f"{CODE}?next=%2Fadmin%2Fauth%2Fuser%2F"


@pytest.mark.django_db
@pytest.mark.parametrize(("superuser", "staff"), [(True, True), (True, False), (False, True)])
def test_a_superuser_or_staff_member_without_a_role_must_set_up_a_second_factor(
    superuser, staff, world
):
    from django.contrib.auth.models import User

    User.objects.create_user(
        "root", "root@example.org", PASSWORD, is_superuser=superuser, is_staff=staff
    )
    client = sign_in_with_password("root")
    response = client.get(reverse("admin:index"))
    assert response["Location"] == f"{SET_UP}?next=%2Fadmin%2F"
    assert client.get("/")["Location"] == f"{SET_UP}?next=%2F"


@pytest.mark.django_db
def test_a_post_while_unverified_is_refused_and_sent_to_the_code_step_without_a_next(world, users):
    authenticator_for(users["manager"])
    client = sign_in_with_password("manager")
    url = reverse("board:risk_create", kwargs={"board": world.board.slug})
    response = client.post(url, {"ref": "R2", "title": "Sneaked in"})
    assert response["Location"] == CODE
    assert not Risk.objects.filter(board=world.board, ref="R2").exists()


@pytest.mark.django_db
def test_a_partner_is_not_asked_for_a_code_but_may_set_one_up(world, users):
    client = sign_in_with_password("partner")
    page = client.get(board_url(world))
    assert page.status_code == 200
    assert f'href="{SET_UP}">Set up two-factor sign-in</a>' in page.content.decode()
    set_up = client.get(SET_UP).content.decode()
    assert "You can choose to sign in to Assure with a code" in set_up
    assert '<a class="govuk-link" href="/">Not now</a>' in set_up


@pytest.mark.django_db
def test_a_partner_who_set_up_an_authenticator_is_asked_for_a_code(world, users):
    authenticator_for(users["partner"])
    client = sign_in_with_password("partner")
    assert client.get(board_url(world))["Location"] == f"{CODE}?next=%2Fboards%2Falpha%2F"


@pytest.mark.django_db
def test_the_accessibility_statement_and_signing_out_need_no_code(world, users):
    authenticator_for(users["manager"])
    client = sign_in_with_password("manager")
    assert client.get(reverse("core:accessibility")).status_code == 200
    assert client.get(CODE).status_code == 200
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert client.get(board_url(world))["Location"].startswith(reverse("login"))


# Setting up an authenticator ----------------------------------------------------


@pytest.mark.django_db
def test_set_up_shows_a_qr_code_and_the_key_to_type_and_keeps_them_on_reload(world, users, root):
    client = sign_in_with_password("root")
    html = client.get(f"{SET_UP}?next=/boards/alpha/").content.decode()
    device = TOTPDevice.objects.get(user=root)
    assert not device.confirmed
    assert '<svg role="img" aria-label="QR code for setting up your authenticator app"' in html
    assert qr_code_svg(device) in html
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    shown = re.search(r'<code class="assure-secret" id="setup-key">([A-Z2-7 ]+)</code>', html)
    assert shown
    assert shown.group(1).replace(" ", "") == key
    assert "Your role lets you see case reviews or manage people" in html
    assert "Not now" not in html
    assert not re.search(r"\sstyle=|<style\b", html, re.I)
    again = client.get(SET_UP).content.decode()
    assert TOTPDevice.objects.filter(user=root).count() == 1
    assert shown.group(0) in again


def test_the_qr_code_holds_the_otpauth_address_and_no_style(db, users):
    device = TOTPDevice.objects.create(user=users["chair"], confirmed=False)
    svg = str(qr_code_svg(device))
    assert svg.startswith('<svg role="img" aria-label=')
    assert "style" not in svg.lower()
    assert device.config_url.startswith("otpauth://totp/Assure%3Achair?secret=")
    assert "issuer=Assure" in device.config_url


@pytest.mark.django_db
def test_set_up_with_a_right_code_gives_ten_recovery_codes_once_then_the_page_wanted(
    world, users, root
):
    client = sign_in_with_password("root")
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=root)
    response = client.post(SET_UP, {"code": code_for(device), "next": "/boards/alpha/"})
    assert response["Location"] == f"{RECOVERY}?next=%2Fboards%2Falpha%2F"
    device.refresh_from_db()
    assert device.confirmed

    page = client.get(response["Location"]).content.decode()
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    stored = StaticToken.objects.filter(device__user=root)
    assert len(shown) == 10
    assert sorted(shown) == sorted(stored.values_list("token", flat=True))
    assert "Assure will not show them again" in page
    assert '<input type="hidden" name="next" value="/boards/alpha/">' in page

    done = client.post(RECOVERY, {"next": "/boards/alpha/"})
    assert done["Location"] == "/boards/alpha/"
    assert client.get(board_url(world)).status_code == 200
    # Shown once: the page now sends the person on without the codes.
    assert client.get(RECOVERY)["Location"] == "/"


@pytest.mark.django_db
def test_set_up_refuses_a_wrong_code_and_says_what_to_do(world, users, root):
    client = sign_in_with_password("root")
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=root)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(SET_UP, {"code": wrong})
    assert response.status_code == 400
    assert errors_in(response.content.decode()) == [
        "The code is not right. Check the app shows Assure and your username, "
        "then enter the 6-digit code it shows now"
    ]
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=root).exists()
    assert client.get(board_url(world))["Location"].startswith(SET_UP)


@pytest.mark.django_db
def test_set_up_refuses_an_empty_code(world, users, root):
    client = sign_in_with_password("root")
    client.get(SET_UP)
    response = client.post(SET_UP, {"code": "  "})
    assert response.status_code == 400
    assert errors_in(response.content.decode()) == [
        "Enter the 6-digit code your authenticator app shows"
    ]


@pytest.mark.django_db
def test_a_person_with_an_authenticator_cannot_replace_it_from_the_set_up_page(world, users):
    authenticator_for(users["manager"])
    client = sign_in_with_password("manager")
    assert client.get(SET_UP)["Location"] == CODE
    assert TOTPDevice.objects.filter(user=users["manager"]).count() == 1


# The code step ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_code_step_uses_gov_uk_markup_for_a_one_time_code(world, users):
    authenticator_for(users["manager"])
    client = sign_in_with_password("manager")
    html = client.get(f"{CODE}?next=/boards/alpha/").content.decode()
    assert '<label class="govuk-label govuk-label--s" for="id_code">' in html
    assert "(optional)" not in html
    assert " required" not in html
    code_input = re.search(r'<input type="text" name="code"[^>]*>', html).group(0)
    assert 'autocomplete="one-time-code"' in code_input
    assert 'inputmode="numeric"' in code_input
    recovery_input = re.search(r'<input type="text" name="recovery_code"[^>]*>', html).group(0)
    assert 'inputmode="numeric"' not in recovery_input
    assert '<input type="hidden" name="next" value="/boards/alpha/">' in html


@pytest.mark.django_db
def test_the_code_step_accepts_the_code_the_app_shows_and_goes_to_the_page_wanted(world, users):
    device = authenticator_for(users["manager"])
    client = sign_in_with_password("manager")
    response = client.post(CODE, {"code": code_for(device), "next": "/boards/alpha/"})
    assert response["Location"] == "/boards/alpha/"
    assert client.get(board_url(world)).status_code == 200


@pytest.mark.django_db
def test_the_code_step_refuses_a_wrong_code_with_a_clear_error(world, users):
    device = authenticator_for(users["manager"])
    client = sign_in_with_password("manager")
    wrong = f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 400
    html = response.content.decode()
    assert errors_in(html) == [
        "The code is not right. Enter the 6-digit code your authenticator app shows now, "
        "or a recovery code you have not used before"
    ]
    assert '<a href="#id_code">' in html
    assert "<title>Error: Enter your sign-in code" in html
    assert client.get(board_url(world))["Location"].startswith(CODE)


@pytest.mark.django_db
def test_the_code_step_asks_for_a_code_when_none_is_given(world, users):
    authenticator_for(users["manager"])
    client = sign_in_with_password("manager")
    response = client.post(CODE, {"code": "", "recovery_code": ""})
    assert errors_in(response.content.decode()) == [
        "Enter the 6-digit code your authenticator app shows"
    ]


@pytest.mark.django_db
def test_a_code_already_used_is_refused(world, users):
    device = authenticator_for(users["manager"])
    code = code_for(device)
    first = sign_in_with_password("manager")
    assert first.post(CODE, {"code": code})["Location"] == "/"
    second = sign_in_with_password("manager")
    assert second.post(CODE, {"code": code}).status_code == 400


@pytest.mark.django_db
def test_a_recovery_code_works_once(world, users):
    authenticator_for(users["chair"])
    recovery = StaticDevice.objects.create(user=users["chair"], name="Recovery codes")
    recovery.token_set.create(token="abcd2345")
    recovery.token_set.create(token="wxyz6777")

    client = sign_in_with_password("chair")
    response = client.post(CODE, {"recovery_code": " ABCD-2345 ", "next": "/boards/alpha/"})
    assert response["Location"] == "/boards/alpha/"
    assert list(recovery.token_set.values_list("token", flat=True)) == ["wxyz6777"]

    again = sign_in_with_password("chair")
    refused = again.post(CODE, {"recovery_code": "abcd2345"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert '<a href="#id_recovery_code">' in html
    assert '<details class="govuk-details" open>' in html
    assert again.get(board_url(world))["Location"].startswith(CODE)


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_the_code_step_never_sends_a_person_to_another_site(target, world, users):
    device = authenticator_for(users["manager"])
    client = sign_in_with_password("manager")
    page = client.get(CODE, {"next": target}).content.decode()
    assert 'name="next"' not in page
    response = client.post(CODE, {"code": code_for(device), "next": target})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_set_up_and_recovery_codes_never_send_a_person_to_another_site(world, users, root):
    client = sign_in_with_password("root")
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=root)
    response = client.post(SET_UP, {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == RECOVERY
    done = client.post(RECOVERY, {"next": "https://evil.example/"})
    assert done["Location"] == "/"


# Lockout --------------------------------------------------------------------------


def wrong_code(device: TOTPDevice) -> str:
    now = time.time()
    near = {code_for(device, now + offset * device.step) for offset in (-2, -1, 0, 1, 2)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in near)


@pytest.mark.django_db
def test_wrong_codes_lock_the_account_and_sign_the_person_out(world, users):
    device = authenticator_for(users["manager"])
    client = sign_in_with_password("manager")
    for attempt in range(1, settings.AXES_FAILURE_LIMIT):
        response = client.post(CODE, {"code": wrong_code(device)})
        assert response.status_code == 400, attempt
    locked = client.post(CODE, {"code": wrong_code(device)})
    assert locked.status_code == 429
    assert "Your account is locked for 5 minutes" in locked.content.decode()
    # Signed out: the next page asks for the password again...
    assert client.get(board_url(world))["Location"].startswith(reverse("login"))
    # ...which the lockout refuses, even the right one.
    refused = Client().post(reverse("login"), {"username": "manager", "password": PASSWORD})
    assert refused.status_code == 429


@pytest.mark.django_db
def test_the_lockout_record_keeps_no_code_a_person_typed(world, users):
    from axes.models import AccessAttempt

    authenticator_for(users["manager"])
    client = sign_in_with_password("manager")
    client.post(CODE, {"code": "", "recovery_code": "zzzz9999"})
    attempt = AccessAttempt.objects.get(username="manager")
    assert attempt.failures_since_start == 1
    assert "zzzz9999" not in attempt.post_data
    assert "recovery_code=********************" in attempt.post_data


@pytest.mark.django_db
def test_one_wrong_code_fewer_than_the_limit_does_not_lock(world, users):
    device = authenticator_for(users["manager"])
    client = sign_in_with_password("manager")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(CODE, {"code": wrong_code(device)})
    device.throttle_reset()  # the device's own wait, tested below
    response = client.post(CODE, {"code": code_for(device)})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_a_locked_account_refuses_even_the_right_code(world, users):
    device = authenticator_for(users["manager"])
    client = sign_in_with_password("manager")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("login"), {"username": "manager", "password": "wrong password"})
    response = client.post(CODE, {"code": code_for(device)})
    assert response.status_code == 429
    assert "Your account is locked for 5 minutes" in response.content.decode()
    assert client.get(board_url(world))["Location"].startswith(reverse("login"))
    device.refresh_from_db()
    assert device.last_t == -1  # the code was never tried


@pytest.mark.django_db
def test_the_devices_own_wait_survives_signing_in_again(world, users):
    """Beside the lockout, the device's own wait, which doubles with each
    wrong code, carries over to a new sign-in."""
    device = authenticator_for(users["manager"])
    device.throttling_failure_count = 4
    device.throttling_failure_timestamp = timezone.now()
    device.save()
    client = sign_in_with_password("manager")
    response = client.post(CODE, {"code": code_for(device)})
    assert response.status_code == 400
    assert errors_in(response.content.decode()) == [
        "You entered a wrong code a moment ago. Wait 8 seconds, "
        "then enter the code your authenticator app shows now"
    ]
    device.throttling_failure_timestamp = timezone.now() - datetime.timedelta(seconds=9)
    device.save()
    assert client.post(CODE, {"code": code_for(device)})["Location"] == "/"


# The local command -----------------------------------------------------------------


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_local_command_prints_the_code_the_app_would_show(world, users):
    device = authenticator_for(users["manager"])
    out = io.StringIO()
    call_command("sign_in_code", "manager", stdout=out)
    code = re.search(r"Sign-in code for manager: (\d{6})", out.getvalue()).group(1)
    client = sign_in_with_password("manager")
    assert client.post(CODE, {"code": code})["Location"] == "/"
    device.refresh_from_db()
    # Used once, the command gives the next code, which is accepted too.
    out = io.StringIO()
    call_command("sign_in_code", "manager", stdout=out)
    following = re.search(r"Sign-in code for manager: (\d{6})", out.getvalue()).group(1)
    assert following != code
    assert sign_in_with_password("manager").post(CODE, {"code": following})["Location"] == "/"


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_local_command_gives_the_code_that_finishes_set_up(world, users, root):
    client = sign_in_with_password("root")
    client.get(SET_UP)
    out = io.StringIO()
    call_command("sign_in_code", "root", stdout=out)
    assert "to finish setting up" in out.getvalue()
    code = re.search(r"(\d{6})", out.getvalue()).group(1)
    assert client.post(SET_UP, {"code": code})["Location"] == RECOVERY


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_local_command_explains_when_there_is_nothing_to_give(world, users):
    with pytest.raises(CommandError, match="chair has no authenticator yet"):
        call_command("sign_in_code", "chair")
    with pytest.raises(CommandError, match="No account called nobody"):
        call_command("sign_in_code", "nobody")


@pytest.mark.django_db
def test_the_local_command_refuses_when_debug_is_off(world, users):
    authenticator_for(users["manager"])
    out = io.StringIO()
    with pytest.raises(CommandError, match="only for trying Assure on your own machine"):
        call_command("sign_in_code", "manager", stdout=out)
    assert out.getvalue() == ""


@pytest.mark.django_db
def test_the_local_accounts_command_says_how_to_get_a_sign_in_code(world, settings, tmp_path):
    settings.DEBUG = True
    settings.BASE_DIR = tmp_path
    for _ in range(2):  # creating the accounts, then finding them there already
        out = io.StringIO()
        call_command("create_local_accounts", stdout=out)
        assert "manage.py sign_in_code <username>" in out.getvalue()


@pytest.mark.django_db
def test_a_right_password_gives_no_fresh_guesses_at_the_code(world, users):
    """Someone who knows the password cannot sign in again between wrong codes
    to clear the count: only a finished sign-in clears it."""
    device = authenticator_for(users["manager"])
    client = sign_in_with_password("manager")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(CODE, {"code": wrong_code(device)})
    again = sign_in_with_password("manager")
    device.throttle_reset()  # the device's own wait is a separate guard
    locked = again.post(CODE, {"code": wrong_code(device)})
    assert locked.status_code == 429
    assert (
        Client().post(reverse("login"), {"username": "manager", "password": PASSWORD}).status_code
        == 429
    )


@pytest.mark.django_db
def test_a_finished_sign_in_clears_the_failed_attempts(world, users):
    from axes.models import AccessAttempt

    device = authenticator_for(users["manager"])
    client = sign_in_with_password("manager")
    client.post(CODE, {"code": wrong_code(device)})
    assert AccessAttempt.objects.filter(username="manager").exists()
    device.throttle_reset()
    assert client.post(CODE, {"code": code_for(device)}).status_code == 302
    assert not AccessAttempt.objects.filter(username="manager").exists()


@pytest.mark.django_db
def test_a_partners_right_password_clears_their_wrong_ones(world, users):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        Client().post(reverse("login"), {"username": "partner", "password": "wrong password"})
    sign_in_with_password("partner")
    assert not AccessAttempt.objects.filter(username="partner").exists()
