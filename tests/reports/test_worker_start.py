"""The background worker loads the PDF engine when it starts; nothing else does."""

import subprocess
import sys

import pytest

from reports.apps import is_worker


@pytest.mark.parametrize(
    ("argv", "worker"),
    [
        (["manage.py", "db_worker"], True),
        (["manage.py", "db_worker", "--queue-name", "default"], True),
        (["manage.py", "runserver"], False),
        (["manage.py"], False),
        (["manage.py", "shell", "db_worker"], False),
    ],
)
def test_the_worker_is_known_by_its_command(argv, worker):
    assert is_worker(argv) is worker


@pytest.mark.parametrize(("command", "loaded"), [("db_worker", "True"), ("runserver", "False")])
def test_only_the_worker_imports_weasyprint_when_it_starts(command, loaded):
    code = (
        f"import django, sys; sys.argv = ['manage.py', '{command}']; django.setup(); "
        "import reports.views, reports.tasks; print('weasyprint' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == loaded
