"""The deployment files in deploy/ are ones systemd and nginx accept, and say
what the README's deployment section says they do.

systemd-analyze and nginx check the files without running them (systemd
need not be running; `.ci/run` installs both). Outside CI a machine without
them skips these tests; in CI a missing tool fails them.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
UNITS = ("assure-web.service", "assure-worker.service")
#: Where the units expect Assure's checkout; the check points them at this one,
#: so that systemd finds the programs they start.
INSTALLED_AT = "/srv/assure"


def tool(name: str) -> str:
    found = shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/sbin") / name) if p.exists()), None
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing: .ci/run installs it")
        pytest.skip(f"{name} is not installed on this machine")
    return found


def unit_text(name: str) -> str:
    return (DEPLOY / name).read_text()


def settings_of(name: str) -> dict[str, list[str]]:
    """Each key of the unit with every value it is given."""
    found: dict[str, list[str]] = {}
    for line in unit_text(name).splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_systemd_accepts_the_web_and_worker_units(tmp_path):
    analyze = tool("systemd-analyze")
    for name in UNITS:
        (tmp_path / name).write_text(unit_text(name).replace(INSTALLED_AT, str(ROOT)))
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    # verify exits 0 after an unknown key or a value it cannot parse: it only
    # warns, naming the unit, so any line about the units is a failure too.
    complaints = [line for line in output.splitlines() if any(n in line for n in UNITS)]
    assert result.returncode == 0, output
    assert complaints == []


def test_systemd_verify_would_notice_a_mistake(tmp_path):
    """The check above is worth something: a misspelt option is reported."""
    analyze = tool("systemd-analyze")
    broken = unit_text("assure-web.service").replace(INSTALLED_AT, str(ROOT))
    broken = broken.replace("ProtectSystem=strict", "ProtectSystem=strictly")
    (tmp_path / "assure-web.service").write_text(broken)
    result = subprocess.run(
        [analyze, "verify", str(tmp_path / "assure-web.service")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "strictly" in result.stdout + result.stderr


@pytest.mark.parametrize("name", UNITS)
def test_each_unit_runs_as_its_own_user_hardened_with_the_shared_environment(name):
    found = settings_of(name)
    assert found["User"] == ["assure"]
    assert found["EnvironmentFile"] == ["/etc/assure/assure.env"]
    assert found["NoNewPrivileges"] == ["yes"]
    assert found["ProtectSystem"] == ["strict"]
    assert found["PrivateTmp"] == ["yes"]
    # The only place it writes, and where MEDIA_ROOT lives in the example.
    assert found["ReadWritePaths"] == ["/var/lib/assure"]
    environment = (DEPLOY / "assure.env.example").read_text()
    assert "MEDIA_ROOT=/var/lib/assure/" in environment


def test_the_units_start_what_make_run_starts():
    makefile = (ROOT / "Makefile").read_text()
    assert "manage.py db_worker" in makefile
    worker = settings_of("assure-worker.service")["ExecStart"]
    assert worker == [f"{INSTALLED_AT}/.venv/bin/python manage.py db_worker --no-reload"]
    web = settings_of("assure-web.service")["ExecStart"]
    assert web == [f"{INSTALLED_AT}/.venv/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi"]


def test_every_variable_in_the_example_environment_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    names = re.findall(r"^([A-Z_]+)=", (DEPLOY / "assure.env.example").read_text(), re.M)
    assert names
    missing = [name for name in names if f"| `{name}` |" not in readme]
    assert missing == []


def test_nginx_accepts_the_two_server_example(tmp_path):
    nginx = tool("nginx")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    made = subprocess.run(
        [
            tool("openssl"),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=assure.example.org",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        capture_output=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    site = (DEPLOY / "nginx-two-servers.conf").read_text()
    site = site.replace("/etc/ssl/assure/fullchain.pem", str(cert))
    site = site.replace("/etc/ssl/assure/privkey.pem", str(key))
    site = site.replace("/var/log/nginx/assure.access.log", str(tmp_path / "access.log"))
    (tmp_path / "assure.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  include {tmp_path}/assure.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", f"{tmp_path}/"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "[warn]" not in result.stderr


def test_the_proxy_passes_the_request_id_and_scheme_and_knows_both_servers():
    site = (DEPLOY / "nginx-two-servers.conf").read_text()
    assert "proxy_set_header X-Request-ID $request_id;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert "proxy_set_header Host $host;" in site
    upstream = re.search(r"upstream assure \{(.*?)\n\}", site, re.S)
    assert upstream is not None
    assert len(re.findall(r"^\s*server \S+:8000", upstream.group(1), re.M)) == 2
    # Each server's health page, for monitoring.
    assert site.count("/health/;") == 2


def example_environment() -> dict[str, str]:
    """The example environment file as systemd reads it (NAME=value, a value
    in double quotes taken without them)."""
    found = {}
    for line in (DEPLOY / "assure.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            found[name] = value
    return found


def test_the_example_environment_passes_the_deploy_check():
    """With a real key in place of the placeholder, the example is a complete
    production configuration: Django's deploy check finds nothing."""
    example = example_environment()
    assert example["ASSURE_LOG_FORMAT"] == "json"
    assert example["SECURE_PROXY_SSL_HEADER"] == "1"
    clean = {
        k: v
        for k, v in os.environ.items()
        if k in ("PATH", "HOME", "LANG", "VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **clean,
            **example,
            "SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789",
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_as_the_unit_starts_it_writes_only_json_lines_with_the_request_id(tmp_path):
    """gunicorn with the unit's configuration file and the example's
    ASSURE_LOG_FORMAT, on a database nobody has migrated: the health page
    answers 503, and every line on standard error, gunicorn's own included,
    is one JSON object; the request's lines carry the proxy's id."""
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-key-for-the-gunicorn-test-0123456789",
        "ALLOWED_HOSTS": "assure.example.org",
        "SECURE_PROXY_SSL_HEADER": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ASSURE_LOG_FORMAT": example_environment()["ASSURE_LOG_FORMAT"],
        "LOG_LEVEL": "DEBUG",
        "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port} --workers 1",
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request(
                    "GET",
                    "/health/",
                    headers={"Host": "assure.example.org", "X-Request-ID": "proxy-abc-123"},
                )
                response = connection.getresponse()
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert response.status == 503
        assert response.read() == b"unavailable\n"
        assert response.getheader("X-Request-ID") == "proxy-abc-123"
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    lines = [line for line in err.splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # each line is one object
    loggers = {entry["logger"] for entry in entries}
    assert "gunicorn.error" in loggers
    failed = [entry for entry in entries if entry["logger"] == "assure.health"]
    assert len(failed) == 1
    assert failed[0]["check"] == "migrations"
    assert failed[0]["request_id"] == "proxy-abc-123"
    request_line = next(entry for entry in entries if entry["logger"] == "assure.request")
    assert request_line["request_id"] == "proxy-abc-123"
    assert request_line["status"] == 503
    assert out == ""
