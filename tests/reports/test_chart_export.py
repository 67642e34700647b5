"""Chart export for PDFs gets past kaleido's start-up race once, and no more."""

import pytest

from reports import charts


class KaleidoHiccup(Exception):
    pass


def test_a_failed_export_is_tried_once_more_in_a_new_session(monkeypatch):
    calls = []

    async def flaky(figures):
        calls.append(list(figures))
        if len(calls) == 1:
            raise KaleidoHiccup("kaleido_scopes is not defined")
        return ["<svg>a</svg>"]

    monkeypatch.setattr(charts, "_export_all", flaky)
    assert charts._export_with_one_retry(["figure"]) == ["<svg>a</svg>"]
    assert calls == [["figure"], ["figure"]]


def test_a_second_failure_is_a_real_one(monkeypatch):
    calls = []

    async def broken(figures):
        calls.append(figures)
        raise KaleidoHiccup("no browser")

    monkeypatch.setattr(charts, "_export_all", broken)
    with pytest.raises(KaleidoHiccup, match="no browser"):
        charts._export_with_one_retry(["figure"])
    assert len(calls) == 2
