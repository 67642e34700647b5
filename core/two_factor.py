"""Two-factor sign-in: a time-based code from an authenticator app (django-otp's
TOTP device) and ten single-use recovery codes (its static device).

Business managers, independent chairs, admins, staff and superusers must sign
in with a code as well as their password, because they see case-review records
or manage people; partners may choose to. Once a person has an authenticator,
every sign-in asks for a code, whatever their role.

Wrong codes count as failed sign-ins in django-axes, so the lockout that
follows wrong passwords follows wrong codes too, and a right password does
not clear the count for someone who still owes a code: only a finished
sign-in does (sign_in_finished). The device's own throttle, a wait that
doubles with each wrong code, stays on as a second line.
"""

from __future__ import annotations

import base64
import math
import time
from dataclasses import dataclass
from typing import Any

import segno
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import roles

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"

ENTER_SET_UP_CODE = "Enter the 6-digit code your authenticator app shows"
ENTER_CODE = "Enter the code from your authenticator app, or a recovery code"
WRONG_SET_UP_CODE = (
    "The code is not right. Check the app shows Assure and your username, "
    "then enter the 6-digit code it shows now"
)
NOT_SET_UP = (
    "Your account is not set up yet. Open the invitation link Assure emailed you, or ask "
    "your business manager or administrator to send you a new one"
)
WRONG_CODE = (
    "The code is not right. Enter the 6-digit code your authenticator app shows now, "
    "or a recovery code you have not used before"
)


@dataclass(frozen=True)
class SecondFactor:
    """Whether a person must use a second factor, and whether they have set one up."""

    required: bool
    has_authenticator: bool
    required_by_role: bool = False

    @property
    def needed(self) -> bool:
        """A second factor is asked for: by role, or because they chose one."""
        return self.required or self.has_authenticator

    @property
    def set_up_by_invitation_only(self) -> bool:
        """Someone whose role needs a code and who has no authenticator app
        sets one up only through an invitation's link (people), never after
        signing in with a password: whoever signed in first with a password
        someone else knew would otherwise enrol their own app. Superusers and
        staff without a role, made at the command line, still set up at
        their first sign-in."""
        return self.required_by_role and not self.has_authenticator


def second_factor_for(user: AbstractBaseUser | AnonymousUser) -> SecondFactor:
    """One query: is a second factor required by role, and is one set up."""
    if not user.is_authenticated:
        return SecondFactor(required=False, has_authenticator=False)
    User = get_user_model()
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            by_role=Exists(
                User.groups.through.objects.filter(
                    user_id=OuterRef("pk"), group__name__in=roles.SECOND_FACTOR_REQUIRED
                )
            ),
            has_authenticator=Exists(
                TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
            ),
        )
        .values("is_superuser", "is_staff", "by_role", "has_authenticator")
        .first()
    )
    if row is None:
        return SecondFactor(required=False, has_authenticator=False)
    return SecondFactor(
        required=bool(row["is_superuser"] or row["is_staff"] or row["by_role"]),
        has_authenticator=bool(row["has_authenticator"]),
        required_by_role=bool(row["by_role"]),
    )


def session_verified(request: HttpRequest) -> bool:
    """Whether this session has given a code: django_otp's OTPMiddleware puts
    the device that verified it on the user."""
    return getattr(request.user, "otp_device", None) is not None


def normalise_code(code: str) -> str:
    """Codes as people type them: spaces and hyphens dropped, lower case."""
    return "".join(code.split()).replace("-", "").lower()


def _wait_problem(device: Device) -> str | None:
    """The device's own throttle, in words, or None when a code may be tried."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (data or {}).get("locked_until")
    seconds = 1
    if locked_until is not None:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    unit = "second" if seconds == 1 else "seconds"
    return (
        f"You entered a wrong code a moment ago. Wait {seconds} {unit}, "
        "then enter the code your authenticator app shows now"
    )


# Set-up -------------------------------------------------------------------


@transaction.atomic
def authenticator_start(*, user: Any) -> TOTPDevice:
    """The person's authenticator waiting to be confirmed, made if need be.

    The same secret is shown however often the set-up page is opened, so an
    app that scanned it on a first visit still gives the right codes.
    """
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


@dataclass(frozen=True)
class SetUpResult:
    problem: str | None
    device: TOTPDevice | None = None
    recovery_codes: tuple[str, ...] = ()


@transaction.atomic
def authenticator_confirm(*, user: Any, code: str) -> SetUpResult:
    """Confirm the person's new authenticator with a code it shows, and give
    them a fresh set of recovery codes (any older set stops working)."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None:
        return SetUpResult(problem="Open the set-up page again to get a new QR code")
    code = normalise_code(code)
    if not code:
        return SetUpResult(problem=ENTER_SET_UP_CODE)
    if wait := _wait_problem(device):
        return SetUpResult(problem=wait)
    if not (code.isdigit() and len(code) == device.digits) or not device.verify_token(code):
        return SetUpResult(problem=WRONG_SET_UP_CODE)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return SetUpResult(problem=None, device=device, recovery_codes=recovery_codes_create(user=user))


@transaction.atomic
def recovery_codes_create(*, user: Any) -> tuple[str, ...]:
    """Ten new single-use recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in codes)
    return tuple(codes)


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code.

    segno draws with presentation attributes (fill, stroke, transform), which
    the Content Security Policy allows; a style attribute would be blocked, so
    its absence is checked rather than assumed.
    """
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(
        scale=4, border=4, dark="#0b0c0c", light="#fff", svgclass="assure-qr", lineclass=None
    )
    if "style" in svg.lower() or "<script" in svg.lower():
        raise ValueError("The QR code's SVG would break the Content Security Policy.")
    label = "QR code for setting up your authenticator app"
    opening = format_html('<svg role="img" aria-label="{}" focusable="false" ', label)
    return mark_safe(svg.replace("<svg ", opening, 1))  # segno's own markup, checked above


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret as authenticator apps ask for it: base 32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# Signing in ---------------------------------------------------------------


@dataclass(frozen=True)
class CodeResult:
    problem: str | None
    device: Device | None = None


@transaction.atomic
def sign_in_code_check(*, user: Any, code: str) -> CodeResult:
    """Check a sign-in code: six digits go to the authenticator, anything else
    is tried as a recovery code, which then stops working.

    The devices are locked while they are checked, so one recovery code used
    twice at the same moment works only once.
    """
    code = normalise_code(code)
    if not code:
        return CodeResult(problem=ENTER_CODE)
    if code.isdigit() and len(code) == 6:
        devices: list[Device] = list(
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
        )
    else:
        devices = list(StaticDevice.objects.select_for_update().filter(user=user, confirmed=True))
    if not devices:
        return CodeResult(problem=WRONG_CODE)
    for device in devices:
        if wait := _wait_problem(device):
            return CodeResult(problem=wait)
    for device in devices:
        if device.verify_token(code):
            return CodeResult(problem=None, device=device)
    return CodeResult(problem=WRONG_CODE)


def sign_in_is_locked(request: HttpRequest, username: str) -> bool:
    """Whether django-axes has locked this account, as it would at the password."""
    from axes.handlers.proxy import AxesProxyHandler

    return not AxesProxyHandler.is_allowed(request, {"username": username})


def sign_in_code_failed(request: HttpRequest, username: str) -> None:
    """Count a wrong code as a failed sign-in for the account; axes marks the
    request as locked out when this one reaches AXES_FAILURE_LIMIT."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def sign_in_finished(username: str) -> None:
    """A full sign-in (the password, and the code where one is asked for)
    clears the account's failed attempts."""
    from axes.utils import reset

    reset(username=username)


def current_code(device: TOTPDevice) -> tuple[str, int]:
    """The code the device's app would show now, and the seconds it stays valid.

    A code is accepted once, so when the current one was used already this
    gives the next one, which the device accepts too (one step of tolerance).
    """
    now = int(time.time())
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = now
    seconds = device.step - (now - device.t0) % device.step
    if totp.t() <= device.last_t:
        totp.time = now + device.step
        seconds += device.step
    return f"{totp.token():0{device.digits}d}", seconds
