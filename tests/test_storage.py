"""Every file Assure stores goes through Django's storage API, so it works
the same in the media folder and in an S3-compatible object store: each
test here runs against both (the S3 side against the server `.ci/run`
starts; tests.storage). Serving a published file from either still checks
its SHA-256 and sends the security headers."""

from __future__ import annotations

import hashlib
import io
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from board import services as board_services
from priorities.rounds.models import Proposal
from reports import charts, snapshots
from tests.priorities.round_helpers import pdf_bytes

# clock (autouse) fixes the day the round's pages expect; setting is the round's actions.
from tests.priorities.test_round_pages import clock, opened, setting  # noqa: F401 - fixtures
from tests.priorities.test_round_pages import url as round_url
from tests.reports.annual_helpers import draft, png, stored_snapshot, tamper
from tests.storage import stored_in  # noqa: F401 - a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stored_in")]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_a_published_file_is_served_from_the_storage_checked_and_with_the_security_headers(
    world, client_for, fmt
):
    snapshot = stored_snapshot(draft(world))
    response = client_for("partner").get(snapshot.file_url(fmt))
    assert response.status_code == 200
    data = body(response)
    assert data == f"{fmt} of {snapshot.report.title} v1".encode()
    assert hashlib.sha256(data).hexdigest() == snapshot.sha256(fmt)
    assert response["ETag"] == f'"{snapshot.sha256(fmt)}"'
    assert response["Repr-Digest"].startswith("sha-256=:")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, max-age=0"
    filename = snapshot.path(fmt).rsplit("/", 1)[-1]
    disposition = response["Content-Disposition"]
    assert filename in disposition
    assert disposition.startswith("inline" if fmt == "html" else "attachment")


def test_an_altered_published_file_is_refused_and_logged(world, client_for, caplog):
    snapshot = stored_snapshot(draft(world))
    tamper(snapshot, "pdf")
    with caplog.at_level(logging.ERROR, logger="reports.integrity"):
        response = client_for("partner").get(snapshot.file_url("pdf"))
    assert response.status_code == 500
    assert b"altered after publication" not in response.content
    assert "no longer matches the file that was published" in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "reports.integrity"]
    assert record.found_sha256 == hashlib.sha256(b"altered after publication").hexdigest()
    assert record.expected_sha256 == snapshot.pdf_sha256


def test_a_published_file_gone_from_the_storage_is_refused(world, client_for, caplog):
    snapshot = stored_snapshot(draft(world))
    default_storage.delete(snapshot.path("csv"))
    with caplog.at_level(logging.ERROR, logger="reports.integrity"):
        response = client_for("partner").get(snapshot.file_url("csv"))
    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.name == "reports.integrity"]
    assert "is missing or unreadable" in record.getMessage()


def test_a_stored_name_is_never_written_over(world):
    first = snapshots.write_once("reports/alpha/test", {"pdf": ("a.pdf", b"first")})
    with pytest.raises(snapshots.NameTaken):
        snapshots.write_once(
            "reports/alpha/test", {"csv": ("a.csv", b"new"), "pdf": ("a.pdf", b"second")}
        )
    name, sha = first["pdf"]
    with default_storage.open(name, "rb") as handle:
        assert handle.read() == b"first"
    assert sha == hashlib.sha256(b"first").hexdigest()
    # What the refused write had stored before it stopped is gone again.
    assert not default_storage.exists("reports/alpha/test/a.csv")


def test_a_large_file_is_checked_and_served_whole(world, client_for):
    """Larger than the part kept in memory: read, checked and served in pieces."""
    data = bytes(range(256)) * (5 * 1024 * 1024 // 256 + 3)
    stored = snapshots.write_once("reports/alpha/large", {"pdf": ("big.pdf", data)})
    name, sha = stored["pdf"]
    handle = snapshots.read_verified(name, sha)
    try:
        assert handle.read() == data
    finally:
        handle.close()


def test_a_logo_is_kept_served_and_drawn_on_covers_from_the_storage(
    world, client_for, django_capture_on_commit_callbacks
):
    image = io.BytesIO()
    Image.new("RGB", (60, 20), (29, 112, 184)).save(image, format="PNG")
    board_services.board_logo_set(board=world.board, data=image.getvalue())
    world.board.refresh_from_db()
    first = world.board.logo.name
    response = client_for("partner").get(reverse("board:logo_image", args=[world.board.slug]))
    assert response.status_code == 200
    assert body(response).startswith(b"\x89PNG")
    assert snapshots.logo_uri(world.board).startswith("data:image/png;base64,")
    with django_capture_on_commit_callbacks(execute=True):
        board_services.board_logo_set(board=world.board, data=image.getvalue())
    assert not default_storage.exists(first)


def test_an_evidence_file_is_stored_and_downloaded_through_the_storage(
    world,
    users,
    setting,  # noqa: F811 - the fixture imported above
    client_for,
    django_capture_on_commit_callbacks,
):
    round = opened(world, setting, client_for, django_capture_on_commit_callbacks)
    lead = client_for("lead")
    sent = lead.post(
        round_url("lead_proposal", world, round=round.pk, plan=world.plan.slug, ref="2a"),
        {
            "process": "GREY",
            "impact": "GREEN",
            "submit": "yes",
            "evidence_files": [SimpleUploadedFile("audit.pdf", pdf_bytes())],
        },
    )
    assert sent.status_code == 302
    [stored] = Proposal.objects.get().files.all()
    assert default_storage.exists(stored.file.name)
    download = lead.get(round_url("evidence_file", world, file=stored.pk))
    assert download.status_code == 200
    assert body(download) == pdf_bytes()


def test_the_chart_cache_is_kept_in_the_storage_and_a_cut_short_image_is_drawn_again(
    monkeypatch,
):
    drawn = []

    async def fake_export(figures):
        drawn.append(len(figures))
        return [png(12, 10) for _ in figures]

    monkeypatch.setattr(charts, "_export_all", fake_export)
    figure = charts.figure(title="Storage", labels=["x"], values=[1], unit="%")
    name = charts.cache_name(charts.figure_key(figure))
    [image] = charts.export_images([figure])
    assert default_storage.exists(name)
    assert charts.export_images([figure]) == [image]
    assert drawn == [1]
    default_storage.delete(name)
    default_storage.save(name, ContentFile(image[: len(image) // 2]))
    assert charts.export_images([figure]) == [image]
    assert drawn == [1, 1]


def test_the_health_page_finds_the_storage_writable_and_leaves_nothing_behind(client):
    from core import health

    response = client.get("/health/")
    assert response.status_code == 200
    _, files = default_storage.listdir(health.PROBE_FOLDER)
    assert files == []
