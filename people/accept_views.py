"""Accepting an invitation: the link's two steps, choosing a password, then
setting up an authenticator app. Nothing about the account changes until
the app's first code is given; then the person is signed in. A forged,
used, superseded or expired link is a 404 and changes nothing."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from core import two_factor
from core.views import RECOVERY_CODES_SESSION_KEY
from people import services
from people.forms import AuthenticatorForm, PasswordForm
from people.models import Invitation
from people.tokens import invitation_for_token

#: Between the two steps: the invitation, and the password chosen, hashed.
SESSION_KEY = "assure_invitation"


def _open(request: HttpRequest, token: str) -> Invitation | HttpResponse:
    """The invitation, or the page for someone signed in already (they must
    sign out first, so nobody accepts an invitation into the wrong session)."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise Http404("This link does not work.")
    if request.user.is_authenticated:
        return render(
            request,
            "people/accept_signed_in.html",
            {"invitation": invitation, "two_factor_page": True},
            status=403,
        )
    return invitation


@never_cache
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _open(request, token)
    if isinstance(invitation, HttpResponse):
        return invitation
    form = PasswordForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        problems = services.password_problems(
            invitation=invitation,
            password=form.cleaned_data["password"],
            again=form.cleaned_data["again"],
        )
        for field, messages in problems.items():
            form.add_error(field, messages)
        if not problems:
            request.session[SESSION_KEY] = {
                "invitation": invitation.pk,
                "token_hash": invitation.token_hash,
                "password": services.password_hash(
                    invitation=invitation,
                    password=form.cleaned_data["password"],
                    again=form.cleaned_data["again"],
                ),
            }
            return redirect("invitations:authenticator", token=token)
    context = {"invitation": invitation, "form": form, "two_factor_page": True}
    return render(request, "people/accept.html", context, status=400 if form.is_bound else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def authenticator(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _open(request, token)
    if isinstance(invitation, HttpResponse):
        return invitation
    chosen = request.session.get(SESSION_KEY) or {}
    if chosen.get("invitation") != invitation.pk or chosen.get("token_hash") != (
        invitation.token_hash
    ):
        return redirect("invitations:accept", token=token)
    form = AuthenticatorForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        result = services.invitation_accept(
            invitation=invitation, password_hash=chosen["password"], code=form.cleaned_data["code"]
        )
        if result.device is not None:
            request.session.pop(SESSION_KEY, None)
            login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, result.device)
            request.session[RECOVERY_CODES_SESSION_KEY] = list(result.recovery_codes)
            return redirect(reverse("core:two_factor_recovery_codes") + "?next=/")
        form.add_error("code", result.problem or two_factor.WRONG_SET_UP_CODE)
    device = two_factor.authenticator_start(user=invitation.user)
    context = {
        "invitation": invitation,
        "form": form,
        "qr_code": two_factor.qr_code_svg(device),
        "secret": two_factor.secret_for_typing(device),
        "token": token,
        "two_factor_page": True,
    }
    return render(
        request, "people/accept_authenticator.html", context, status=400 if form.is_bound else 200
    )
