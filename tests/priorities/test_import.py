"""Importing action plans: every row checked before anything is saved."""

import csv
import datetime
import io

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from priorities import spreadsheets
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
    "one rating only": (
        {**GOOD_ROW, "Process rating": "GREEN"},
        "Give both a process rating and an impact rating, or neither.",
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
        spreadsheets.import_save(plan=plan, rows=[{**GOOD_ROW, "Ref": "2b"}, row], recorded_by=None)
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
    assert result.rows[0].changes == ["Timescale"]
    spreadsheets.import_save(plan=plan, rows=parsed, recorded_by=users["manager"])
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
    assert spreadsheets.preview_import(copy, parsed).valid
    spreadsheets.import_save(plan=copy, rows=parsed, recorded_by=users["manager"])
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
