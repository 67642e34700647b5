"""load_past_reports: every fixture validated, all or nothing, and idempotent."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

FIXTURES = sorted(Path(settings.BASE_DIR, "fixtures").glob("*.json"))
SEEDS = sorted(Path(settings.BASE_DIR).parent.joinpath("shared", "seeds").glob("0*.txt"))


def counts() -> dict[str, int]:
    return {
        m._meta.label_lower: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in {"board", "priorities"} and not m.__name__.startswith("Historical")
    }


def load(*paths: Path) -> str:
    out = StringIO()
    call_command("load_past_reports", *[str(p) for p in paths], stdout=out)
    return out.getvalue()


def test_there_is_one_fixture_per_source_document():
    assert len(FIXTURES) == 5
    for fixture in FIXTURES:
        data = json.loads(fixture.read_text())
        assert data[0]["model"] == "board.sourcedocument", fixture.name
    if SEEDS:  # the seeds sit beside the checkout on developers' machines and in CI
        keys = {json.loads(f.read_text())[0]["fields"]["key"] for f in FIXTURES}
        assert keys == {seed.stem for seed in SEEDS}


@pytest.mark.django_db
def test_it_loads_every_past_report_and_says_what_it_loaded():
    output = load()
    loaded = counts()
    assert loaded["board.board"] == 2
    assert loaded["board.attendance"] == 132
    assert loaded["board.contribution"] == 12
    assert loaded["priorities.priority"] > 6
    assert "board.attendance: 132 created" in output
    assert f"{sum(loaded.values())} created, 0 updated, 0 kept, 0 unchanged." in output


@pytest.mark.django_db
def test_loading_twice_duplicates_nothing():
    load()
    first = counts()
    output = load()
    assert counts() == first
    assert f"0 created, 0 updated, 0 kept, {sum(first.values())} unchanged." in output


@pytest.mark.django_db
def test_a_dry_run_changes_nothing():
    before = counts()
    out = StringIO()
    call_command("load_past_reports", "--dry-run", stdout=out)
    assert counts() == before
    assert "Would load 5 fixture files" in out.getvalue()


GOOD = [
    {
        "model": "board.board",
        "fields": {"slug": "t", "name": "T Board", "short_name": "TSCB", "area": "T"},
    },
    {
        "model": "board.reportingyear",
        "fields": {"label": "2016-17", "start": "2016-04-01", "end": "2017-03-31"},
    },
    {
        "model": "board.agency",
        "fields": {"slug": "t-police", "name": "T Police", "sector": "police"},
    },
    {
        "model": "board.contribution",
        "fields": {
            "board": ["t"],
            "year": ["2016-17"],
            "agency": ["t-police"],
            "label": "Police",
            "amount": "10.00",
        },
    },
]


def bad(*replacements: tuple[int, dict]) -> list[dict]:
    data = json.loads(json.dumps(GOOD))
    for index, record in replacements:
        if index >= len(data):
            data.append(record)
        else:
            data[index] = record
    return data


BAD_CASES = {
    "unknown model": (
        bad((1, {"model": "board.boardroom", "fields": {}})),
        ["bad.json", "object 2", "unknown model 'board.boardroom'"],
    ),
    "missing reference": (
        bad(
            (
                3,
                {
                    "model": "board.contribution",
                    "fields": {**GOOD[3]["fields"], "agency": ["t-fire"]},
                },
            )
        ),
        ["bad.json", "object 4", "field 'agency'", "['t-fire']"],
    ),
    "invalid choice": (
        bad((2, {"model": "board.agency", "fields": {**GOOD[2]["fields"], "sector": "fire"}})),
        [
            "bad.json",
            "object 3",
            "slug='t-police'",
            "field 'sector'",
            "'fire' is not a valid choice",
        ],
    ),
    "duplicate natural key": (
        bad(
            (
                4,
                {
                    "model": "board.agency",
                    "fields": {"slug": "t-police", "name": "Again", "sector": "police"},
                },
            )
        ),
        ["bad.json", "object 5", "duplicate natural key ['t-police']", "object 3"],
    ),
    "unknown field": (
        bad((0, {"model": "board.board", "fields": {**GOOD[0]["fields"], "colour": "red"}})),
        ["bad.json", "object 1", "field 'colour'", "no such field"],
    ),
    "bad date": (
        bad(
            (
                1,
                {
                    "model": "board.reportingyear",
                    "fields": {**GOOD[1]["fields"], "start": "1st April"},
                },
            )
        ),
        ["bad.json", "object 2", "field 'start'"],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_CASES)
def test_a_bad_fixture_names_file_object_and_field_and_changes_nothing(case, tmp_path):
    load()  # the real reports are already in; a bad file must not disturb them
    before = counts()
    records, expected = BAD_CASES[case]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records))
    with pytest.raises(CommandError) as error:
        load(path)
    message = str(error.value)
    assert message.startswith("Nothing was loaded.")
    for fragment in expected:
        assert fragment in message, (fragment, message)
    assert counts() == before


@pytest.mark.django_db
def test_malformed_json_is_reported_with_its_line_and_changes_nothing(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD))
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"model": "board.board",\n   "fields": {"slug": "x",}}\n]')
    with pytest.raises(CommandError) as error:
        load(good, broken)
    assert "broken.json: not valid JSON (line 3" in str(error.value)
    assert counts()["board.board"] == 0


@pytest.mark.django_db
def test_a_later_bad_object_rolls_back_the_good_ones_before_it(tmp_path):
    path = tmp_path / "late.json"
    path.write_text(
        json.dumps(bad((4, {"model": "board.risk", "fields": {"board": ["t"], "ref": "R1"}})))
    )
    with pytest.raises(CommandError):
        load(path)
    assert all(count == 0 for count in counts().values())


@pytest.mark.django_db
def test_a_changed_figure_is_updated_in_place_with_history(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(GOOD))
    load(path)
    changed = json.loads(json.dumps(GOOD))
    changed[3]["fields"]["amount"] = "12.00"
    path.write_text(json.dumps(changed))
    output = load(path)
    assert "board.contribution: 1 updated" in output
    contribution = apps.get_model("board", "contribution").objects.get()
    assert str(contribution.amount) == "12.00"
    assert contribution.history.count() == 2
    assert contribution.history.first().history_change_reason == "Loaded from t.json"


@pytest.mark.django_db
def test_reloading_never_undoes_what_a_person_changed_in_assure(tmp_path, users):
    from priorities import services
    from priorities.models import Action

    load()
    action = Action.objects.get(plan__slug="business-plan-2015-17", ref="3a")
    # a business manager edits the action in the browser (the request
    # middleware records who); the history then carries their name
    action.lead = "Head of Early Help"
    action._history_user = users["manager"]
    action.save()
    output = load()
    action.refresh_from_db()
    assert action.lead == "Head of Early Help"
    assert "priorities.action: 1 kept as people edited them in Assure" in output
    # and an edit through the service still sees a consistent version
    services.action_update(
        action_id=action.pk, expected_version=action.version, changes={"timescale": "Ongoing"}
    )


@pytest.mark.django_db
def test_a_corrected_fixture_updates_what_nobody_has_touched(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(GOOD))
    load(path)
    corrected = json.loads(json.dumps(GOOD))
    corrected[0]["fields"]["name"] = "T Safeguarding Children Partnership"
    path.write_text(json.dumps(corrected))
    assert "board.board: 1 updated" in load(path)
