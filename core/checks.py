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
