"""Assure's benchmarks: fixture load time and page medians at ten times the
seeds' volume, on a throw-away SQLite database. Prints a table; writes it to
bench/results/latest.txt too.

    make bench
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
# Measured as production runs: DEBUG off (template debugging costs a lot).
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "assure-benchmark-only-" + "b" * 40)
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["AXES_ENABLED"] = "0"
# The pages' own speed: drawn every time, never a page cache hit (ADR 0022).
os.environ["ASSURE_PAGE_CACHE_MB"] = "0"
os.environ["ALLOWED_HOSTS"] = "testserver"
DB = Path(tempfile.mkdtemp(prefix="assure-bench-")) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"

import django  # noqa: E402

django.setup()

from bench.annual_report import quiet_logs  # noqa: E402

quiet_logs()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from bench.synthetic import generate  # noqa: E402
from board.accounts import user_save  # noqa: E402
from core import roles  # noqa: E402

RUNS = 30


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    lines = []
    load_ms = timed(lambda: call_command("load_past_reports", stdout=StringIO()))
    lines.append(
        f"load_past_reports (all fixtures, empty database): {load_ms:.0f} ms (budget 5000 ms)"
    )
    reload_ms = timed(lambda: call_command("load_past_reports", stdout=StringIO()))
    lines.append(
        f"load_past_reports again (nothing to change): {reload_ms:.0f} ms (budget 5000 ms)"
    )
    board = generate(scale=10)
    user, _ = user_save(
        username="bench", role=roles.BUSINESS_MANAGER, boards=[board], password="bench-password-123"
    )
    client = Client()
    client.force_login(user)
    # A business manager signs in with a code too: mark the session as
    # having given one, as the code step does.
    device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    pages = {
        "board home": (reverse("board:home", kwargs={"board": board.slug}), {}),
        "members": (reverse("board:members", kwargs={"board": board.slug}), {}),
        "attendance matrix": (
            reverse("board:meetings", kwargs={"board": board.slug}),
            {"group": "synthetic-board-x10", "year": "2016-17"},
        ),
        "budget": (reverse("board:budget", kwargs={"board": board.slug}), {"year": "2016-17"}),
        "risk log": (reverse("board:risks", kwargs={"board": board.slug}), {}),
        "seats": (reverse("board:member_list", kwargs={"board": board.slug}), {}),
        "groups": (reverse("board:group_list", kwargs={"board": board.slug}), {}),
        "contributions": (
            reverse("board:contribution_list", kwargs={"board": board.slug}),
            {"year": "2016-17"},
        ),
        "training": (reverse("training:training", kwargs={"board": board.slug}), {}),
        "scorecard": (reverse("reports:scorecard", kwargs={"board": board.slug}), {}),
    }
    try:
        pages["all actions"] = (reverse("priorities:actions", kwargs={"board": board.slug}), {})
        pages["chair's dashboard"] = (
            reverse("reports:dashboard", kwargs={"board": board.slug}),
            {},
        )
        pages["plan page"] = (
            reverse("priorities:plan", kwargs={"board": board.slug, "plan": "synthetic-plan"}),
            {},
        )
    except Exception:
        pass
    lines.append(f"Pages at 10x the seeds' volume, median of {RUNS} (budget 50 ms):")
    for name, (url, params) in pages.items():
        client.get(url, params)  # warm
        samples = []
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get(url, params)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        lines.append(f"  {name:<20} {statistics.median(samples):6.1f} ms  (max {max(samples):.1f})")
    from bench.annual_report import measure as measure_annual_report

    lines += measure_annual_report(board, client)
    report = "\n".join(lines)
    print(report)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.txt").write_text(report + "\n")


if __name__ == "__main__":
    main()
