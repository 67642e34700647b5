"""What must hold before Assure serves a single request."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_to_serve_without_a_secret_key() -> None:
    if not settings.DEBUG and not os.environ.get("SECRET_KEY"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
