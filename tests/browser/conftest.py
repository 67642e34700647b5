"""Browser tests: Playwright drives Debian's Chromium against a live Assure,
and every page visited is checked with axe-core for WCAG 2.2 A and AA."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import sync_role_permissions
from core.two_factor import second_factor_for

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between page actions are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_SOURCE = (Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser_type_launch_args():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("The browser tests need Debian's Chromium: apt-get install chromium")
    return {
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def roles_exist(transactional_db):
    """Transactional tests empty every table between tests, the roles the data
    migration made included; put them back."""
    sync_role_permissions(apps, ["board", "priorities", "indicators"])


class AccessibilityError(AssertionError):
    pass


def check_accessibility(page) -> None:
    """Fail on any axe-core WCAG 2.2 A/AA violation on the current page."""
    page.wait_for_load_state("load")
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]
    # Wide tables scroll inside their own region; the page itself never
    # scrolls sideways (WCAG 1.4.10, reflow).
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
        problems.append(
            "reflow: the page scrolls horizontally; a wide element escapes its container"
        )
    if problems:
        raise AccessibilityError(f"{page.url}:\n" + "\n".join(problems))


@pytest.fixture(autouse=True)
def csp_violations(page):
    """Every browser test fails if a page breaks the Content Security Policy
    (an inline style added by a script, say): the browser reports each one."""
    seen: list[str] = []
    page.on(
        "console",
        lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield seen
    assert seen == [], seen


def authenticator_for(user) -> TOTPDevice:
    """The authenticator app a person set up on an earlier visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """The code an app holding the device's key shows now; the next one when
    this one was used already (a code works once; the next is accepted too)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step
    return f"{totp.token():06d}"


@pytest.fixture
def sign_in(page, live_server):
    """Sign in as a person would: the password, then, for people whose role
    needs one, the code from the authenticator app they set up before."""

    def go(username: str, password: str = PASSWORD) -> None:
        user = get_user_model().objects.filter(username=username).first()
        device = None
        if user is not None and second_factor_for(user).required:
            device = authenticator_for(user)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        if device is not None and "/accounts/two-factor/code/" in page.url:
            page.get_by_label("Code from your authenticator app").fill(code_for(device))
            with page.expect_navigation():
                page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()

    return go
