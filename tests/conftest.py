"""Shared fixtures: two boards, and a user in every role on the first."""

import datetime
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.contrib.auth.models import Group as Role
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from core import roles
from core.roles import sync_role_permissions
from core.two_factor import second_factor_for
from tests.factories import (
    ActionFactory,
    AttendanceFactory,
    BoardFactory,
    GroupFactory,
    MeetingFactory,
    MemberFactory,
    PlanFactory,
    PriorityFactory,
    RiskFactory,
    UserFactory,
    YearFactory,
)

PASSWORD = "correct horse battery staple"

# Property tests (tests/test_properties.py) run 500 examples each, or as many
# as ASSURE_PROPERTY_EXAMPLES says (.ci/run's second database runs fewer: the
# same derandomised examples already ran on the first). In CI (the CI
# environment variable set) they are derandomised: the same examples every
# run, so a failure there reproduces anywhere with CI=1.
EXAMPLES = int(os.environ.get("ASSURE_PROPERTY_EXAMPLES") or 500)
hypothesis_settings.register_profile(
    "ci", max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, print_blob=True
)
hypothesis_settings.register_profile("dev", max_examples=EXAMPLES, deadline=None, database=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_configure(config):
    """With ASSURE_TEST_CLOCK=2027-04-01 the whole run happens on that day (from
    nine in the morning, London time, the clock ticking on), so CI can prove no
    test depends on the day the suite runs. Tests that mean a date pass it in or
    fix the clock themselves, which nests inside this."""
    day = os.environ.get("ASSURE_TEST_CLOCK")
    if not day:
        return
    moment = datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(9), tzinfo=ZoneInfo("Europe/London")
    )
    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)


#: Django's own force_login: signed in with a password only, before any code.
force_login_without_a_code = Client.force_login


def force_login_with_a_code(self, user, backend=None):
    """force_login stands for a finished sign-in, so for people whose role
    needs a second factor it also gives them an authenticator and marks the
    session verified, as django_otp.login does after the code step."""
    force_login_without_a_code(self, user, backend)
    if second_factor_for(user).required:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


#: Every app whose models the roles hold permissions on.
ROLE_APPS = [
    "board",
    "outbox",
    "people",
    "priorities",
    "indicators",
    "reviews",
    "audits",
    "training",
    "reports",
]


@pytest.fixture(autouse=True)
def roles_exist(request):
    """The roles a data migration made, for every test that uses the database.

    A transactional test (the browser journeys, moving data between databases)
    empties every table when it ends, the roles included, and a test that runs
    after it on the same worker would find none; this puts them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker is not None and marker.kwargs.get("transaction"))
    )
    if not (transactional or marker is not None or "db" in request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    if not Role.objects.filter(name=roles.ADMIN).exists():
        sync_role_permissions(django_apps, ROLE_APPS)


@pytest.fixture(autouse=True)
def force_login_gives_a_code(monkeypatch):
    """Every test client's force_login signs in with a code too (see above);
    tests of the code step itself sign in through the password form."""
    monkeypatch.setattr(Client, "force_login", force_login_with_a_code)


@dataclass
class World:
    """A board with one of everything, and a second board that must stay out of reach."""

    board: object
    other_board: object
    group: object
    meeting: object
    member: object
    risk: object
    year: object
    other_meeting: object
    other_risk: object
    plan: object
    action: object
    other_plan: object


@pytest.fixture
def world(db):
    board = BoardFactory(slug="alpha", name="Alpha Safeguarding Children Board")
    other = BoardFactory(slug="beta", name="Beta Safeguarding Children Board")
    year = YearFactory()
    group = GroupFactory(slug="alpha-board", boards=[board])
    member = MemberFactory(board=board, groups=[group])
    meeting = MeetingFactory(group=group, date=datetime.date(2016, 5, 19))
    AttendanceFactory(meeting=meeting, member=member)
    other_group = GroupFactory(slug="beta-board", boards=[other])
    plan = PlanFactory(board=board, slug="business-plan")
    priority = PriorityFactory(plan=plan, number=1)
    return World(
        plan=plan,
        action=ActionFactory(plan=plan, priority=priority, ref="1a", oversight_group=group),
        other_plan=PlanFactory(board=other, slug="other-plan"),
        board=board,
        other_board=other,
        group=group,
        meeting=meeting,
        member=member,
        risk=RiskFactory(board=board, ref="R1"),
        year=year,
        other_meeting=MeetingFactory(group=other_group, date=datetime.date(2016, 5, 19)),
        other_risk=RiskFactory(board=other, ref="R9"),
    )


ROLE_USERS = {
    "partner": roles.PARTNER,
    "chair": roles.INDEPENDENT_CHAIR,
    "manager": roles.BUSINESS_MANAGER,
    "admin": roles.ADMIN,
    "lead": roles.ACTION_LEAD,
}


@pytest.fixture
def users(world):
    """One user per role on the first board, and a business manager of the second."""
    made = {
        name: UserFactory(username=name, role=role, boards=[world.board])
        for name, role in ROLE_USERS.items()
    }
    made["other_manager"] = UserFactory(
        username="other_manager", role=roles.BUSINESS_MANAGER, boards=[world.other_board]
    )
    return made


@pytest.fixture
def client_for(users):
    def make(name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(users[name])
        return client

    return make


@pytest.fixture
def manager_client(client_for):
    return client_for("manager")


# --- a real SMTP server on the loopback address (aiosmtpd) --------------------


class SmtpServer:
    """An SMTP server on 127.0.0.1 that keeps every message it accepts, and
    can be stopped and started again on the same port (a mail server that
    goes down and comes back)."""

    def __init__(self) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.host = "127.0.0.1"
        self.received: list = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        message = message_from_bytes(envelope.content, policy=default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def mailer(self) -> dict:
        """MAILERS["default"] sending to this server, as production's does."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": self.host, "port": self.port, "use_tls": False, "timeout": 5},
        }


@pytest.fixture
def smtp_server(settings):
    """A running loopback SMTP server that Assure's mail goes to."""
    server = SmtpServer()
    server.start()
    settings.MAILERS = {"default": server.mailer}
    yield server
    server.stop()


@pytest.fixture
def smtp_server_down(settings):
    """Assure's mail goes to a loopback port where no server listens yet;
    `.start()` brings it up."""
    server = SmtpServer()
    settings.MAILERS = {"default": server.mailer}
    yield server
    server.stop()
