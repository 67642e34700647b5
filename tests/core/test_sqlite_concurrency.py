"""The embedded SQLite database survives a few people saving at once.

Each test opens its own SQLite file with the options Assure's settings give
SQLite, whatever database the rest of the suite runs on, and races two
writers in two threads, each on its own connection, as two gunicorn workers
would.
"""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

from config.settings.base import SQLITE_OPTIONS


def _connection(path: Path, options: dict[str, Any]) -> DatabaseWrapper:
    settings_dict = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": dict(options),
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
    return DatabaseWrapper(settings_dict, alias=f"race-{threading.get_ident()}")


def _race(path: Path, options: dict[str, Any], saves: list[int] | None = None) -> list[str]:
    """Two saves that each read, think, then write, overlapping in time, as
    a conditional update of an action does. Returns the errors they met, and
    adds to `saves` how many saves reached the database."""
    saves = saves if saves is not None else []
    setup = _connection(path, options)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS action (id INTEGER PRIMARY KEY, version INT)")
        cursor.execute("INSERT OR REPLACE INTO action (id, version) VALUES (1, 1)")
    setup.close()
    errors: list[str] = []
    both_reading = threading.Barrier(2, timeout=5)

    def save() -> None:
        # Each thread, like each gunicorn worker, has its own connection,
        # and saves through Django's own transaction handling.
        connection = _connection(path, options)
        connections[connection.alias] = connection
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute("SELECT version FROM action WHERE id = 1")
                (version,) = cursor.fetchone()
                with contextlib.suppress(threading.BrokenBarrierError):
                    both_reading.wait(timeout=0.5)
                time.sleep(0.2)
                cursor.execute("UPDATE action SET version = %s WHERE id = 1", [version + 1])
        except Exception as exc:  # what a person would see as a 500
            errors.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check = _connection(path, options)
    with check.cursor() as cursor:
        cursor.execute("SELECT version FROM action WHERE id = 1")
        saves.append(cursor.fetchone()[0] - 1)
    check.close()
    return errors


@pytest.fixture(autouse=True)
def _own_database(django_db_blocker: Any) -> Any:
    """These tests use their own SQLite files, not the suite's database."""
    with django_db_blocker.unblock():
        yield


def test_two_simultaneous_saves_both_succeed_with_assures_sqlite_options(tmp_path: Path) -> None:
    saves: list[int] = []
    assert _race(tmp_path / "assure.sqlite3", SQLITE_OPTIONS, saves) == []
    assert saves == [2]  # the second waited for the first, then read its write


def test_without_those_options_the_same_race_fails_with_database_is_locked(
    tmp_path: Path,
) -> None:
    """The race above is a real one: SQLite's defaults lose it."""
    errors = _race(tmp_path / "plain.sqlite3", {"timeout": 0.05})
    assert any("database is locked" in error for error in errors)


def test_the_sqlite_file_is_in_write_ahead_logging_mode(tmp_path: Path) -> None:
    connection = _connection(tmp_path / "wal.sqlite3", SQLITE_OPTIONS)
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone() == ("wal",)
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone() == (SQLITE_OPTIONS["timeout"] * 1000,)
    finally:
        connection.close()


def test_a_busy_timeout_alone_is_not_enough(tmp_path: Path) -> None:
    """Without immediate transactions, a save that read first cannot upgrade
    to a write while the other holds it, however long it waits."""
    options = {key: value for key, value in SQLITE_OPTIONS.items() if key != "transaction_mode"}
    errors = _race(tmp_path / "deferred.sqlite3", options)
    assert any("database is locked" in error for error in errors)
