"""The object store is configured by environment variables; a configuration
that cannot work stops Assure at start-up with the variable's name."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import s3_storage
from tests.storage import s3_environment

VARIABLES = (
    "ASSURE_S3_BUCKET",
    "ASSURE_S3_ENDPOINT_URL",
    "ASSURE_S3_REGION",
    "ASSURE_S3_ACCESS_KEY_ID",
    "ASSURE_S3_SECRET_ACCESS_KEY",
    "ASSURE_S3_PREFIX",
)


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("variables", "problem"),
    [
        ({}, "ASSURE_S3_BUCKET"),
        ({"ASSURE_S3_BUCKET": "b", "ASSURE_S3_ENDPOINT_URL": "s3.example.org"}, "address"),
        ({"ASSURE_S3_BUCKET": "b", "ASSURE_S3_ACCESS_KEY_ID": "k"}, "or neither"),
    ],
)
def test_an_incomplete_object_store_configuration_stops_assure(monkeypatch, variables, problem):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=problem):
        s3_storage()


def test_the_variables_name_the_bucket_the_store_and_its_keys(monkeypatch):
    for name, value in s3_environment("http://127.0.0.1:9000/", "/partnerships/luton/").items():
        monkeypatch.setenv(name, value)
    storage = s3_storage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "assure-tests"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["addressing_style"] == "path"
    assert options["region_name"] == "eu-west-2"
    assert options["location"] == "partnerships/luton"
    assert (options["access_key"], options["secret_key"]) == (
        "assure-test-key",
        "assure-test-secret",
    )
    # Never written over, never public.
    assert options["file_overwrite"] is False
    assert options["default_acl"] is None


def test_without_keys_or_an_endpoint_boto3_finds_its_own_way_to_aws(monkeypatch):
    monkeypatch.setenv("ASSURE_S3_BUCKET", "assure-luton")
    options = s3_storage()["OPTIONS"]
    assert "access_key" not in options
    assert "endpoint_url" not in options
    assert "addressing_style" not in options


def test_what_servers_must_share_is_kept_in_the_database():
    """Sessions, sign-in throttling and background work are in the database
    every server shares; the local cache holds only what any server can draw
    again (docs/adr/0015). A change here needs a shared store first."""
    from config.settings import base

    assert getattr(base, "SESSION_ENGINE", "django.contrib.sessions.backends.db") == (
        "django.contrib.sessions.backends.db"
    )
    assert getattr(base, "AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler") == (
        "axes.handlers.database.AxesDatabaseHandler"
    )
    assert base.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert not hasattr(base, "CACHES")
