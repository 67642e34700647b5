"""The health page a load balancer probes: 200 when the database answers, the
migrations are applied and the storage takes a write; 503 otherwise, with the
failed check named in the log and nowhere in the answer."""

from __future__ import annotations

import logging

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings
from django.urls import reverse

from core import health
from core.middleware import HEALTH_PATH

pytestmark = pytest.mark.django_db


def test_it_lives_where_the_proxy_configuration_and_the_request_log_expect():
    assert reverse("core:health") == HEALTH_PATH


def test_it_answers_ok_in_two_queries_with_nothing_to_cache_or_keep(
    client, django_assert_max_num_queries, settings
):
    with django_assert_max_num_queries(2):
        response = client.get(HEALTH_PATH)
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control
    assert "no-cache" in cache_control
    assert "private" in cache_control
    # No session, no CSRF cookie.
    assert not response.cookies
    # The probe's file is gone again.
    probes = settings.MEDIA_ROOT / health.PROBE_FOLDER
    assert not probes.exists() or not any(probes.iterdir())


def test_it_answers_a_head_request_and_refuses_a_post_without_a_csrf_token(client):
    assert client.head(HEALTH_PATH).status_code == 200
    assert client.post(HEALTH_PATH).status_code == 405


def test_it_is_not_redirected_to_https_where_every_other_page_is(client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert client.get(HEALTH_PATH).status_code == 200
        assert client.get(reverse("login")).status_code == 301


def test_a_locked_out_account_does_not_lock_the_health_page(client, users):
    for _ in range(6):
        client.post(reverse("login"), {"username": "manager", "password": "wrong password"})
    locked = client.post(
        reverse("login"), {"username": "manager", "password": "correct horse battery staple"}
    )
    assert locked.status_code == 429
    assert client.get(HEALTH_PATH).status_code == 200


class _DatabaseDown:
    """Stands for the database connection when the server cannot reach it."""

    def cursor(self):
        raise OperationalError(
            'connection to server at "10.0.0.5", port 5432 failed: Connection refused'
        )


def assert_unavailable_saying_only_in_the_log(response, caplog, check: str) -> BaseException:
    """The reason the failed check gave, from the log."""
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    assert "no-store" in response["Cache-Control"]
    failures = [r for r in caplog.records if r.name == "assure.health"]
    assert [r.check for r in failures] == [check]
    assert failures[0].levelno == logging.ERROR
    assert failures[0].exc_info is not None
    return failures[0].exc_info[1]


def test_it_answers_503_when_the_database_does_not_answer(client, caplog, monkeypatch):
    monkeypatch.setattr(health, "connection", _DatabaseDown())
    response = client.get(HEALTH_PATH)
    reason = assert_unavailable_saying_only_in_the_log(response, caplog, "database")
    assert "Connection refused" in str(reason)


def test_it_answers_503_while_a_migration_is_not_applied(client, caplog):
    recorder = MigrationRecorder(connection)
    last = recorder.migration_qs.filter(app="outbox").order_by("-id").first()
    assert last is not None
    last.delete()
    response = client.get(HEALTH_PATH)
    reason = assert_unavailable_saying_only_in_the_log(response, caplog, "migrations")
    assert f"outbox.{last.name}" in str(reason)
    assert last.name.encode() not in response.content


def test_a_squashed_migration_counts_as_applied_when_what_it_replaces_is(monkeypatch):
    squash = ("assure_example", "0001_squashed_0002")
    replaced = (("assure_example", "0001_initial"), ("assure_example", "0002_more"))
    monkeypatch.setattr(health, "migrations_on_disk", lambda: {squash: replaced})
    recorder = MigrationRecorder(connection)
    recorder.record_applied(*replaced[0])
    with pytest.raises(RuntimeError, match="0001_squashed_0002"):
        health.check_migrations()
    recorder.record_applied(*replaced[1])
    health.check_migrations()


class _RefusingStorage(FileSystemStorage):
    """A folder the server may not write to (a full disk, a read-only mount)."""

    def _save(self, name, content):
        raise PermissionError(13, "Permission denied", name)


def test_it_answers_503_when_the_storage_refuses_a_write(client, caplog, monkeypatch, tmp_path):
    monkeypatch.setattr(health, "default_storage", _RefusingStorage(location=tmp_path))
    response = client.get(HEALTH_PATH)
    assert_unavailable_saying_only_in_the_log(response, caplog, "storage")


def test_the_migrations_on_the_disk_are_read_once_per_process(client, monkeypatch):
    client.get(HEALTH_PATH)

    def read_again(*args, **kwargs):
        raise AssertionError("the migrations were read from the disk again")

    monkeypatch.setattr(health, "MigrationLoader", read_again)
    assert client.get(HEALTH_PATH).status_code == 200
