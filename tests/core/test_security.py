"""The security baseline: deploy checks, headers, CSP, hashing, throttling."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from config.env import env_bool, env_int, env_list
from core.checks import check_content_security_policy

ROOT = Path(settings.BASE_DIR)


#: Variables the test settings put in the environment, kept from subprocesses
#: that stand for production.
TEST_ONLY = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "ASSURE_SITE_URL",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-key-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="assure.example.org",
        ASSURE_SITE_URL="https://assure.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_without_the_site_address():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-key-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="assure.example.org",
    )
    assert result.returncode != 0
    assert "ASSURE_SITE_URL is not set" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("EMAIL_PORT", "70000", "EMAIL_PORT must be a whole number from 1 to 65535"),
        ("EMAIL_SECURITY", "ssl", "EMAIL_SECURITY must be one of starttls, tls, none"),
        ("EMAIL_DELIVERY", "pigeon", "EMAIL_DELIVERY must be one of smtp, file, console"),
        ("EMAIL_SENDER", "not an address", "EMAIL_SENDER must be an email address"),
        ("ASSURE_SITE_URL", "assure.example.org/path", "ASSURE_SITE_URL must be the address"),
        ("ASSURE_INVITATION_DAYS", "0", "ASSURE_INVITATION_DAYS must be a whole number from 1"),
        ("EMAIL_HOST_USER", "assure", "Set both EMAIL_HOST_USER and EMAIL_HOST_PASSWORD"),
    ],
)
def test_a_bad_email_setting_stops_assure_and_names_the_variable(variable, value, says):
    result = manage("check", DEBUG="0", **{variable: value})
    assert result.returncode != 0
    assert says in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["-c", "import config.wsgi"],
        ["-c", "import config.asgi"],
        ["manage.py", "runserver", "--noreload", "127.0.0.1:8765"],
    ],
)
def test_assure_refuses_to_serve_without_a_secret_key_when_debug_is_off(command):
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    result = subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "x",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_deploy_check_fails_without_a_secret_key():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        ALLOWED_HOSTS="assure.example.org",
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_offline_commands_run_without_a_secret_key():
    result = manage("makemigrations", "--check", "--dry-run", DEBUG="0")
    assert result.returncode == 0, result.stderr


def test_a_bad_boolean_in_the_environment_is_refused_loudly(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be one of"):
        env_bool("DEBUG", default=False)


def test_a_bad_number_in_the_environment_is_refused_loudly(monkeypatch):
    monkeypatch.setenv("AXES_FAILURE_LIMIT", "five")
    with pytest.raises(ImproperlyConfigured, match="AXES_FAILURE_LIMIT must be a whole number"):
        env_int("AXES_FAILURE_LIMIT", 5)


def test_lists_in_the_environment_drop_blank_items(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, ,b.example,")
    assert env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_the_csp_check_fails_without_a_policy():
    with override_settings(SECURE_CSP={}):
        assert [e.id for e in check_content_security_policy(None)] == ["assure.E001"]


def test_the_csp_check_fails_when_inline_script_is_allowed():
    policy = {**settings.SECURE_CSP, "script-src": ["'self'", "'unsafe-inline'"]}
    with override_settings(SECURE_CSP=policy):
        assert [e.id for e in check_content_security_policy(None)] == ["assure.E003"]


def test_the_csp_check_passes_on_assures_own_policy():
    assert check_content_security_policy(None) == []


def test_argon2_is_the_first_password_hasher_in_production():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])",
        DEBUG="0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="assure.example.org",
    )
    assert result.stdout.strip().endswith("Argon2PasswordHasher"), result.stderr


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(client):
    response = client.get(reverse("login"), secure=True)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "max-age=31536000" in response["Strict-Transport-Security"]


def with_an_authenticator(user) -> None:
    """A manager signs in with a password only once their app is set up
    (by invitation); the code step follows."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_http_only(client, users):
    with_an_authenticator(users["manager"])
    client.post(
        reverse("login"), {"username": "manager", "password": "correct horse battery staple"}
    )
    assert client.cookies["sessionid"]["httponly"]
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.CSRF_COOKIE_HTTPONLY


@pytest.mark.django_db
def test_five_failed_sign_ins_lock_the_account_and_say_so(client, users):
    url = reverse("login")
    for _ in range(5):
        response = client.post(url, {"username": "manager", "password": "wrong password"})
    locked = client.post(url, {"username": "manager", "password": "correct horse battery staple"})
    assert locked.status_code == 429
    assert "Your account is locked for 5 minutes" in locked.content.decode()
    assert response.status_code in (200, 429)


@pytest.mark.django_db
def test_a_correct_sign_in_after_fewer_failures_works(client, users):
    with_an_authenticator(users["manager"])
    url = reverse("login")
    for _ in range(4):
        client.post(url, {"username": "manager", "password": "wrong password"})
    response = client.post(url, {"username": "manager", "password": "correct horse battery staple"})
    assert response.status_code == 302


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "board:home",
        "board:members",
        "board:meetings",
        "board:meeting_create",
        "board:budget",
        "board:risks",
        "board:risk_create",
    ],
)
def test_pages_have_no_inline_script_or_style(name, world, manager_client):
    html = manager_client.get(reverse(name, kwargs={"board": world.board.slug})).content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)
    assert not EVENT_HANDLER.search(html)


def test_static_files_collect_for_production(tmp_path, settings):
    """The production storage hashes every file and checks every reference
    inside the CSS and JavaScript; a missing one would break a deploy."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert not list(tmp_path.rglob("*crest*"))


def _assert_framing_and_policy_headers(response) -> None:
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_carry_the_content_security_policy_and_x_frame_options():
    from django.test import Client

    response = Client().get("/static/js/assure.js")  # a new client loads the middleware afresh
    assert response.status_code == 200
    _assert_framing_and_policy_headers(response)


@override_settings(SECURE_SSL_REDIRECT=True)
def test_the_https_redirect_carries_the_content_security_policy_and_x_frame_options(db):
    from django.test import Client

    response = Client().get(reverse("core:accessibility"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    _assert_framing_and_policy_headers(response)
