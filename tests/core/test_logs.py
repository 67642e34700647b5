"""Log lines: one JSON object a line in production, each with its request's id;
no password, cookie or query string in any of them."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from core import logs
from core.middleware import HEALTH_PATH

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def log_lines():
    """Every line logged while the test runs, written as production writes
    them (the JSON formatter behind the request-context filter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestContextFilter())
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def parsed(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines]


@pytest.mark.django_db
def test_a_requests_lines_are_json_and_share_its_id_which_it_sends_back(client, log_lines):
    response = client.post(
        reverse("login"),
        {"username": "nobody", "password": "not a password anyone has"},
        HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001",
    )
    assert response["X-Request-ID"] == "lb-7f3a9c2e-0001"
    entries = parsed(log_lines())
    assert len(entries) >= 2  # the failed sign-in's warning and the request's own line
    assert {entry["request_id"] for entry in entries} == {"lb-7f3a9c2e-0001"}
    request_line = next(entry for entry in entries if entry["logger"] == "assure.request")
    assert request_line["method"] == "POST"
    assert request_line["path"] == reverse("login")
    assert request_line["status"] == response.status_code
    assert isinstance(request_line["duration_ms"], float)
    assert request_line["level"] == "INFO"
    assert request_line["time"].endswith("+00:00")


@pytest.mark.django_db
def test_the_line_django_writes_after_a_refusal_carries_the_id_too(client, log_lines):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="proxy-id-404")
    assert response.status_code == 404
    entries = parsed(log_lines())
    assert any(entry["logger"] == "django.request" for entry in entries)
    assert {entry["request_id"] for entry in entries} == {"proxy-id-404"}


@pytest.mark.django_db
def test_two_requests_get_two_ids_and_a_line_after_them_gets_none(client, log_lines):
    first = client.get(reverse("core:accessibility"))
    second = client.get(reverse("core:accessibility"))
    logging.getLogger("assure.test").warning("between requests")
    assert first["X-Request-ID"] != second["X-Request-ID"]
    entries = parsed(log_lines())
    ids = [entry["request_id"] for entry in entries if entry["logger"] == "assure.request"]
    assert ids == [first["X-Request-ID"], second["X-Request-ID"]]
    assert entries[-1]["request_id"] == "-"


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        "x" * 129,
        "id\nforged log line",
        '"}, {"level": "CRITICAL',
        "<script>alert(1)</script>",
        "-starts-with-a-dash",
        "a b",
        "id\u2028with a line separator",
    ],
)
def test_a_hostile_request_id_is_replaced(hostile):
    made = logs.request_id_from(hostile)
    assert made != hostile
    assert len(made) == 32
    assert made.isalnum()


@pytest.mark.parametrize(
    "sane", ["0f8e6b2a9c", "lb-7f3a9c2e-0001", "Root=1-67891233.abc_def:2", "a"]
)
def test_a_sane_request_id_is_kept(sane):
    assert logs.request_id_from(sane) == sane


@pytest.mark.django_db
def test_a_hostile_request_id_does_not_reach_the_answer_or_the_log(client, log_lines):
    response = client.get(HEALTH_PATH, HTTP_X_REQUEST_ID="evil\r\nSet-Cookie: x=1")
    assert "evil" not in response["X-Request-ID"]
    assert all("evil" not in line for line in log_lines())


@pytest.mark.django_db
def test_no_password_cookie_or_query_string_reaches_a_line(client, users, log_lines):
    client.cookies["sessionid"] = "cookie-value-never-logged"
    client.cookies["csrftoken"] = "csrf-cookie-never-logged"
    password = "Password-never-logged-42"
    client.post(
        reverse("login") + "?next=/query-never-logged/&token=query-token-never-logged",
        {"username": "manager", "password": password},
    )
    client.get("/missing/?email=query-email-never-logged")
    # Django passes the request itself with the lines it writes about an
    # answer; its representation holds the query string.
    request = RequestFactory().get("/boom/?secret=query-extra-never-logged")
    logging.getLogger("django.request").error(
        "Internal Server Error: %s", request.path, extra={"request": request, "status_code": 500}
    )
    text = "\n".join(log_lines())
    assert text  # lines were written
    for secret in (
        password,
        "cookie-value-never-logged",
        "csrf-cookie-never-logged",
        "query-never-logged",
        "query-token-never-logged",
        "query-email-never-logged",
        "query-extra-never-logged",
    ):
        assert secret not in text


@pytest.mark.django_db
def test_an_invitations_token_is_not_logged_with_its_path(client, log_lines):
    token = "invitation-token-never-logged"
    client.get(reverse("invitations:accept", kwargs={"token": token}))
    entries = parsed(log_lines())
    request_line = next(entry for entry in entries if entry["logger"] == "assure.request")
    assert request_line["path"] == "/invitations/{token}/"
    assert token not in "\n".join(log_lines())


@pytest.mark.django_db
def test_the_health_page_logs_at_debug_while_healthy(client, log_lines):
    client.get(HEALTH_PATH)
    entries = parsed(log_lines())
    assert [entry["level"] for entry in entries if entry["logger"] == "assure.request"] == ["DEBUG"]


def test_a_traceback_stays_inside_its_one_line(log_lines):
    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        logging.getLogger("assure.test").exception("it broke")
    (line,) = log_lines()
    entry = json.loads(line)
    assert "ValueError: first line\nsecond line" in entry["exception"]
    assert entry["message"] == "it broke"


def run_with(**env: str) -> subprocess.CompletedProcess:
    """A fresh Assure process (Django set up as the server sets it up) writing
    one warning, configured only by `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ASSURE_LOG")}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, logging; django.setup(); "
            "logging.getLogger('assure.test').warning('hello %s', 'there')",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_assure_log_format_json_writes_one_object_a_line():
    result = run_with(ASSURE_LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "hello" in line]
    entry = json.loads(line)
    assert entry["message"] == "hello there"
    assert entry["logger"] == "assure.test"
    assert entry["level"] == "WARNING"
    assert entry["request_id"] == "-"


def test_text_is_the_default_log_format():
    result = run_with()
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "hello" in line]
    assert line.endswith("WARNING assure.test [-] hello there")


def test_an_unknown_log_format_stops_assure_naming_the_variable():
    result = run_with(ASSURE_LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "ASSURE_LOG_FORMAT must be one of text, json" in result.stderr
