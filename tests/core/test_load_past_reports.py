"""load_past_reports: every fixture validated, all or nothing, and idempotent."""

import json
import os
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from board.models import BoardAgency, Contribution, Member

FIXTURES = sorted(Path(settings.BASE_DIR, "fixtures").glob("*.json"))


def seeds_dir() -> Path:
    """The published reports the fixtures were transcribed from: the shared
    seeds beside the clone (repo/../shared/seeds), or ASSURE_SEEDS_DIR."""
    override = os.environ.get("ASSURE_SEEDS_DIR")
    if override:
        return Path(override)
    return Path(settings.BASE_DIR).resolve().parent / "shared" / "seeds"


def counts() -> dict[str, int]:
    return {
        m._meta.label_lower: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label
        in {"board", "priorities", "indicators", "training", "reviews", "audits", "reports"}
        and not m.__name__.startswith("Historical")
        # Derived after loading (the boards' partner agencies), not loaded.
        and m._meta.label_lower != "board.boardagency"
    }


def fixture_objects() -> int:
    """How many objects the fixture files hold, each loaded or found unchanged."""
    return sum(len(json.loads(path.read_text())) for path in FIXTURES)


def load(*paths: Path) -> str:
    out = StringIO()
    call_command("load_past_reports", *[str(p) for p in paths], stdout=out)
    return out.getvalue()


def test_there_is_one_fixture_per_source_document():
    assert len(FIXTURES) == 5
    for fixture in FIXTURES:
        data = json.loads(fixture.read_text())
        assert data[0]["model"] == "board.sourcedocument", fixture.name
    folder = seeds_dir()
    seeds = sorted(folder.glob("0*.txt"))
    assert seeds, (
        f"No seed reports (0*.txt) in {folder}. They sit in shared/seeds beside the clone; "
        "set ASSURE_SEEDS_DIR to read them from elsewhere."
    )
    keys = {json.loads(f.read_text())[0]["fields"]["key"] for f in FIXTURES}
    assert keys == {seed.stem for seed in seeds}


def test_the_seed_check_fails_saying_where_it_looked_when_the_seeds_are_absent(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("ASSURE_SEEDS_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(AssertionError) as failure:
        test_there_is_one_fixture_per_source_document()
    assert f"No seed reports (0*.txt) in {tmp_path / 'nowhere'}." in str(failure.value)


def test_the_seeds_are_found_beside_the_clone_without_any_setting(monkeypatch):
    monkeypatch.delenv("ASSURE_SEEDS_DIR", raising=False)
    assert seeds_dir() == Path(settings.BASE_DIR).resolve().parent / "shared" / "seeds"


@pytest.mark.django_db
def test_it_loads_every_past_report_and_says_what_it_loaded():
    before = counts()
    output = load()
    loaded = counts()
    assert loaded["board.board"] == 2
    assert loaded["board.attendance"] == 132
    assert loaded["board.contribution"] == 12
    assert loaded["priorities.priority"] > 6
    assert "board.attendance: 132 created" in output
    # Each board's forms offer the agencies its loaded seats and contributions name.
    assert BoardAgency.objects.count() == len(
        set(Member.objects.exclude(agency=None).values_list("board", "agency"))
        | set(Contribution.objects.exclude(agency=None).values_list("board", "agency"))
    )
    # The six learning themes the fixtures name are already there: the
    # reviews migration makes the shared vocabulary.
    assert before == {
        **{label: 0 for label in before},
        "reviews.learningtheme": before["reviews.learningtheme"],
    }
    created = sum(loaded.values()) - sum(before.values())
    # What was there already is unchanged: the migration's themes, unless a
    # transactional test earlier in the same worker flushed them.
    assert (
        f"{created} created, 0 updated, 0 kept, {fixture_objects() - created} unchanged." in output
    )


@pytest.mark.django_db
def test_loading_twice_duplicates_nothing():
    load()
    first = counts()
    output = load()
    assert counts() == first
    # Every fixture object is unchanged: those the first load made, and the
    # learning themes the reviews migration had made already.
    assert f"0 created, 0 updated, 0 kept, {fixture_objects()} unchanged." in output


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


EVIDENCE = {"slug": "pi", "name": "Performance indicator", "position": 1}
GROUP = {"slug": "t-board", "name": "T Board", "kind": "strategic-board", "boards": [["t"]]}


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


STRICT_CASES = {
    **{
        f"{what} in a {kind} field": (
            bad((index, {"model": model, "fields": {**GOOD[index]["fields"], name: value}})),
            ["bad.json", f"object {index + 1}", f"field '{name}'", message],
        )
        for what, kind, index, model, name, value, message in [
            (
                "a number",
                "date",
                1,
                "board.reportingyear",
                "start",
                20160401,
                'expected a date as text, for example "2016-04-01", got 20160401.',
            ),
            (
                "a list",
                "date",
                1,
                "board.reportingyear",
                "start",
                [2016, 4, 1],
                'expected a date as text, for example "2016-04-01", got [2016, 4, 1].',
            ),
            (
                "a compact ISO text",
                "date",
                1,
                "board.reportingyear",
                "start",
                "20160401",
                'expected a date as text, for example "2016-04-01", got "20160401".',
            ),
            (
                "a dict",
                "text",
                0,
                "board.board",
                "name",
                {"en": "T Board"},
                'expected text, got {"en": "T Board"}.',
            ),
            ("a boolean", "text", 2, "board.agency", "name", True, "expected text, got true."),
            ("a number", "text", 2, "board.agency", "short_name", 5, "expected text, got 5."),
            (
                "a NUL character",
                "text",
                2,
                "board.agency",
                "name",
                "T\x00Police",
                "contains a NUL character",
            ),
            ("a null", "text", 2, "board.agency", "name", None, "cannot be null"),
            (
                "a boolean",
                "decimal",
                3,
                "board.contribution",
                "amount",
                True,
                'expected a number, or a number as text such as "10.00", got true.',
            ),
            (
                "a list",
                "decimal",
                3,
                "board.contribution",
                "amount",
                [10],
                'expected a number, or a number as text such as "10.00", got [10].',
            ),
            (
                "an object",
                "reference",
                3,
                "board.contribution",
                "board",
                [{"slug": "t"}],
                'a reference is a natural key list of text and whole numbers, for example ["slug"]; '
                'got [{"slug": "t"}].',
            ),
        ]
    },
    **{
        f"{what} in an integer field": (
            bad(
                (4, {"model": "priorities.evidencetype", "fields": {**EVIDENCE, "position": value}})
            ),
            ["bad.json", "object 5", "slug='pi'", "field 'position'", message],
        )
        for what, value, message in [
            ("a boolean", True, "expected a whole number, got true."),
            ("a text number", "3", 'expected a whole number, got "3".'),
            ("a fraction", 2.5, "expected a whole number, got 2.5."),
            (
                "a number past PostgreSQL's smallint",
                32768,
                "32768 is outside what the database stores (0 to 32767).",
            ),
            ("a negative number", -1, "-1 is outside what the database stores (0 to 32767)."),
        ]
    },
    "a group reporting to itself": (
        bad((4, {"model": "board.group", "fields": {**GROUP, "reports_to": ["t-board"]}})),
        [
            "bad.json",
            "object 5",
            "slug='t-board'",
            "field 'reports_to'",
            "refers to this object itself",
        ],
    ),
    "groups reporting to each other": (
        bad(
            (4, {"model": "board.group", "fields": {**GROUP, "reports_to": ["t-exec"]}}),
            (
                5,
                {
                    "model": "board.group",
                    "fields": {**GROUP, "slug": "t-exec", "reports_to": ["t-board"]},
                },
            ),
        ),
        ["bad.json", "field 'reports_to'", "refers back to this object", "a loop cannot be loaded"],
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
@pytest.mark.parametrize("case", STRICT_CASES)
def test_a_value_of_the_wrong_kind_names_file_object_and_field_and_loads_nothing(case, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD))
    load(good)
    before = counts()
    records, expected = STRICT_CASES[case]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records))
    with pytest.raises(CommandError) as error:
        load(path)
    message = str(error.value)
    assert message.startswith("Nothing was loaded. bad.json, object ")
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
    before = counts()
    with pytest.raises(CommandError):
        load(path)
    assert counts() == before
    assert before["board.board"] == 0


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


def write(tmp_path: Path, name: str, records: list[dict]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(records))
    return path


def groups(*specs: tuple[str, str | None]) -> list[dict]:
    return GOOD[:1] + [
        {
            "model": "board.group",
            "fields": {
                **GROUP,
                "slug": slug,
                "name": slug.replace("-", " ").title(),
                "reports_to": [parent] if parent else None,
            },
        }
        for slug, parent in specs
    ]


def reporting_lines() -> dict[str, str | None]:
    from board.models import Group

    return {g.slug: g.reports_to.slug if g.reports_to else None for g in Group.objects.all()}


@pytest.mark.django_db
def test_a_loaded_group_cannot_be_changed_to_report_to_itself(tmp_path):
    load(write(tmp_path, "groups.json", groups(("t-board", None), ("t-exec", "t-board"))))
    with pytest.raises(CommandError) as error:
        load(write(tmp_path, "again.json", groups(("t-board", "t-board"), ("t-exec", "t-board"))))
    assert str(error.value) == (
        "Nothing was loaded. again.json, object 2 (board.group slug='t-board'): "
        "field 'reports_to': A group cannot report to itself."
    )
    assert reporting_lines() == {"t-board": None, "t-exec": "t-board"}


@pytest.mark.django_db
def test_a_loaded_group_cannot_be_changed_to_report_to_its_own_sub_group(tmp_path):
    chain = groups(("t-board", None), ("t-exec", "t-board"), ("t-sub", "t-exec"))
    load(write(tmp_path, "groups.json", chain))
    with pytest.raises(CommandError) as error:
        load(
            write(
                tmp_path,
                "loop.json",
                groups(("t-board", "t-sub"), ("t-exec", "t-board"), ("t-sub", "t-exec")),
            )
        )
    assert str(error.value) == (
        "Nothing was loaded. loop.json, object 2 (board.group slug='t-board'): "
        "field 'reports_to': T Sub reports to this group, directly or through other groups, "
        "so this group cannot report to it."
    )
    assert reporting_lines() == {"t-board": None, "t-exec": "t-board", "t-sub": "t-exec"}


BUSINESS_PLAN = Path(settings.BASE_DIR, "fixtures", "003-luton-business-plan-2015-17.json")


def business_plan_with(tmp_path: Path, description: str) -> Path:
    """The business plan's fixture with action 3a's text as given, under its
    own file name (as a corrected fixture would be)."""
    records = json.loads(BUSINESS_PLAN.read_text())
    for record in records:
        if record["model"] == "priorities.action" and record["fields"]["ref"] == "3a":
            record["fields"]["description"] = description
    return write(tmp_path, BUSINESS_PLAN.name, records)


@pytest.mark.django_db
def test_a_corrected_fixture_still_applies_to_an_action_only_sent_back_by_a_browser(tmp_path):
    """A person opens action 3a and saves it as it was: the browser sends its
    text with CRLF line endings. That is no edit, so a corrected fixture
    still applies to the action."""
    from django.test import Client

    from board.models import Board
    from core import roles
    from priorities.models import Action
    from tests.factories import UserFactory
    from tests.html import browser_post

    load()
    load(business_plan_with(tmp_path, "Publicise the threshold document.\nSignpost the website."))
    manager = UserFactory(
        username="luton-manager",
        role=roles.BUSINESS_MANAGER,
        boards=[Board.objects.get(slug="luton")],
    )
    client = Client()
    client.force_login(manager)
    url = reverse(
        "priorities:action_edit",
        kwargs={"board": "luton", "plan": "business-plan-2015-17", "ref": "3a"},
    )
    data = browser_post(client.get(url).content.decode(), url)
    assert data["description"] == ["Publicise the threshold document.\r\nSignpost the website."]
    assert client.post(url, data).status_code == 302

    corrected = "Publicise the threshold document to every partner.\nSignpost the website."
    output = load(business_plan_with(tmp_path, corrected))
    assert "priorities.action: 1 updated" in output
    assert Action.objects.get(plan__slug="business-plan-2015-17", ref="3a").description == corrected


@pytest.mark.django_db
def test_a_persons_save_that_changed_only_line_endings_is_no_edit_to_the_loader(tmp_path, users):
    """History written before text was normalised holds a person's save whose
    only difference was CRLF: the loader compares text as it is stored, so a
    corrected fixture applies; a real edit by a person is still kept."""
    from priorities.models import Action

    load()
    load(business_plan_with(tmp_path, "Publicise the threshold document.\nSignpost the website."))
    action = Action.objects.get(plan__slug="business-plan-2015-17", ref="3a")
    action._history_user = users["manager"]
    action.save()
    action.history.filter(history_id=action.history.first().history_id).update(
        description="Publicise the threshold document.  \r\nSignpost the website.\r\n"
    )
    output = load(business_plan_with(tmp_path, "Publicise it.\nSignpost the website."))
    assert "priorities.action: 1 updated" in output

    action.refresh_from_db()
    action.lead = "Head of Early Help"
    action._history_user = users["manager"]
    action.save()
    output = load(business_plan_with(tmp_path, "Publicise it again."))
    assert "priorities.action: 1 kept as people edited them in Assure" in output
