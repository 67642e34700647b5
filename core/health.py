"""The health page a load balancer probes: is this server fit to take
requests? It answers 200 when the database answers, every migration on the
disk is applied and the file storage takes a write, else 503.

Its answer names nothing (a probe may come from anywhere the proxy lets
through): which check failed, and why, goes to the log only. It opens no
session and sets no cookie, and costs two queries and one small file.
"""

from __future__ import annotations

import logging
import uuid
from functools import cache

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

logger = logging.getLogger("assure.health")

#: Where the storage probe writes (and at once deletes) its file.
PROBE_FOLDER = "health-probe"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


@cache
def migrations_on_disk() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """Every migration this code has, with the ones each squashed migration
    replaces. Read from the disk once per process: the code does not change
    under a running server, while the database may (a restore)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        key: tuple(loader.disk_migrations[key].replaces)
        for key in loader.graph.nodes
        if key in loader.disk_migrations
    }


def check_migrations() -> None:
    """One query: the migrations the database records against the ones on the
    disk. A squashed migration counts as applied when everything it replaces
    is (Django records those, not the squash)."""
    applied = set(MigrationRecorder(connection).migration_qs.values_list("app", "name"))
    missing = [
        key
        for key, replaces in migrations_on_disk().items()
        if key not in applied and not (replaces and set(replaces) <= applied)
    ]
    if missing:
        names = ", ".join(f"{app}.{name}" for app, name in sorted(missing))
        raise RuntimeError(f"{len(missing)} migration(s) not applied: {names}")


def check_storage() -> None:
    """Write a few bytes through the storage API and delete them: the folder
    or bucket published reports go to takes files."""
    name = default_storage.save(f"{PROBE_FOLDER}/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)


CHECKS = (
    ("database", check_database),
    ("migrations", check_migrations),
    ("storage", check_storage),
)


def failed_check() -> str | None:
    """The name of the first check that fails (logged with its reason), or None.
    A check after a failed one is not tried: with the database down, the
    migrations cannot be read either."""
    for name, check in CHECKS:
        try:
            check()
        except Exception:
            logger.exception("Health check failed: %s", name, extra={"check": name})
            return name
    return None


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD"])
def health(request: HttpRequest) -> HttpResponse:
    if failed_check() is None:
        return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    return HttpResponse("unavailable\n", status=503, content_type="text/plain; charset=utf-8")
