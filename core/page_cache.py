"""Whole heavy pages kept in each server's memory for the person who asked,
until anything they show may have changed (ADR 0022).

`cached_page` wraps a view (the board home, the chair's dashboard, the
scorecard, all actions). It serves a page again only to the session that
asked for it, for the same address and query string, on the same day, while
no table the page read has changed since it was drawn (core.data_version:
the database records, per table, the data version at which it last changed).
A change to such a table marks it in the database, so a stale page is never
a hit, on this server or any other; each server keeps its own copies and
nothing is shared.

What is never kept: an answer other than a 200 HTML page (errors, refusals,
redirects, CSV or XLSX downloads), one that sets a cookie, anything but a GET,
an anonymous visit, a page drawn while the person had flash messages waiting
(they are shown once) or that queued one. The view's own headers are kept;
everything the middleware outside the view adds (the security headers, the
CSRF and session cookies' renewal, the request id) is added to a hit as to a
fresh page, since the cache sits inside them, at the view.

Memory is bounded: at most ASSURE_PAGE_CACHE_MB megabytes of pages per
process (least recently used dropped first); 0 turns the cache off, as the
test settings do so that every other test measures the uncached page.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from core import data_version

#: What the request log says of a page the cache served or stored
#: (core.middleware.RequestIdMiddleware logs it as `page_cache`).
HIT = "hit"
MISS = "miss"


#: Tables read before the view runs (the session's person and their
#: authenticator), which the page shows or depends on too.
READ_BEFORE_THE_VIEW = ("auth_user", "otp_totp_totpdevice", "otp_static_staticdevice")

_WORD = re.compile(r"[A-Za-z0-9_]+")


@dataclass(frozen=True)
class Page:
    content: bytes
    status: int
    headers: tuple[tuple[str, str], ...]
    #: The data version read before the page was drawn, and the tables the
    #: drawing read: the page stands while none of them changed after it.
    version: int
    tables: frozenset[str]


class PageStore:
    """A least-recently-used store of pages bounded by their total size."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._pages: OrderedDict[str, Page] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn's threaded workers share a process

    def get(self, key: str) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: Page) -> None:
        if len(page.content) > self.max_bytes // 4:
            return  # one page must not push out everyone else's
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self.size -= len(old.content)
            self._pages[key] = page
            self.size += len(page.content)
            while self.size > self.max_bytes:
                _, dropped = self._pages.popitem(last=False)
                self.size -= len(dropped.content)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._pages)


_store: PageStore | None = None


def store() -> PageStore | None:
    """This process's store, made at the first use with the size settings
    give; None when the cache is off."""
    global _store
    max_bytes = settings.ASSURE_PAGE_CACHE_MB * 1024 * 1024
    if max_bytes <= 0:
        return None
    if _store is None or _store.max_bytes != max_bytes:
        _store = PageStore(max_bytes)
    return _store


def _has_messages(request: HttpRequest) -> bool:
    """Flash messages waiting to be shown (or already queued by this request)."""
    return len(messages.get_messages(request)) > 0


@functools.cache
def known_tables() -> frozenset[str]:
    """Every installed model's table."""
    return frozenset(m._meta.db_table for m in apps.get_models(include_auto_created=True))


class TablesRead:
    """Notes the tables every query names while the view draws the page (an
    execute wrapper): any word of the SQL that is a model's table, quoted or
    not, so a table is never missed (a stray match only costs a miss)."""

    def __init__(self) -> None:
        self.tables: set[str] = set(READ_BEFORE_THE_VIEW)

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        known = known_tables()
        self.tables.update(w for w in _WORD.findall(sql) if w in known)
        return execute(sql, params, many, context)


def page_key(request: HttpRequest) -> str | None:
    """The page's key, or None when it must not be cached. The session's key
    ties it to one person's sign-in (a new sign-in is a new session); the
    CSRF secret to the token inside the page, which then stays valid."""
    session_key = request.session.session_key
    csrf_secret = request.META.get("CSRF_COOKIE")
    if not session_key or not csrf_secret:
        return None
    parts = [
        request.get_full_path(),
        timezone.localdate().isoformat(),  # pages say "overdue" and "this year"
        session_key,
        str(request.user.pk),
        csrf_secret,
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    storage = messages.get_messages(request)
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.has_header("Content-Disposition")
        and not response.cookies
        and not getattr(storage, "used", False)
        and not _has_messages(request)
    )


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve `view`'s page from this server's memory when the same session
    asked for the same page since the data last changed today (module
    docstring). Put it next to the view, inside login_required and
    require_GET."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        pages = store()
        if (
            pages is None
            or request.method != "GET"
            or not request.user.is_authenticated
            or _has_messages(request)
        ):
            return view(request, *args, **kwargs)
        key = page_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        page = pages.get(key)
        if page is not None and not data_version.changed_since(page.version, page.tables):
            get_token(request)  # the CSRF cookie is renewed as a fresh page renews it
            response = HttpResponse(page.content, status=page.status, headers=dict(page.headers))
            request.page_cache = HIT  # type: ignore[attr-defined]
            return response
        # Read before the page is drawn: every change it counts is in the page.
        version = data_version.current()
        if version is None:
            return view(request, *args, **kwargs)
        read = TablesRead()
        with connection.execute_wrapper(read):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        if _storable(request, response):
            headers = tuple((k, v) for k, v in response.items())
            content = bytes(response.content)
            pages.put(
                key, Page(content, response.status_code, headers, version, frozenset(read.tables))
            )
            request.page_cache = MISS  # type: ignore[attr-defined]
        return response

    return wrapper
