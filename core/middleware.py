"""Assure's own middleware.

SecondFactorMiddleware: until a person who needs a second factor has given
one, every page sends them to the code step (or to setting up an
authenticator), the Django admin included. One check here rather than a
decorator on each view, so no page can be added that forgets it.

RequestIdMiddleware: every request's id and its one log line.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from core import logs
from core.two_factor import second_factor_for, session_verified

#: The health page load balancers probe (core.health).
HEALTH_PATH = "/health/"


class SecondFactorMiddleware:
    """Must come after django_otp's OTPMiddleware, which says whether the
    session has been verified with a device."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def open_paths(self) -> frozenset[str]:
        """Pages a signed-in person reaches before giving a code."""
        return frozenset(
            reverse(name)
            for name in (
                "core:two_factor_code",
                "core:two_factor_set_up",
                "core:accessibility",
                "logout",
            )
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not session_verified(request)
            and request.path_info not in self.open_paths
            and not request.path_info.startswith(settings.STATIC_URL)
        ):
            factor = second_factor_for(user)
            if factor.needed:
                name = (
                    "core:two_factor_code" if factor.has_authenticator else "core:two_factor_set_up"
                )
                url = reverse(name)
                if request.method == "GET":
                    url += "?" + urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(url)
        return self.get_response(request)


request_log = logging.getLogger("assure.request")


class RequestIdMiddleware:
    """Gives every request an id (the proxy's `X-Request-ID` when it is sane,
    else a new one), sends it back in the same header, puts it on every log
    line written while the request is served, and writes one line for the
    request itself: method, path, status and how long it took. First in the
    middleware, so a redirect or refusal by a later one is logged too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = logs.request_id_from(request.headers.get("X-Request-ID"))
        # Cleared when the response is closed (below), not on the way out:
        # Django logs a 4xx or 5xx answer after the last middleware returns.
        logs.request_id.set(rid)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        path = logs.loggable_path(request)
        # Load balancers probe the health page every few seconds: those
        # lines are for debugging only.
        quiet = request.path_info == HEALTH_PATH and response.status_code == 200
        extra: dict[str, object] = {
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        }
        if cached := getattr(request, "page_cache", None):
            extra["page_cache"] = cached  # core.page_cache: "hit", or "miss" (drawn and kept)
        request_log.log(
            logging.DEBUG if quiet else logging.INFO,
            "%s %s %s",
            request.method,
            path,
            response.status_code,
            extra=extra,
        )
        return response


@receiver(request_finished, dispatch_uid="assure-forget-request-id")
def forget_request_id(**kwargs: object) -> None:
    """The request is over (its response closed): later lines of this thread
    belong to no request."""
    logs.request_id.set(None)
