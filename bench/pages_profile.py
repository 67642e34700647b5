"""Where the heavy pages spend their time: pyinstrument over a few requests
of the board home, the chair's dashboard, the scorecard and all actions, on
a synthetic board at ten times the seeds' volume (SQLite, DEBUG off, as
bench/run.py measures them). Prints each page's call tree, trimmed to the
calls that take at least 2% of it.

    .venv/bin/python bench/pages_profile.py [page ...]
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
os.environ["AXES_ENABLED"] = "0"
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
    for name in names or list(pages):
        url = pages[name]
        client.get(url)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(REQUESTS):
            assert client.get(url).status_code == 200
        profiler.stop()
        print(f"===== {name} ({url}), {REQUESTS} requests")
        print(profiler.output_text(color=False, show_all=False, time="percent_of_total"))


if __name__ == "__main__":
    main(sys.argv[1:])
