"""Two Assure web servers, each started from a working folder of its own
(nothing shared on disk), on one PostgreSQL database and one S3-compatible
bucket, serve the same Assure: a person signed in on one is signed in on
the other with the same cookie, a report published beside them is
downloaded through either, checked against its SHA-256, a logo uploaded
through one is served by the other, and wrong passwords typed at either
count towards one lockout.

`.ci/run` runs this once, on PostgreSQL with moto's server (`-m s3`); on
SQLite, or without ASSURE_TEST_S3_URL, it is skipped. The servers read the
database the test writes, so the test's data is committed (a transactional
test) and removed afterwards."""

from __future__ import annotations

import hashlib
import http.cookiejar
import os
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import roles
from tests.factories import UserFactory
from tests.reports.annual_helpers import draft, png, stored_snapshot
from tests.storage import S3_URL, make_bucket, s3_environment, s3_url
from tests.test_deploy import free_port

ROOT = Path(settings.BASE_DIR)
PASSWORD = "correct horse battery staple"

pytestmark = [
    pytest.mark.s3,
    pytest.mark.two_servers,
    # Decided before any database is set up, so the ordinary runs skip it
    # at no cost.
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="two servers share one PostgreSQL database (SQLite is one machine's)",
    ),
    pytest.mark.skipif(not os.environ.get(S3_URL), reason=f"{S3_URL} is not set"),
    pytest.mark.django_db(transaction=True),
]


def database_url() -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"], safe="")
    password = urllib.parse.quote(db["PASSWORD"], safe="")
    return f"postgres://{user}:{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Server:
    """One gunicorn, started as assure-web.service starts it, from a folder
    of its own (its working folder, its temporary files and so its media
    folder are all in there)."""

    def __init__(self, folder: Path, environment: dict[str, str]) -> None:
        folder.mkdir()
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py")]
        self.process = subprocess.Popen(
            [*command, "config.wsgi"],
            cwd=folder,
            env={
                **environment,
                "TMPDIR": str(folder),
                "MEDIA_ROOT": str(folder / "media"),
                "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{self.port} --workers 1",
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait(self) -> None:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/health/", timeout=30) as answer:
                    assert answer.status == 200
                    return
            except OSError as problem:  # refused, reset or timed out while it starts
                if self.process.poll() is not None or time.monotonic() > deadline:
                    _, err = self.process.communicate(timeout=10)
                    raise AssertionError(f"gunicorn did not start: {err[-3000:]}") from problem
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.communicate(timeout=30)

    def files_written(self) -> list[Path]:
        return [p for p in self.folder.rglob("*") if p.is_file()]


@pytest.fixture
def two_servers(tmp_path, settings, monkeypatch):
    from config.env import s3_storage

    url = s3_url()
    make_bucket(url)
    bucket = s3_environment(url, f"two-servers/{uuid.uuid4().hex}")
    for name, value in bucket.items():
        monkeypatch.setenv(name, value)
    # This test's own files (the report it publishes) go to the same bucket.
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage()}
    environment = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "LOG_LEVEL": "WARNING",
        **bucket,
    }
    servers = [Server(tmp_path / name, environment) for name in ("a", "b")]
    try:
        for server in servers:
            server.wait()
        yield servers
    finally:
        for server in servers:
            server.stop()


class Browser:
    """One person's cookies, sent to whichever server is asked."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url: str) -> tuple[int, dict[str, str], bytes]:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        data = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(url, data=data, headers={"Referer": url}))

    def upload(
        self, url: str, fields: dict[str, str], name: str, filename: str, data: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """A form with one file, as a browser posts it (multipart)."""
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": url}
        return self._open(urllib.request.Request(url, data=body, headers=headers))

    def form(self, url: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Open the form's page for its CSRF token, then post it."""
        _, _, page = self.get(url)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None, page[:500]
        return self.post(url, {"csrfmiddlewaretoken": token.group(1).decode(), **fields})

    def token(self, url: str) -> str:
        _, _, page = self.get(url)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found is not None, page[:500]
        return found.group(1).decode()

    def sign_in(self, base: str, username: str, password: str) -> tuple[int, str]:
        status, _, answer = self.form(
            f"{base}/accounts/login/", {"username": username, "password": password}
        )
        return status, answer.decode()

    def session(self) -> str:
        return next(c.value for c in self.cookies if c.name == settings.SESSION_COOKIE_NAME)

    def _open(self, request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


def test_two_servers_share_sessions_stored_files_and_the_lockout(world, two_servers):
    a, b = two_servers
    UserFactory(username="reader", role=roles.PARTNER, boards=[world.board])
    UserFactory(username="guesser", role=roles.PARTNER, boards=[world.board])
    keeper = UserFactory(username="keeper", role=roles.BUSINESS_MANAGER, boards=[world.board])
    TOTPDevice.objects.create(user=keeper, name="Authenticator app", confirmed=True)
    recovery = StaticDevice.objects.create(user=keeper, name="Recovery codes", confirmed=True)
    recovery.token_set.create(token="abcd2345")
    snapshot = stored_snapshot(draft(world))

    person = Browser()
    status, page = person.sign_in(a.base, "reader", PASSWORD)
    assert status == 200
    assert "Sign out" in page
    cookie = person.session()

    # Through the other server, with the cookie the first one set.
    for fmt in ("pdf", "html"):
        status, headers, data = person.get(b.base + snapshot.file_url(fmt))
        assert status == 200, data[:500]
        assert hashlib.sha256(data).hexdigest() == snapshot.sha256(fmt)
        assert headers["ETag"] == f'"{snapshot.sha256(fmt)}"'
        assert headers["X-Frame-Options"] == "DENY"
        assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert person.session() == cookie
    status, _, _ = person.get(a.base + snapshot.file_url("csv"))
    assert status == 200

    # Wrong passwords typed at either server lock the one account.
    guesser = Browser()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        server = (a, b)[attempt % 2]
        status, page = guesser.sign_in(server.base, "guesser", "not the password")
        assert status == 200
        assert "Sign out" not in page
    status, _ = guesser.sign_in(a.base, "guesser", "not the password")
    assert status == 429
    status, page = guesser.sign_in(b.base, "guesser", PASSWORD)
    assert status == 429
    assert "Sign out" not in page

    # A business manager signs in with a password on one server and a
    # recovery code on the other, uploads a logo through the first and sees
    # it through the second.
    manager = Browser()
    status, page = manager.sign_in(a.base, "keeper", PASSWORD)
    assert status == 200
    assert "Recovery code" in page
    status, _, answer = manager.form(
        f"{b.base}/accounts/two-factor/code/", {"code": "", "recovery_code": "abcd2345"}
    )
    assert status == 200
    assert b"Sign out" in answer
    logo_page = f"{a.base}/boards/{world.board.slug}/logo/"
    status, _, answer = manager.upload(
        logo_page, {"csrfmiddlewaretoken": manager.token(logo_page)}, "logo", "logo.png", png()
    )
    assert status == 200
    assert b"Logo saved" in answer
    world.board.refresh_from_db()
    with default_storage.open(world.board.logo.name, "rb") as handle:
        stored = handle.read()
    status, _, served = manager.get(f"{b.base}/boards/{world.board.slug}/logo.png")
    assert status == 200
    assert served == stored
    assert served.startswith(b"\x89PNG")

    # Neither server kept a file of its own.
    for server in (a, b):
        assert server.files_written() == []
