"""Where the heavy pages spend their time: pyinstrument over a few requests
of the board home, the chair's dashboard, the scorecard and all actions, on
a synthetic board at ten times the seeds' volume (SQLite, DEBUG off, as
bench/run.py measures them). Prints each page's call tree, trimmed to the
calls that take at least 2% of it.

    .venv/bin/python bench/pages_profile.py [page ...]
    .venv/bin/python bench/pages_profile.py --cached [page ...]

With --cached, the page served from the page cache (core.page_cache): what a
hit still costs (sessions, authentication, the second factor, axes, the
middleware), with django-axes on as deployed, and the queries a hit makes.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "assure-benchmark-only-" + "p" * 40)
os.environ["SECURE_SSL_REDIRECT"] = "0"
CACHED = "--cached" in sys.argv
os.environ["AXES_ENABLED"] = "1" if CACHED else "0"
os.environ["ASSURE_PAGE_CACHE_MB"] = "64" if CACHED else "0"
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["LOG_LEVEL"] = "WARNING"
if not os.environ.get("DATABASE_URL"):
    DB = Path(tempfile.mkdtemp(prefix="assure-profile-")) / "profile.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from bench.national import signed_in_client  # noqa: E402
from bench.synthetic import generate  # noqa: E402

REQUESTS = 10


def main(names: list[str]) -> None:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    board = generate(scale=10)
    client = signed_in_client(board)
    pages = {
        "home": reverse("board:home", kwargs={"board": board.slug}),
        "dashboard": reverse("reports:dashboard", kwargs={"board": board.slug}),
        "scorecard": reverse("reports:scorecard", kwargs={"board": board.slug}),
        "actions": reverse("priorities:actions", kwargs={"board": board.slug}),
    }
    if CACHED:  # the page keeps the token the sign-in page's cookie holds
        from django.conf import settings
        from django.middleware.csrf import _get_new_csrf_string

        client.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
    for name in names or list(pages):
        url = pages[name]
        client.get(url)
        if CACHED:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert getattr(response.wsgi_request, "page_cache", None) == "hit"
            print(f"===== {name}: a hit makes {len(queries)} queries:")
            for query in queries:
                print("   ", query["sql"][:160])
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(REQUESTS):
            assert client.get(url).status_code == 200
        profiler.stop()
        print(f"===== {name} ({url}), {REQUESTS} requests")
        print(profiler.output_text(color=False, show_all=False, time="percent_of_total"))


if __name__ == "__main__":
    main([a for a in sys.argv[1:] if a != "--cached"])
