"""The data version: a number that goes up whenever anything a page may show
has changed, and for each table the number at which it last changed (ADR
0022). A cached page (core.page_cache) remembers the number read before it
was drawn and the tables it read; a change to any of them gives the table a
higher number, so the page is a miss on every server at once.

The database keeps it, not Django: a trigger on every table (but the few in
EXCLUDED, written on every request or sign-in attempt and shown on no cached
page) bumps the one row of `core_data_version` and records, in
`core_table_version`, the version at which that table changed. So the services, the admin,
fixtures, management commands, imports, a queryset's `update()`, `delete()`
or `bulk_create()`, raw SQL and a person at `psql` all bump it; signals,
which the bulk paths skip, play no part. `install` puts the triggers on
every table after each `migrate` (post_migrate, core.apps), so a new model's
table gets its trigger without anyone remembering to add it.

PostgreSQL: one deferred constraint trigger per table, fired at commit, that
bumps the row once per transaction (a transaction-local setting remembers it
did). At commit, after every other lock the transaction takes, so waiting
for the row cannot deadlock with a data row; and the new number becomes
visible with the data, never before it (a reader that sees the new number
then reads the new data: READ COMMITTED reads after it see the commit).
SQLite: a row trigger per kind of write, bumping at once (SQLite writes one
transaction at a time anyway).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "core_data_version"
#: Each table's version: the data version at which it last changed.
TABLES = "core_table_version"
#: The row of TABLES that every `migrate` moves: pages depend on it too.
EVERYTHING = "*"
TRIGGER = "assure_data_version"
#: PostgreSQL's transaction-local setting: the tables this transaction has
#: recorded as changed ("|a|b|"); empty until it has bumped the version.
TOUCHED = "assure.data_version_tables"
#: PostgreSQL's session setting on the connection running `migrate`: its
#: writes queue no trigger (an ALTER TABLE after a data change in the same
#: migration would be refused with "pending trigger events"); the version is
#: bumped once when the migrations are done instead.
MIGRATING = "assure.migrating"

#: Tables no cached page shows, written on every request (sessions) or sign-in
#: attempt (django-axes' records): bumping on them would make every page a miss.
EXCLUDED = frozenset(
    {
        TABLE,
        TABLES,
        "django_session",
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accesslog",
        "axes_accessfailurelog",
    }
)

# The version is bumped at the transaction's first recorded change, which
# takes the version row's lock before any table's row: every transaction
# takes those locks in the same order, one at a time, so they cannot
# deadlock one another.
_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    done text := coalesce(current_setting('{TOUCHED}', true), '');
BEGIN
    IF position('|' || TG_TABLE_NAME || '|' IN done) > 0 THEN
        RETURN NULL;
    END IF;
    IF done = '' THEN
        UPDATE {TABLE} SET number = number + 1 WHERE id = 1;
        done := '|';
    END IF;
    INSERT INTO {TABLES} (table_name, version)
        SELECT TG_TABLE_NAME, number FROM {TABLE} WHERE id = 1
        ON CONFLICT (table_name) DO UPDATE SET version = EXCLUDED.version;
    PERFORM set_config('{TOUCHED}', done || TG_TABLE_NAME || '|', true);
    RETURN NULL;
END
$$
"""


def _sqlite_body(table: str) -> str:
    return (
        f"BEGIN UPDATE {TABLE} SET number = number + 1 WHERE id = 1; "
        f"INSERT INTO {TABLES} (table_name, version) SELECT '{table}', number FROM {TABLE} "
        f"WHERE id = 1 ON CONFLICT (table_name) DO UPDATE SET version = excluded.version; END"
    )


def tables(connection: BaseDatabaseWrapper) -> list[str]:
    """Every table of an installed model that exists in this database, but
    the excluded ones."""
    existing = set(connection.introspection.table_names())
    names = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(t for t in names & existing if t not in EXCLUDED)


def triggered_tables(connection: BaseDatabaseWrapper) -> set[str]:
    """The tables that carry the trigger now."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s",
                [TRIGGER],
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"{TRIGGER}_%_delete"],
        )
        return {row[0] for row in cursor.fetchall()}


def install(connection: BaseDatabaseWrapper) -> list[str]:
    """Make sure the version's row exists and every table has the trigger;
    returns the tables that gained one. Safe to run again and again."""
    if TABLE not in connection.introspection.table_names():
        return []
    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"The data version has no triggers for {connection.vendor}.")
    missing = [t for t in tables(connection) if t not in triggered_tables(connection)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {TABLE} WHERE id = 1")
        if cursor.fetchone() is None:
            cursor.execute(f"INSERT INTO {TABLE} (id, number) VALUES (1, 0)")
        if connection.vendor == "postgresql":
            cursor.execute(_FUNCTION)
        for table in missing:
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE "
                    f"ON {quoted} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                    f"WHEN (current_setting('{MIGRATING}', true) IS DISTINCT FROM 'on') "
                    f"EXECUTE FUNCTION {TRIGGER}()"
                )
                continue
            for kind in ("insert", "update", "delete"):
                name = connection.ops.quote_name(f"{TRIGGER}_{table}_{kind}")
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {kind.upper()} ON {quoted} "
                    + _sqlite_body(table)
                )
    return missing


def pause_before_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """pre_migrate's receiver (core.apps): on PostgreSQL this connection's
    writes queue no trigger until the migrations are done. Only this
    connection's: every other server's writes still bump."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', false)", [MIGRATING])


def install_after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate's receiver (core.apps): a table a migration made or
    remade (SQLite remakes a table to alter it, dropping its triggers) gets
    its trigger, then the version is bumped: a migration may have changed
    data with no trigger firing (above). Bumped after the triggers are in
    place, so a write between the two is counted by one or the other."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'off', false)", [MIGRATING])
    install(connection)
    if TABLE in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET number = number + 1 WHERE id = 1")
            cursor.execute(
                f"INSERT INTO {TABLES} (table_name, version) "
                f"SELECT %s, number FROM {TABLE} WHERE id = 1 "
                f"ON CONFLICT (table_name) DO UPDATE SET version = excluded.version",
                [EVERYTHING],
            )


def current(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The version now: one read of one row by its key. None if the row is
    missing (a database emptied by `flush`), when nothing may be cached."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT number FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def changed_since(version: int, tables: Collection[str], using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether any of `tables` (or everything, at a `migrate`) changed after
    `version`, in one query by key. Also when the version went back or its
    row is gone (a database emptied by `flush` starts again from nothing)."""
    names = sorted({EVERYTHING, *tables})
    marks = ", ".join(["%s"] * len(names))
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(version) FROM {TABLES} WHERE table_name IN ({marks})), "
            f"(SELECT number FROM {TABLE} WHERE id = 1)",
            names,
        )
        changed, now = cursor.fetchone()
    return now is None or int(now) < version or (changed is not None and int(changed) > version)
