"""Until a person who needs a second factor has given one, every page sends them
to the code step (or to setting up an authenticator), the Django admin
included. One check here rather than a decorator on each view, so no page can
be added that forgets it."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from core.two_factor import second_factor_for, session_verified


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
