"""The figures past reports state that Assure's records do not hold
(reports.StatedFigure), checked against the seed text they were transcribed
from: every value, comparison's figures, words quoted and parts of a rate
occur in its source document, and each report's set is complete."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from tests.core.test_load_past_reports import seeds_dir

FIXTURES = sorted(Path(settings.BASE_DIR, "fixtures").glob("*.json"))


def figures() -> list[dict]:
    return [
        obj["fields"]
        for path in FIXTURES
        for obj in json.loads(path.read_text())
        if obj["model"] == "reports.statedfigure"
    ]


def flat(text: str) -> str:
    """The seed's text on one line, lower case, without the markup bold
    marks and curly quotes of the extraction, for finding phrases that the
    PDF broke across lines."""
    text = text.replace("**", "").replace("\u2019", "'").replace("\u201c", '"')
    return re.sub(r"\s+", " ", text.replace("\u201d", '"')).lower()


def seed(key: str) -> str:
    return flat((seeds_dir() / f"{key}.txt").read_text())


def shown(value: str | None) -> str:
    return f"{Decimal(value):,.0f}" if value is not None else ""


def numbers(text: str) -> list[str]:
    return re.findall(r"\d[\d,]*(?:\.\d+)?", text)


@pytest.mark.parametrize("figure", figures(), ids=lambda f: f"{f['topic']}-{f['position']}")
def test_each_stated_figure_is_in_its_source_as_transcribed(figure):
    text = seed(figure["source"][0])
    assert flat(figure["value"]) in text
    if figure["wording"]:
        assert flat(figure["wording"]) in text
    for number in numbers(figure["compared_with"]) + numbers(figure["elsewhere"]):
        assert number in text, number
    for part in ("numerator", "denominator"):
        if figure[part] is not None:
            assert shown(figure[part]) in text


def _of(board: str, year: str, topic: str) -> list[dict]:
    return sorted(
        (
            f
            for f in figures()
            if f["board"] == [board] and f["year"] == [year] and f["topic"] == topic
        ),
        key=lambda f: f["position"],
    )


def test_luton_in_numbers_holds_every_figure_the_page_states():
    """The page's figures, counted by hand from the seed (lines 298 to 393
    of 001): four on population, two on location, three on the economy, four
    on the airport, four each on employment and poverty, three each on
    education and skills, four on housing, four on health and wellbeing."""
    stated = _of("luton", "2020-21", "in-numbers")
    counts: dict[str, int] = {}
    for f in stated:
        counts[f["heading"]] = counts.get(f["heading"], 0) + 1
    assert counts == {
        "Population": 4,
        "Outstanding location": 2,
        "Economy": 3,
        "London Luton Airport": 4,
        "Employment": 4,
        "Poverty": 4,
        "Education": 3,
        "Skills": 3,
        "Housing": 4,
        "Health and wellbeing": 4,
    }
    page = seed("001_58092454b0bdae6e")
    start, end = page.index("luton in numbers"), page.index("safeguarding performance – key facts")
    for f in stated:
        assert flat(f["value"]) in page[start:end], f["value"]


def test_lutons_2016_17_child_death_figures_are_the_ones_the_report_gives():
    stated = {
        (f["value"], f["label"]): f["compared_with"]
        for f in _of("luton", "2016-17", "child-deaths")
    }
    assert stated[("54", "deaths of children reported across Bedfordshire")].startswith("60 ")
    assert stated[("31%", "of the deaths reported were unexpected")] == "53% the year before"
    assert {v for v, _ in stated} >= {"54", "12", "28", "14", "31%", "61%", "57%", "62%"}


def test_lutons_2016_17_four_meetings_are_stated_without_invented_dates():
    (meetings,) = _of("luton", "2016-17", "meetings")
    assert meetings["value"] == "4"
    assert meetings["wording"] == "There were four meetings during the year."
    loaded = [
        obj
        for path in FIXTURES
        for obj in json.loads(path.read_text())
        if obj["model"] == "board.meeting"
        and obj["fields"]["group"][0].startswith("luton")
        and "2016-04-01" <= obj["fields"]["date"] <= "2017-03-31"
    ]
    assert loaded == []


def test_bedford_boroughs_snapshot_is_checked_against_its_own_text():
    checked = {f["value"]: f["elsewhere"] for f in _of("bedford-borough", "2016-17", "checked")}
    assert checked == {
        "8,265": "8,278",
        "1,155": "1,132",
        "1,878": "1,785",
        "197": "196",
        "13.9%": "",
    }
