"""A statistics import's file waits in the default storage between its
upload and the confirmation, named in the session, rather than in the
(database-backed) session itself, where a 50 MB file would be loaded with
every request. Each test runs with the media folder and with the S3 server
(tests.storage)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import statistics_imports
from indicators.models import StatisticsImport
from indicators.views import STATISTICS_SESSION_KEY
from tests.indicators import published
from tests.indicators.factories import IndicatorFactory
from tests.storage import stored_in  # noqa: F401 - a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stored_in")]

SMALL = published.statistics_file(years=3, count=40)
AREA = published.authorities()[4]


def _url(board, name="statistics_import"):
    return reverse(f"indicators:{name}", kwargs={"board": board.slug})


def _upload(client, board, content=SMALL):
    return client.post(
        _url(board),
        {"file": SimpleUploadedFile("cin.csv", content, "text/csv"), "publication": "Synthetic"},
    )


def _map(client, board, token):
    from indicators import importer

    measures = importer.read_statistics("cin.csv", SMALL).measures
    return client.post(
        _url(board),
        {
            "token": token,
            "authority": AREA.new_code,
            f"measure_{measures.index('referrals')}": "referrals",
        },
    )


def test_the_file_waits_in_the_storage_and_goes_once_the_import_is_confirmed(
    world, users, client_for, django_capture_on_commit_callbacks
):
    IndicatorFactory(board=world.board, code="referrals", unit="count", measure="referrals")
    client = client_for("manager")
    assert _upload(client, world.board).status_code == 200
    pending = client.session[STATISTICS_SESSION_KEY]
    assert "statistics" not in pending
    assert len(json.dumps(pending)) < 500  # a name, not the rows
    with default_storage.open(pending["file"], "rb") as stored:
        assert stored.read() == SMALL
    response = _map(client, world.board, pending["token"])
    assert response.status_code == 200, response.content.decode()[:1000]
    assert "Nothing has been saved yet" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(world.board, "statistics_import_confirm"), {"token": pending["token"]}
        )
    job = StatisticsImport.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == StatisticsImport.Status.SUCCEEDED
    assert job.file_name == "cin.csv"
    assert not default_storage.exists(pending["file"])
    assert STATISTICS_SESSION_KEY not in client.session


def test_a_new_upload_lets_the_waiting_file_go(
    world, users, client_for, django_capture_on_commit_callbacks
):
    client = client_for("manager")
    assert _upload(client, world.board).status_code == 200
    first = client.session[STATISTICS_SESSION_KEY]["file"]
    with django_capture_on_commit_callbacks(execute=True):
        assert _upload(client, world.board).status_code == 200
    second = client.session[STATISTICS_SESSION_KEY]["file"]
    assert second != first
    assert not default_storage.exists(first)
    assert default_storage.exists(second)


def test_an_import_whose_file_is_gone_has_expired_and_saves_nothing(world, users, client_for):
    IndicatorFactory(board=world.board, code="referrals", unit="count", measure="referrals")
    client = client_for("manager")
    _upload(client, world.board)
    pending = client.session[STATISTICS_SESSION_KEY]
    default_storage.delete(pending["file"])
    response = _map(client, world.board, pending["token"])
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "That import has expired. Upload the file again." in page
    confirm = client.post(
        _url(world.board, "statistics_import_confirm"), {"token": pending["token"]}
    )
    assert confirm.status_code == 302
    assert not StatisticsImport.objects.exists()


def test_files_left_waiting_past_a_day_are_pruned_and_newer_ones_kept():
    old = default_storage.save(f"{statistics_imports.PENDING_FOLDER}/a.csv", ContentFile(b"x"))
    new = default_storage.save(f"{statistics_imports.PENDING_FOLDER}/b.csv", ContentFile(b"y"))
    kept = default_storage.save("cache/charts/keep.png", ContentFile(b"z"))
    saved = max(default_storage.get_modified_time(n) for n in (old, new))
    just_inside = saved + statistics_imports.PENDING_KEPT_FOR - datetime.timedelta(seconds=5)
    assert statistics_imports.pending_uploads_prune(now=just_inside) == 0
    later = saved + statistics_imports.PENDING_KEPT_FOR + datetime.timedelta(seconds=5)
    assert statistics_imports.pending_uploads_prune(now=later) == 2
    assert not default_storage.exists(old)
    assert not default_storage.exists(new)
    assert default_storage.exists(kept)


def test_pruning_an_empty_store_deletes_nothing():
    assert (
        statistics_imports.pending_uploads_prune(
            now=datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)
        )
        == 0
    )
