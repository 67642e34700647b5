"""Assure's log lines: each carries the id of the request it belongs to, and in
production each is one JSON object, so a log collector can follow one request
across two servers and a proxy without parsing prose.

Plain Python only (no Django settings at import), so the logging
configuration can name these classes before Django has started.
"""

from __future__ import annotations

import contextvars
import json
import logging
import logging.config
import re
import uuid
from datetime import UTC, datetime
from typing import Any

#: The id of the request this thread (or task) is serving; None outside one,
#: for the background worker and management commands.
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "assure_request_id", default=None
)

#: What an id from a proxy must look like to be kept: a letter or digit, then
#: up to 127 more of letters, digits and `.`, `_`, `:`, `=`, `-` (a UUID,
#: nginx's $request_id, a cloud load balancer's trace id). Anything else, such
#: as a header carrying a line break, markup or a megabyte, is replaced.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}")

#: Attributes a log call may pass in `extra` that reach the JSON line. Only
#: these: Django passes the request object itself with some records, and its
#: representation holds the query string.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "page_cache", "check")


def request_id_from(header: str | None) -> str:
    """The proxy's id when it is sane, else a new one."""
    if header is not None and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


#: URL keywords whose values are secrets (an invitation's single-use link):
#: log lines show their place, not their value.
SECRET_URL_KWARGS = ("token",)


def loggable_path(request: Any) -> str:
    """A request's path without the query string, and with any secret the URL
    carries (an invitation's token) replaced by its name."""
    path = str(request.path)
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name in SECRET_URL_KWARGS:
            value = match.kwargs.get(name)
            if value:
                path = path.replace(str(value), "{" + name + "}")
    return path


class RequestContextFilter(logging.Filter):
    """Puts the current request's id on every record, so formatters (JSON or
    text) can show it (`-` outside a request), and hides an invitation's token
    in the path Django writes about a refused request ("Not Found: ...")."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        request = getattr(record, "request", None)
        if request is not None and isinstance(record.args, tuple):
            raw = getattr(request, "path", None)
            safe = loggable_path(request)
            if raw and safe != raw:
                record.args = tuple(safe if arg == raw else arg for arg in record.args)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message,
    request id, the request fields the request log passes, and the traceback
    when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get(),
        }
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a message argument Assure did not foresee still makes a line.
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(config: dict) -> None:
    """Django's LOGGING_CONFIG: the LOGGING dictionary, and Python's warnings
    (a library's UserWarning, a deprecation) as log lines of the `py.warnings`
    logger, so that with `json` every line on standard error is one object.
    Django no longer routes warnings into logging itself."""
    logging.config.dictConfig(config)
    logging.captureWarnings(True)


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING setting: one handler on standard error, in `text` (for
    people at a terminal) or `json` (for a log collector)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": "core.logs.RequestContextFilter"}},
        "formatters": {
            "text": {
                "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            },
            "json": {"()": "core.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_context"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # WeasyPrint logs each page it lays out at INFO; a 40-page report is noise.
            "axes": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},
            # runserver's own access line would repeat the request log without
            # its id, and with the query string; Assure's request log replaces it.
            "django.server": {"handlers": [], "propagate": False},
        },
    }
