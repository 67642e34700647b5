"""Serving a stored file (a published annual report's snapshot, a
scorecard document), for the signed-in pages and the public page alike.

Every download reads the file through the storage API and checks its
SHA-256 against the one recorded when it was stored before a byte is sent
(reports.snapshots.read_verified). A file that is gone or no longer matches
is never served: the person sees a page saying so, and the event is logged
with the board, the document, the format and both checksums, for whoever
keeps the storage to restore the file from a backup.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from reports import snapshots
from reports.models import ScorecardDocument, Snapshot

logger = logging.getLogger("reports.integrity")

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}

#: How long a browser or a shared cache may keep a public file: a version's
#: bytes never change at its address, but a board may turn its page off.
PUBLIC_MAX_AGE = 24 * 60 * 60


@dataclass
class Stored:
    """One stored file and what it is, for serving and for the log."""

    board: Any
    what: str  # "Luton annual report 2016-17 version 2", for people and the log
    fmt: str
    name: str  # the file's name in the storage
    sha256: str
    back_url: str  # where the error page sends the person

    @property
    def filename(self) -> str:
        return self.name.rsplit("/", 1)[-1]


def snapshot_file(snapshot: Snapshot, fmt: str, back_url: str) -> Stored:
    report = snapshot.report
    return Stored(
        board=report.board,
        what=f"{report.title}, version {snapshot.version}",
        fmt=fmt,
        name=snapshot.path(fmt),
        sha256=snapshot.sha256(fmt),
        back_url=back_url,
    )


def scorecard_file(document: ScorecardDocument, fmt: str, back_url: str) -> Stored:
    return Stored(
        board=document.board,
        what=f"the scorecard of {document.board.name} made {document.created:%-d %B %Y}",
        fmt=fmt,
        name=document.path(fmt),
        sha256=document.sha256(fmt),
        back_url=back_url,
    )


def _repr_digest(sha256: str) -> str:
    try:
        return base64.b64encode(binascii.unhexlify(sha256)).decode()
    except (binascii.Error, ValueError):
        return ""


def serve(request: HttpRequest, stored: Stored, *, public: bool) -> HttpResponseBase:
    """The file, checked; or the page saying it cannot be served. Public
    files may be cached by anyone (their address names one version, whose
    bytes never change) and revalidate by their SHA-256; signed-in
    downloads are never cached."""
    etag = f'"{stored.sha256}"'
    if public and etag in request.headers.get("If-None-Match", ""):
        response: HttpResponseBase = HttpResponseNotModified()
        response["ETag"] = etag
        _cache(response, public=True)
        return response
    try:
        handle = snapshots.read_verified(stored.name, stored.sha256)
    except snapshots.FileUnavailable as exc:
        return unavailable(request, stored, exc, public=public)
    response = FileResponse(
        handle,
        content_type=CONTENT_TYPES[stored.fmt],
        as_attachment=stored.fmt not in ("html",),
        filename=stored.filename,
    )
    digest = _repr_digest(stored.sha256)
    if digest:
        response["Repr-Digest"] = f"sha-256=:{digest}:"
    response["ETag"] = etag
    _cache(response, public=public)
    if stored.fmt == "html":
        _allow_frozen_styles(response, handle)
    return response


def _cache(response: HttpResponseBase, *, public: bool) -> None:
    if public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE, immutable=True)
    else:
        response["Cache-Control"] = "private, max-age=0"


def _allow_frozen_styles(response: HttpResponseBase, handle: Any) -> None:
    """A snapshot's page carries its stylesheet inside it; the policy allows
    exactly that stylesheet's SHA-256 and no other inline style, and images
    from data: URIs (the board's logo is frozen into the page as one)."""
    html = handle.read()
    handle.seek(0)
    sources = snapshots.stylesheet_sources(html)
    if sources:
        policy: dict[str, Any] = dict(settings.SECURE_CSP)
        policy["style-src"] = [*policy.get("style-src", []), *sources]
        policy["img-src"] = [*policy.get("img-src", []), "data:"]
        response._csp_config = policy  # type: ignore[attr-defined]


def unavailable(
    request: HttpRequest, stored: Stored, exc: snapshots.FileUnavailable, *, public: bool
) -> HttpResponse:
    """Log the file that must not be served and tell the person why."""
    user = request.user
    logger.error(
        "Refused to serve %s (%s) of board %s: the stored file %s %s "
        "(recorded SHA-256 %s, found %s); asked for by %s",
        stored.what,
        stored.fmt.upper(),
        stored.board.slug,
        stored.name,
        exc.problem,
        stored.sha256,
        exc.found or "nothing",
        "the public page" if public or not user.is_authenticated else user.get_username(),
        extra={
            "board": stored.board.slug,
            "document": stored.what,
            "format": stored.fmt,
            "file": stored.name,
            "expected_sha256": stored.sha256,
            "found_sha256": exc.found,
        },
    )
    response = render(
        request,
        "reports/file_unavailable.html",
        {"stored": stored, "public": public, "missing": not exc.found},
        status=500,
    )
    response["Cache-Control"] = "no-store"
    return response
