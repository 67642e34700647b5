"""A system check Django's own deploy checks lack: Assure must always send a
Content Security Policy, and its script-src must never allow inline script."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_content_security_policy(app_configs: Iterable[Any] | None, **kwargs: Any) -> list[Error]:
    policy = getattr(settings, "SECURE_CSP", None) or {}
    middleware = "django.middleware.csp.ContentSecurityPolicyMiddleware"
    errors = []
    if not policy:
        errors.append(
            Error("No Content Security Policy is set (SECURE_CSP is empty).", id="assure.E001")
        )
    if middleware not in settings.MIDDLEWARE:
        errors.append(Error(f"{middleware} is not in MIDDLEWARE.", id="assure.E002"))
    script_src = policy.get("script-src", policy.get("default-src", []))
    if any("unsafe-inline" in str(source) for source in script_src):
        errors.append(
            Error(
                "The Content Security Policy's script-src allows 'unsafe-inline'.", id="assure.E003"
            )
        )
    return errors


@register(deploy=True)
def check_site_url(app_configs: Iterable[Any] | None, **kwargs: Any) -> list[Error]:
    """The links in Assure's email (invitations above all) start with
    ASSURE_SITE_URL; without it no invitation can be sent."""
    if getattr(settings, "ASSURE_SITE_URL", ""):
        return []
    return [
        Error(
            "ASSURE_SITE_URL is not set: Assure cannot put links in its email, so it cannot "
            "send invitations.",
            hint="Set it to the address people open Assure at, such as https://assure.example.org.",
            id="assure.E004",
        )
    ]
