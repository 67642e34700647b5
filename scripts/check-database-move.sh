#!/usr/bin/env bash
# Move the past reports from SQLite to PostgreSQL and back with export_data
# and import_data, and check that every export is the same file. Needs the
# PostgreSQL server .ci/run starts; the URL names a database it may recreate.
set -euo pipefail
cd "$(dirname "$0")/.."
pg_url=${1:?usage: scripts/check-database-move.sh postgres://user:password@host:port/database}
pg_name=${pg_url##*/}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
manage() { .venv/bin/python manage.py "$@"; }

su postgres -c "dropdb --if-exists $pg_name && createdb -O assure $pg_name"

DATABASE_URL="sqlite:///$work/first.sqlite3" manage migrate --no-input -v0
DATABASE_URL="sqlite:///$work/first.sqlite3" manage load_past_reports >/dev/null
DATABASE_URL="sqlite:///$work/first.sqlite3" manage export_data "$work/from-sqlite.json"

DATABASE_URL="$pg_url" manage migrate --no-input -v0
DATABASE_URL="$pg_url" manage import_data "$work/from-sqlite.json"
DATABASE_URL="$pg_url" manage export_data "$work/from-postgresql.json"

DATABASE_URL="sqlite:///$work/second.sqlite3" manage migrate --no-input -v0
DATABASE_URL="sqlite:///$work/second.sqlite3" manage import_data "$work/from-postgresql.json"
DATABASE_URL="sqlite:///$work/second.sqlite3" manage export_data "$work/back-in-sqlite.json"

cmp "$work/from-sqlite.json" "$work/from-postgresql.json"
cmp "$work/from-postgresql.json" "$work/back-in-sqlite.json"
echo "Moved $(grep -c '"model"' "$work/from-sqlite.json") records SQLite -> PostgreSQL -> SQLite: every export identical."
