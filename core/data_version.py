"""The data version: a number that goes up whenever anything a page may show
has changed (ADR 0022). Cached pages (core.page_cache) are keyed on it, so a
change makes every cached page a miss on every server at once, and a page
cached under the new number was drawn from data at least as new.

The database keeps it, not Django: a trigger on every table (but the few in
EXCLUDED, written on every request or sign-in attempt and shown on no cached
page) bumps the one row of `core_data_version`. So the services, the admin,
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

from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "core_data_version"
TRIGGER = "assure_data_version"
#: PostgreSQL's transaction-local setting: this transaction has bumped.
BUMPED = "assure.data_version_bumped"
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
        "django_session",
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accesslog",
        "axes_accessfailurelog",
    }
)

_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{BUMPED}', true) IS DISTINCT FROM 'on' THEN
        UPDATE {TABLE} SET number = number + 1 WHERE id = 1;
        PERFORM set_config('{BUMPED}', 'on', true);
    END IF;
    RETURN NULL;
END
$$
"""


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
                    f"BEGIN UPDATE {TABLE} SET number = number + 1 WHERE id = 1; END"
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


def current(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The version now: one read of one row by its key. None if the row is
    missing (a database emptied by `flush`), when nothing may be cached."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT number FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else int(row[0])
