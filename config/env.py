"""Typed readers for Assure's environment variables.

Every setting that differs between machines comes through one of these, and a
value that cannot be understood stops Assure at start-up with the variable's
name rather than surfacing later as a puzzling behaviour.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Set the {name} environment variable.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1, 0, true, false, yes, no, on or off; got {value!r}."
    )


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        low = "" if minimum is None else f" from {minimum}"
        high = "" if maximum is None else f" to {maximum}"
        raise ImproperlyConfigured(f"{name} must be a whole number{low}{high}; got {value!r}.")
    return number


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    """One of a few words, in any case; anything else stops Assure."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
    return word


def env_email(name: str, default: str) -> str:
    """An email address, alone or with a name: `assure@example.org` or
    `Assure <assure@example.org>`."""
    from email.utils import parseaddr

    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    _, address = parseaddr(value.strip())
    try:
        validate_email(address)
    except ValidationError:
        raise ImproperlyConfigured(
            f"{name} must be an email address, such as assure@example.org or "
            f"Assure <assure@example.org>; got {value!r}."
        ) from None
    return value.strip()


def env_site_url(name: str, default: str) -> str:
    """The address people open Assure at, such as https://assure.example.org:
    an http or https address with a host and no path, query or fragment."""
    from urllib.parse import urlsplit

    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    url = value.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
        raise ImproperlyConfigured(
            f"{name} must be the address people open Assure at, such as "
            f"https://assure.example.org (no path); got {value!r}."
        )
    return url


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def s3_storage() -> dict[str, object]:
    """The "default" storage on an S3-compatible object store, from the
    ASSURE_S3_* variables (django-storages' S3 backend, through boto3).

    Files are never written over (a published snapshot's name is taken for
    good) and never public: Assure reads every file itself and serves it
    through its own pages, so the bucket needs no public access. Without an
    access key boto3 finds its credentials as it always does (an instance's
    role, AWS_* variables, ~/.aws)."""
    from urllib.parse import urlsplit

    bucket = os.environ.get("ASSURE_S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured("ASSURE_STORAGE=s3 needs ASSURE_S3_BUCKET, the bucket's name.")
    endpoint = os.environ.get("ASSURE_S3_ENDPOINT_URL", "").strip().rstrip("/")
    if endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise ImproperlyConfigured(
                "ASSURE_S3_ENDPOINT_URL must be the object store's address, such as "
                f"https://s3.example.org; got {endpoint!r}."
            )
    access_key = os.environ.get("ASSURE_S3_ACCESS_KEY_ID", "").strip()
    secret_key = os.environ.get("ASSURE_S3_SECRET_ACCESS_KEY", "").strip()
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "Set both ASSURE_S3_ACCESS_KEY_ID and ASSURE_S3_SECRET_ACCESS_KEY, or neither "
            "(boto3 then finds its own credentials)."
        )
    options: dict[str, object] = {
        "bucket_name": bucket,
        "location": os.environ.get("ASSURE_S3_PREFIX", "").strip().strip("/"),
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
        # A file read from the store is held in memory up to this size, on
        # disk beyond it.
        "max_memory_size": 4 * 1024 * 1024,
    }
    if endpoint:
        options["endpoint_url"] = endpoint
        # Other stores than AWS's (MinIO, Ceph, a supplier's) answer at one
        # address for every bucket, the bucket's name in the path.
        options["addressing_style"] = "path"
    region = os.environ.get("ASSURE_S3_REGION", "").strip()
    if region:
        options["region_name"] = region
    if access_key:
        options["access_key"] = access_key
        options["secret_key"] = secret_key
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
