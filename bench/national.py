"""Assure at national volume: 150 synthetic boards, each at ten times the
seeds' volume, in one PostgreSQL database, and every list, dashboard and
scorecard page of one of them.

For each page of the first board it prints the median over RUNS requests
(Django's test client, in process, DEBUG off) and the number of queries, once
with that board alone in the database and again with all 150, and it runs
PostgreSQL's EXPLAIN on every query the pages ran at 150 boards. It fails
(exit status 1) when a page's query count differs between 1 and 150 boards,
or when a plan reads a large table (more than LARGE_TABLE rows) by a
sequential scan: at national volume a board's rows are a small part of every
table, so such a scan reads every other board's rows too. The plans go to
bench/results/national-plans.txt; the figures to bench/results/national.txt.

    make bench-national                  # fills a fresh database (a few minutes)
    make bench-national ARGS=--keep      # measures the database the last run filled

The database is DATABASE_URL's if that names PostgreSQL, else
assure_bench_national on 127.0.0.1; the benchmark drops and recreates it
(unless --keep), so it refuses a database whose name does not say "bench".
Every record in it is synthetic (bench/synthetic.py) and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOARDS = 150
SCALE = 10
RUNS = 15
#: A table with more rows than this must not be read by a sequential scan.
LARGE_TABLE = 1000
BUDGET_ONE_MS = 50  # DESIGN.md: a page at ten times the seeds' volume
BUDGET_NATIONAL_MS = 80  # DESIGN.md: a page of one board among 150
DEFAULT_URL = "postgres://assure:assure@127.0.0.1:5432/assure_bench_national"
RESULTS = ROOT / "bench" / "results"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = DEFAULT_URL
    return url


def _recreate_database(url: str) -> None:
    """Drop and create the benchmark's database, through the server's
    `postgres` database."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(
            f"Refusing to drop the database {name!r}: the national benchmark recreates its "
            "database, so its name must contain 'bench' (or pass --keep)."
        )
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


#: PostgreSQL's cost of reading a page out of order, set on the benchmark's
#: database. Its default (4) was chosen for spinning disks; on SSD-class
#: storage (any server Assure runs on) 1.1 is the usual setting, and with
#: the default PostgreSQL read a table of 20,000-30,000 rows whole rather
#: than look up a board's 140-220 of them by index. The README's deployment
#: section says to set it on the production database too.
RANDOM_PAGE_COST = "1.1"


def _tune(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" SET random_page_cost = {RANDOM_PAGE_COST}')


def _configure(url: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["DEBUG"] = "0"  # measured as production runs
    os.environ.setdefault("SECRET_KEY", "assure-benchmark-only-" + "n" * 40)
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["AXES_ENABLED"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DATABASE_URL"] = url
    # The pages' own speed: drawn every time, never a page cache hit (ADR 0022).
    os.environ["ASSURE_PAGE_CACHE_MB"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not a line per request
    import django

    django.setup()


def conditions() -> str:
    """What the machine was doing: the figures mean little without it."""
    import platform

    load = os.getloadavg()
    return (
        f"Conditions: {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, "
        f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
        f"Python {platform.python_version()}"
    )


def signed_in_client(board: Any) -> Any:
    """A test client signed in as the board's business manager, past the
    second factor as the code step leaves a session."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from board.accounts import user_save
    from core import roles

    user, _ = user_save(
        username=f"bench-{board.slug}",
        role=roles.BUSINESS_MANAGER,
        boards=[board],
        password="bench-password-123",
    )
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _walk(patterns: Any, prefix: str = "", namespace: str = "") -> Any:
    from django.urls import URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace + (f"{p.namespace}:" if p.namespace else "")
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif p.name:
            yield prefix + str(p.pattern), namespace + p.name


def board_pages(board: Any) -> dict[str, tuple[str, dict[str, str]]]:
    """Every GET page of a board found by walking the URLconf: each route
    under boards/<board>/ whose only parameter is the board, then the detail
    pages a chair or business manager opens most (a plan, an action, an
    indicator, a risk) with the synthetic board's own objects, and the
    attendance matrix of its strategic board's year."""
    from django.urls import get_resolver, reverse

    pages: dict[str, tuple[str, dict[str, str]]] = {}
    for route, name in _walk(get_resolver().url_patterns):
        if not route.startswith("boards/<slug:board>/"):
            continue
        if re.findall(r"<[^>]+>", route) != ["<slug:board>"]:
            continue
        pages[name] = (reverse(name, kwargs={"board": board.slug}), {})
    group = board.groups.order_by("pk").first()
    if group is not None:
        pages["board:meetings (a group's year)"] = (
            reverse("board:meetings", kwargs={"board": board.slug}),
            {"group": group.slug, "year": "2016-17"},
        )
    from priorities.models import ActionPlan

    plan = ActionPlan.objects.filter(board=board).order_by("pk").first()
    if plan is not None:
        pages["priorities:plan"] = (
            reverse("priorities:plan", kwargs={"board": board.slug, "plan": plan.slug}),
            {},
        )
        action = plan.actions.order_by("position").first()
        if action is not None:
            pages["priorities:action"] = (
                reverse(
                    "priorities:action",
                    kwargs={"board": board.slug, "plan": plan.slug, "ref": action.ref},
                ),
                {},
            )
    from indicators.models import Indicator

    indicator = Indicator.objects.filter(board=board).order_by("position").first()
    if indicator is not None:
        pages["indicators:indicator"] = (
            reverse(
                "indicators:indicator", kwargs={"board": board.slug, "indicator": indicator.code}
            ),
            {},
        )
    risk = board.risks.order_by("pk").first()
    if risk is not None:
        pages["board:risk"] = (
            reverse("board:risk", kwargs={"board": board.slug, "ref": risk.ref}),
            {},
        )
    return pages


def measure_pages(
    client: Any, pages: dict[str, tuple[str, dict[str, str]]], runs: int, explain: bool
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Median time and query count of every page that answers 200 with
    HTML; the rest are named with their status or type and left out. With
    `explain`, also each page's SELECTs (SQL as PostgreSQL received it)."""
    from django.db import connection

    results: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    for name, (url, params) in sorted(pages.items()):
        response = client.get(url, params)  # warm: caches, first-use imports
        kind = response.get("Content-Type", "")
        if response.status_code != 200 or not kind.startswith("text/html"):
            skipped[name] = f"{response.status_code} {kind.split(';')[0]}"
            continue
        captured: list[tuple[str, Any]] = []

        def capture(
            execute: Any, sql: str, params: Any, many: bool, context: Any, log: Any = captured
        ) -> Any:
            log.append((sql, params))
            return execute(sql, params, many, context)

        # A wrapper rather than CaptureQueriesContext: each request closes
        # its connection (CONN_MAX_AGE 0), and the wrapper outlives that.
        with connection.execute_wrapper(capture):
            client.get(url, params)
        samples = []
        cpu = []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, params)
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        results[name] = {
            "url": url
            + (("?" + "&".join(f"{k}={v}" for k, v in params.items())) if params else ""),
            "median_ms": statistics.median(samples),
            # This process's CPU alone (not PostgreSQL's): moves less with
            # the machine's load than the time on the clock.
            "cpu_ms": statistics.median(cpu),
            "max_ms": max(samples),
            "queries": len(captured),
            "sql": [
                (sql, list(params) if params is not None else None)
                for sql, params in captured
                if explain and sql.lstrip().upper().startswith(("SELECT", "WITH"))
            ],
        }
    return results, skipped


_SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


def seq_scanned(plan: str) -> list[str]:
    """The tables a plan (EXPLAIN's text) reads by a sequential scan,
    parallel or not."""
    return _SEQ_SCAN.findall(plan)


def explain_all(results: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    """PostgreSQL's plan of every SELECT the pages ran; the lines for the
    plans file, and the sequential scans of large tables (page, table, rows)."""
    from django.db import connection

    sizes: dict[str, int] = {}
    plan_lines: list[str] = []
    offenders: list[str] = []
    with connection.cursor() as cursor:
        for name, result in sorted(results.items()):
            plan_lines.append(f"=== {name} ({result['url']}): {len(result['sql'])} SELECTs")
            for i, (sql, params) in enumerate(result["sql"], 1):
                cursor.execute("EXPLAIN " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                plan_lines += [f"--- query {i}", sql, f"params: {params}", plan, ""]
                for table in seq_scanned(plan):
                    if table not in sizes:
                        cursor.execute(f'SELECT count(*) FROM "{table}"')
                        sizes[table] = cursor.fetchone()[0]
                    if sizes[table] > LARGE_TABLE:
                        # A query with no WHERE asks for every row (a choice
                        # list of every agency, say): no index can help it,
                        # only asking for less.
                        whole = " WHERE " not in sql.upper()
                        offenders.append(
                            f"{name}: query {i} reads {table} ({sizes[table]:,} rows) "
                            "by a sequential scan"
                            + (" (the query asks for every row)" if whole else "")
                        )
    return plan_lines, offenders


def fill(first: int, last: int) -> tuple[float, int]:
    """Boards `first` to `last` of the national database; seconds taken and
    rows written."""
    from django.db import connection

    from bench.synthetic import generate

    start = time.perf_counter()
    for number in range(first, last + 1):
        generate(scale=SCALE, number=number)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT sum(n_live_tup) FROM pg_stat_user_tables")
        rows = int(cursor.fetchone()[0] or 0)
    return time.perf_counter() - start, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--keep",
        action="store_true",
        help="measure the database a previous run filled (fill it only if it is empty)",
    )
    parser.add_argument("--boards", type=int, default=BOARDS, help="boards to fill (150)")
    parser.add_argument("--runs", type=int, default=RUNS, help="requests per page (median)")
    args = parser.parse_args(argv)

    url = _database_url()
    if not args.keep:
        _recreate_database(url)
    _tune(url)
    _configure(url)

    from django.core.management import call_command

    from board.models import Board

    lines = [
        f"National volume: {args.boards} synthetic boards at {SCALE} times the seeds' volume, "
        f"PostgreSQL ({urlsplit(url).path.lstrip('/')}, random_page_cost {RANDOM_PAGE_COST}), "
        f"DEBUG off, median of {args.runs}",
        conditions(),
    ]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    lines.append(f"Migrated and collected static files in {time.perf_counter() - started:.1f} s")
    RESULTS.mkdir(exist_ok=True)
    saved = RESULTS / "national-one-board.json"
    existing = Board.objects.filter(slug__startswith=f"synthetic-x{SCALE}-").count()
    one: dict[str, dict[str, Any]] = {}
    if existing == 0:
        seconds, rows = fill(1, 1)
        lines.append(f"Filled board 1 in {seconds:.1f} s ({rows:,} rows in the database)")
        board = Board.objects.get(slug=f"synthetic-x{SCALE}-001")
        client = signed_in_client(board)
        one, _ = measure_pages(client, board_pages(board), args.runs, explain=False)
        saved.write_text(json.dumps(one, indent=1))
        existing = 1
    elif saved.exists():
        one = json.loads(saved.read_text())
        made = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(saved.stat().st_mtime))
        lines.append(
            f"One board's figures from the run that filled the database ({saved.name}, {made}): "
            "after a change to the code, run without --keep to compare like with like"
        )
    if existing < args.boards:
        seconds, rows = fill(existing + 1, args.boards)
        lines.append(
            f"Filled boards {existing + 1}-{args.boards} in {seconds:.1f} s "
            f"({rows:,} rows in the database)"
        )
    board = Board.objects.get(slug=f"synthetic-x{SCALE}-001")
    client = signed_in_client(board)
    many, skipped = measure_pages(client, board_pages(board), args.runs, explain=True)
    plan_lines, offenders = explain_all(many)

    failures: list[str] = []
    lines.append(
        f"{'page':<42} {'queries 1/' + str(args.boards):>14} {'1 board':>9} "
        f"{str(args.boards) + ' boards':>11} {'(CPU)':>8}  budget {BUDGET_ONE_MS}/{BUDGET_NATIONAL_MS} ms"
    )
    for name, result in sorted(many.items()):
        before = one.get(name, {})
        q1 = before.get("queries", "-")
        m1 = before.get("median_ms")
        within = result["median_ms"] <= BUDGET_NATIONAL_MS and (m1 is None or m1 <= BUDGET_ONE_MS)
        lines.append(
            f"  {name:<40} {q1!s:>6}/{result['queries']:<6} "
            f"{(f'{m1:.1f}' if m1 is not None else '-'):>7} ms {result['median_ms']:>8.1f} ms "
            f"{result['cpu_ms']:>6.1f}  "
            f"{'ok' if within else 'OVER BUDGET'}"
        )
        if before and before["queries"] != result["queries"]:
            failures.append(
                f"{name}: {before['queries']} queries with one board, "
                f"{result['queries']} with {args.boards}"
            )
    if skipped:
        lines.append(
            "Not measured (not an HTML page on GET): "
            + ", ".join(f"{n} ({why})" for n, why in sorted(skipped.items()))
        )
    total = sum(len(r["sql"]) for r in many.values())
    lines.append(
        f"Plans of {total} SELECTs in bench/results/national-plans.txt; "
        f"sequential scans of a table over {LARGE_TABLE:,} rows: {len(offenders)}"
    )
    lines += [f"  {o}" for o in offenders]
    failures += offenders
    (RESULTS / "national-plans.txt").write_text("\n".join(plan_lines) + "\n")
    report = "\n".join(lines)
    print(report)
    (RESULTS / "national.txt").write_text(report + "\n")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
