"""A published HTML snapshot carries the stylesheet of its day inside it:
it reads the same offline and after the site's stylesheet changes, its
checksum covers its styling, and it is served with a Content Security
Policy that allows that one stylesheet, by its SHA-256, and no other
inline style."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from reports import services, snapshots
from reports.models import AnnualReport, ReportBuild, Snapshot
from tests.reports.annual_helpers import (  # noqa: F401 - media is a fixture
    complete_data,
    draft,
    media,
    stored_snapshot,
    write_narrative,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

DAY_ONE = ".govuk-heading-xl{color:#123456}\n.assure-day-one{margin:0}\n"
DAY_TWO = ".govuk-heading-xl{color:#654321}\n.assure-day-two{margin:0}\n"


@pytest.fixture
def live_css(settings, tmp_path):
    """The site's stylesheet, in a static folder of the test's own."""
    static = tmp_path / "static"
    css = static / "dist" / "css" / "assure.css"
    css.parent.mkdir(parents=True)
    css.write_text(DAY_ONE)
    settings.STATICFILES_DIRS = [static]
    settings.STATIC_ROOT = tmp_path / "collected"
    return css


def csp_hash(css: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"


def style_src(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    directive = next(d for d in policy.split(";") if d.strip().startswith("style-src"))
    return directive.split()[1:]


def publish(world, users, capture):
    complete_data(world)
    report = draft(world)
    write_narrative(report)
    services.report_approve(report=report, user=users["chair"], reason="Agreed")
    with capture(execute=True):
        services.report_publish(report=report, user=users["manager"])
    return report


def test_the_snapshot_keeps_the_stylesheet_of_its_day_after_the_site_changes(
    world, users, client_for, settings, live_css, django_capture_on_commit_callbacks
):
    report = publish(world, users, django_capture_on_commit_callbacks)
    first = Snapshot.objects.get(report=report, version=1)
    stored = Path(settings.MEDIA_ROOT) / first.path("html")
    html = stored.read_bytes()
    assert f"<style>{DAY_ONE}</style>".encode() in html
    assert b'rel="stylesheet"' not in html
    assert b"/static/" not in html
    assert hashlib.sha256(html).hexdigest() == first.html_sha256  # covers the styling

    # The site's stylesheet changes, and a correction is published with it.
    live_css.write_text(DAY_TWO)
    report.refresh_from_db()
    services.correction_start(report=report, user=users["manager"], changes="The voice section")
    voice = report.sections.get(kind="voice")
    services.section_save(section=voice, body="Corrected words.")
    services.report_approve(report=report, user=users["chair"], reason="Agreed")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=report, user=users["manager"])
    second = Snapshot.objects.get(report=report, version=2)
    assert DAY_TWO in (Path(settings.MEDIA_ROOT) / second.path("html")).read_text()

    client = client_for("partner")
    response = client.get(first.file_url("html"))
    assert b"".join(response.streaming_content) == html
    assert stored.read_bytes() == html
    first.refresh_from_db()
    assert first.html_sha256 == hashlib.sha256(html).hexdigest()
    assert style_src(response) == ["'self'", csp_hash(DAY_ONE)]
    newer = client.get(second.file_url("html"))
    assert style_src(newer) == ["'self'", csp_hash(DAY_TWO)]


def test_a_build_without_the_stylesheet_fails_and_publishes_nothing(
    world, users, live_css, django_capture_on_commit_callbacks
):
    live_css.unlink()
    report = publish(world, users, django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.APPROVED
    assert not report.snapshots.exists()
    build = ReportBuild.objects.get(report=report)
    assert build.status == ReportBuild.Status.FAILED
    assert "the stylesheet dist/css/assure.css is missing" in build.error


def test_only_a_style_in_the_pages_head_is_allowed():
    page = (
        b"<!DOCTYPE html><html><head><title>a &lt; b</title><style>h1{color:red}</style>"
        b"</head><body><style>h1{color:blue}</style><p>Text</p></body></html>"
    )
    assert snapshots.stylesheet_sources(page) == [csp_hash("h1{color:red}")]
    assert snapshots.stylesheet_sources(b"<html><body><style>p{}</style></body></html>") == []


def test_a_snapshot_without_a_frozen_stylesheet_gets_the_sites_policy(world, client_for):
    report = draft(world)
    snapshot = stored_snapshot(report)  # its HTML has no style of its own
    response = client_for("partner").get(snapshot.file_url("html"))
    assert response.status_code == 200
    assert style_src(response) == ["'self'"]
    pdf = client_for("partner").get(snapshot.file_url("pdf"))
    assert style_src(pdf) == ["'self'"]
