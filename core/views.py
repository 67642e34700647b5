from __future__ import annotations

from urllib.parse import urlencode

from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from core import two_factor
from core.forms import SignInForm
from core.two_factor_forms import SetUpCodeForm, SignInCodeForm

#: Recovery codes wait here between being made and being shown, until the
#: person says they have kept them.
RECOVERY_CODES_SESSION_KEY = "assure_recovery_codes"


class SignInView(LoginView):
    """The password step. For someone who signs in with a code too, the
    failed attempts against the account are cleared only after the code."""

    redirect_authenticated_user = True
    authentication_form = SignInForm

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        factor = two_factor.second_factor_for(form.get_user())
        if factor.set_up_by_invitation_only:
            form.add_error(None, two_factor.NOT_SET_UP)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        response = super().form_valid(form)
        if not factor.needed:
            two_factor.sign_in_finished(form.get_user().get_username())
        return response


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def _safe_next(request: HttpRequest) -> str:
    """Where the person was going, if it is a page of this site; else nothing."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _go_on(request: HttpRequest) -> HttpResponse:
    return redirect(_safe_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL))


def _with_next(name: str, request: HttpRequest) -> str:
    url = reverse(name)
    if next_url := _safe_next(request):
        url += "?" + urlencode({"next": next_url})
    return url


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan a QR code (or type the key), then give
    the code it shows. Required for some roles on first sign-in; open to all."""
    factor = two_factor.second_factor_for(request.user)
    if factor.has_authenticator:
        if two_factor.session_verified(request):
            return _go_on(request)
        return redirect(_with_next("core:two_factor_code", request))
    if factor.set_up_by_invitation_only:
        logout(request)
        return render(
            request,
            "registration/two_factor_not_set_up.html",
            {"problem": two_factor.NOT_SET_UP, "two_factor_page": True},
            status=403,
        )
    form = SetUpCodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        result = two_factor.authenticator_confirm(user=request.user, code=form.cleaned_data["code"])
        if result.device is not None:
            otp_login(request, result.device)
            request.session.cycle_key()
            request.session[RECOVERY_CODES_SESSION_KEY] = list(result.recovery_codes)
            return redirect(_with_next("core:two_factor_recovery_codes", request))
        form.add_error("code", result.problem or two_factor.WRONG_SET_UP_CODE)
    device = two_factor.authenticator_start(user=request.user)
    context = {
        "form": form,
        "qr_code": two_factor.qr_code_svg(device),
        "secret": two_factor.secret_for_typing(device),
        "required": factor.required,
        "next": _safe_next(request),
        "skip_url": _safe_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL),
        "two_factor_page": True,
    }
    return render(
        request,
        "registration/two_factor_set_up.html",
        context,
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown until the person says they have kept them."""
    codes = request.session.get(RECOVERY_CODES_SESSION_KEY)
    if not codes or request.method == "POST":
        request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
        return _go_on(request)
    return render(
        request,
        "registration/two_factor_recovery_codes.html",
        {"codes": codes, "next": _safe_next(request), "two_factor_page": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in. Wrong codes count towards the same
    lockout as wrong passwords; at the limit the person is signed out."""
    if two_factor.session_verified(request):
        return _go_on(request)
    factor = two_factor.second_factor_for(request.user)
    if not factor.has_authenticator:
        if factor.required:
            return redirect(_with_next("core:two_factor_set_up", request))
        return _go_on(request)
    username = request.user.get_username()
    form = SignInCodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        if two_factor.sign_in_is_locked(request, username):
            return _locked_out(request, username)
        if form.is_valid():
            field, code = form.given
            result = two_factor.sign_in_code_check(user=request.user, code=code)
            if result.device is not None:
                otp_login(request, result.device)
                request.session.cycle_key()
                two_factor.sign_in_finished(username)
                return _go_on(request)
            form.add_error(field, result.problem or two_factor.WRONG_CODE)
            two_factor.sign_in_code_failed(request, username)
            if getattr(request, "axes_locked_out", False):
                return _locked_out(request, username)
    context = {
        "form": form,
        "next": _safe_next(request),
        "recovery_open": bool(form.is_bound and form["recovery_code"].value()),
        "two_factor_page": True,
    }
    return render(
        request, "registration/two_factor_code.html", context, status=400 if form.is_bound else 200
    )


def _locked_out(request: HttpRequest, username: str) -> HttpResponse:
    logout(request)
    return get_lockout_response(request, None, {"username": username})
