"""Where the storage tests keep their files: the media folder, or the
S3-compatible server ASSURE_TEST_S3_URL names (`.ci/run` starts moto's
server on the loopback address and sets it). Each S3 test keeps its files
under a prefix of its own in one bucket, configured through the same
ASSURE_S3_* variables a deployment sets."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

#: The S3-compatible server's address; unset, the S3 side of the storage
#: tests is skipped (in CI `.ci/run` always sets it for the `s3` run).
S3_URL = "ASSURE_TEST_S3_URL"
BUCKET = "assure-tests"
#: moto takes any key; a real store would be given its own.
KEY, SECRET = "assure-test-key", "assure-test-secret"

_buckets_made: set[tuple[str, str]] = set()


def s3_url() -> str:
    url = os.environ.get(S3_URL, "").strip()
    if not url:
        pytest.skip(f"{S3_URL} is not set: no S3-compatible server to store files in")
    return url


def make_bucket(url: str, bucket: str = BUCKET) -> None:
    if (url, bucket) in _buckets_made:
        return
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=url,
        region_name="eu-west-2",
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
    )
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
    _buckets_made.add((url, bucket))


def s3_environment(url: str, prefix: str) -> dict[str, str]:
    """The variables a deployment sets to keep its files in the bucket."""
    return {
        "ASSURE_STORAGE": "s3",
        "ASSURE_S3_BUCKET": BUCKET,
        "ASSURE_S3_ENDPOINT_URL": url,
        "ASSURE_S3_REGION": "eu-west-2",
        "ASSURE_S3_ACCESS_KEY_ID": KEY,
        "ASSURE_S3_SECRET_ACCESS_KEY": SECRET,
        "ASSURE_S3_PREFIX": prefix,
    }


@pytest.fixture(params=["folder", pytest.param("s3", marks=pytest.mark.s3)])
def stored_in(request: Any, settings: Any, tmp_path: Path, monkeypatch: Any) -> Any:
    """The default storage for one test: a media folder of the test's own,
    or the S3 server (then the media folder must stay empty: nothing is
    written beside the store)."""
    from config.env import s3_storage

    settings.MEDIA_ROOT = tmp_path / "media"
    if request.param == "folder":
        default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    else:
        url = s3_url()
        make_bucket(url)
        for name, value in s3_environment(url, f"tests/{uuid.uuid4().hex}").items():
            monkeypatch.setenv(name, value)
        default = s3_storage()
    settings.STORAGES = {**settings.STORAGES, "default": default}
    yield request.param
    if request.param == "s3":
        media = Path(settings.MEDIA_ROOT)
        assert not media.exists() or not any(media.rglob("*")), "a file was written locally"
