"""Importing an action tracker in the board's own layout."""

import datetime

import pytest

from priorities.models import Action, Assessment, Priority
from tests.clock import on_day
from tests.factories import PlanFactory
from tests.import_files import SheetSpec, csv_bytes, tracker_rows, tracker_xlsx, xlsx
from tests.imports import ImportWalk, problems_of

TODAY = datetime.date(2026, 12, 7)
KIND = "action-tracker"


@pytest.fixture
def walk(world, manager_client):
    return ImportWalk(manager_client, world.board, KIND)


@pytest.fixture
def plan(world):
    return PlanFactory(board=world.board, slug="business-plan-2026", title="Business Plan 2026-28")


OPTIONS = {
    "plan": "business-plan-2026",
    "order": "day-first",
    "quarters": "financial",
    "as_at": "2026-11-30",
}


def test_a_tracker_of_its_own_layout_imports_with_its_own_words(walk, plan):
    with on_day(TODAY):
        response = walk.upload("tracker.xlsx", tracker_xlsx())
        assert response.status_code == 302
        assert response["Location"].endswith("/layout/")  # two sheets, headings on row 3
        pending = walk.pending()
        assert pending.layout.sheet == 0
        assert pending.layout.header_row == 3
        assert walk.layout().status_code == 302
        response = walk.columns(**OPTIONS)
        assert response.status_code == 302, response.context and response.context["problems"]
        response = walk.words()
        assert response.status_code == 302
        response = walk.preview()
        print(problems_of(response))
        assert response.status_code == 200
        response = walk.confirm()
        assert response.status_code == 302
    actions = {a.ref: a for a in Action.objects.filter(plan=plan)}
    assert sorted(actions) == ["1.a", "1.b", "P2-A1", "P2-A2"]
    assert sorted(Priority.objects.filter(plan=plan).values_list("number", "title")) == [
        (1, "Neglect"),
        (2, "Exploitation"),
    ]
    assert actions["1.b"].due_date == datetime.date(2027, 3, 31)
    assert actions["1.b"].timescale == "Q4 2026-27"
    assert actions["P2-A2"].due_date is None
    assert actions["P2-A2"].timescale == "Ongoing"
    latest = Assessment.objects.get(action=actions["P2-A1"])
    assert (latest.process, latest.impact) == ("RED", "RED")
    assert latest.assessed_on == datetime.date(2026, 11, 30)


# --- trackers of other layouts ----------------------------------------------------------


def _saved_state(plan):
    """What an import could have written: refused imports leave it as it was."""
    from board.models import ImportMapping

    return (
        sorted(Action.objects.filter(plan=plan).values_list("ref", "description", "due_date")),
        sorted(Assessment.objects.filter(action__plan=plan).values_list("action__ref", "process")),
        sorted(Priority.objects.filter(plan=plan).values_list("number", "title")),
        ImportMapping.objects.filter(board=plan.board).count(),
    )


def _to_preview(walk, name, content, by_heading=None, by_word=None, **options):
    walk.upload(name, content)
    assert walk.layout().status_code == 302
    response = walk.columns(by_heading, **{**OPTIONS, **options})
    assert response.status_code == 302, response.context and [
        str(p) for p in response.context["problems"]
    ]
    if response["Location"].endswith("/words/"):
        assert walk.words(by_word).status_code == 302
    return walk.preview()


def _refused(walk, plan, response, *expected):
    """The preview names each expected problem (as its text starts) and a
    confirm saves nothing."""
    assert response.status_code == 400
    problems = problems_of(response)
    for text in expected:
        assert any(p.startswith(text) for p in problems), (text, problems)
    before = _saved_state(plan)
    confirm = walk.confirm()
    assert confirm.status_code == 302
    assert _saved_state(plan) == before
    return problems


def test_a_csv_tracker_with_numbers_the_board_gives_meaning_to_imports(walk, plan):
    """Numbers 1 to 5 mean what the board says (here 1 is BLUE), one column
    rates both dimensions ("3/2" is process then impact), UK dates written
    several ways, and a lead agency Assure has never heard of kept as
    written."""
    rows = [
        [
            "Ref",
            "Objective",
            "Key actions",
            "Lead agency",
            "Deadline",
            "RAG",
            "Comments",
            "Evidence notes",
        ],
        [
            "1a",
            "Priority 1: Neglect",
            "Refresh the neglect toolkit",
            "Anytown Community Health Trust",
            "31/03/2027",
            "2",
            "",
            "Toolkit used in 40 cases",
        ],
        [
            "1b",
            "1",
            "Audit neglect referrals",
            "Police",
            "1st Sept 2027",
            "5/4",
            "Not begun: the audit team is short-staffed",
            "None yet",
        ],
        [
            "1c",
            "1",
            "Launch a neglect conference",
            "LSCB office",
            "30-06-27",
            "1",
            "",
            "Attended by 120 people",
        ],
    ]
    with on_day(TODAY):
        response = _to_preview(
            walk,
            "tracker.csv",
            csv_bytes(rows),
            by_word={"rating": {"1": "BLUE", "2": "GREEN", "3": "AMBER", "4": "GREY", "5": "RED"}},
        )
        assert response.status_code == 200, problems_of(response)
        assert walk.confirm().status_code == 302
    actions = {a.ref: a for a in Action.objects.filter(plan=plan)}
    assert actions["1a"].due_date == datetime.date(2027, 3, 31)
    assert actions["1b"].due_date == datetime.date(2027, 9, 1)
    assert actions["1c"].due_date == datetime.date(2027, 6, 30)
    assert actions["1a"].lead == "Anytown Community Health Trust"
    ratings = {
        a.action.ref: (a.process, a.impact) for a in Assessment.objects.filter(action__plan=plan)
    }
    assert ratings == {"1a": ("GREEN", "GREEN"), "1b": ("RED", "GREY"), "1c": ("BLUE", "BLUE")}


def test_the_mapping_is_remembered_for_the_next_file(walk, plan):
    rows = [
        ["Ref", "Objective", "Key actions", "RAG", "Comments", "Evidence notes"],
        ["1a", "Priority 1: Neglect", "Refresh the neglect toolkit", "2", "", "Toolkit used"],
    ]
    with on_day(TODAY):
        _to_preview(walk, "tracker.csv", csv_bytes(rows), by_word={"rating": {"2": "GREEN"}})
        assert walk.confirm().status_code == 302
        next_month = [*rows, ["1b", "1", "Audit neglect referrals", "2", "", "Audit done"]]
        walk.upload("tracker-january.csv", csv_bytes(next_month))
        pending = walk.pending()
        assert pending.options["plan"] == plan.slug
        # The columns come back as they were mapped, and the board's "2" is still GREEN.
        assert set(pending.mapping.columns.values()) >= {"ref", "priority", "description", "rating"}
        # The page offers the remembered options: the person posts them as shown.
        assert walk.columns(**pending.options).status_code == 302
        assert walk.pending().mapping.words["rating"] == {"2": "GREEN"}
        assert walk.words().status_code == 302
        assert walk.preview().status_code == 200


def test_an_unmapped_rating_word_is_named_by_row_and_column_and_saves_nothing(walk, plan):
    rows = [*[[*r] for r in tracker_rows()]]
    rows[2][5] = "Slipped badly"
    with on_day(TODAY):
        response = _to_preview(walk, "tracker.xlsx", tracker_xlsx(rows=rows))
        _refused(
            walk,
            plan,
            response,
            "Row 6, column F (Progress RAG): 'Slipped badly' is not mapped to a process rating",
        )
    assert not Action.objects.filter(plan=plan).exists()


def test_merged_cells_are_named_until_they_are_filled_deliberately(walk, plan):
    """A priority written once in cells merged down its actions: left merged,
    the rows below look blank, so the preview names the range; filled, every
    row carries the priority."""
    rows = [
        ["Ref", "Priority", "Action", "Process RAG", "Impact RAG", "Commentary", "Evidence"],
        ["1a", "Priority 1: Neglect", "Refresh the toolkit", "Green", "Grey", "", ""],
        ["1b", None, "Audit referrals", "Green", "Grey", "", ""],
        ["2a", "Priority 2: Exploitation", "Map missing children", "Green", "Grey", "", ""],
    ]
    content = xlsx(SheetSpec("Plan", rows, merged=["B2:B3"]))
    with on_day(TODAY):
        response = _to_preview(walk, "tracker.xlsx", content)
        _refused(walk, plan, response, "Row 2, column B (Priority): cells B2:B3 are merged")
        assert walk.layout(merged="fill").status_code == 302
        assert walk.columns(**OPTIONS).status_code == 302
        assert walk.words().status_code == 302
        assert walk.preview().status_code == 200
        assert walk.confirm().status_code == 302
    assert {a.ref: a.priority.number for a in Action.objects.filter(plan=plan)} == {
        "1a": 1,
        "1b": 1,
        "2a": 2,
    }


def test_the_sheet_with_the_tracker_is_chosen_among_several(walk, plan):
    notes = SheetSpec(
        "Read me", [["This workbook is the partnership's tracker."], ["Updated monthly"]]
    )
    tracker = SheetSpec(
        "Actions",
        [
            ["Action Ref", "Action", "Process", "Impact"],
            ["3a", "Review the escalation policy", "Not started", "Not started"],
        ],
    )
    with on_day(TODAY):
        walk.upload("tracker.xlsx", xlsx(notes, tracker))
        assert walk.pending().layout.sheet == 1
        assert walk.layout().status_code == 302
        assert walk.columns(**OPTIONS).status_code == 302
        assert walk.words().status_code == 302
        assert walk.preview().status_code == 200
        assert walk.confirm().status_code == 302
    assessment = Assessment.objects.get(action__plan=plan, action__ref="3a")
    assert (assessment.process, assessment.impact) == ("GREY", "GREY")


@pytest.mark.parametrize(
    ("cell", "column", "expected"),
    [
        ("31/13/2026", "E", "Row 4, column E (By when): '31/13/2026' has no month 13"),
        ("30/02/2027", "E", "Row 4, column E (By when): '30/02/2027' is not a real date"),
        ("Summer-ish", "E", None),  # kept as the timescale, not a problem
    ],
)
def test_a_due_date_that_is_not_a_date_is_named_or_kept_as_words(
    walk, plan, cell, column, expected
):
    rows = [[*r] for r in tracker_rows()]
    rows[0][4] = cell
    with on_day(TODAY):
        response = _to_preview(walk, "tracker.xlsx", tracker_xlsx(rows=rows))
        if expected is None:
            assert response.status_code == 200, problems_of(response)
            assert walk.confirm().status_code == 302
            action = Action.objects.get(plan=plan, ref="1.a")
            assert (action.due_date, action.timescale) == (None, cell)
        else:
            _refused(walk, plan, response, expected)


def test_quarters_follow_the_board_s_kind_of_year(walk, plan):
    rows = [[*r] for r in tracker_rows()]
    rows[0][4] = "Q3 2026"
    with on_day(TODAY):
        response = _to_preview(walk, "tracker.xlsx", tracker_xlsx(rows=rows), quarters="calendar")
        assert response.status_code == 200
        assert walk.confirm().status_code == 302
    action = Action.objects.get(plan=plan, ref="1.a")
    assert (action.due_date, action.timescale) == (datetime.date(2026, 9, 30), "Q3 2026")


def test_a_red_rating_without_commentary_is_refused_as_the_form_would(walk, plan):
    rows = [[*r] for r in tracker_rows()]
    rows[2][7] = ""  # P2 A1 is "Off track" both ways, now with no update
    with on_day(TODAY):
        response = _to_preview(walk, "tracker.xlsx", tracker_xlsx(rows=rows))
        _refused(walk, plan, response, "Row 6, column H (Progress update):")


def test_a_ref_twice_and_an_unknown_priority_are_named(walk, plan):
    rows = [[*r] for r in tracker_rows()]
    rows[1][0] = "1.a"
    rows[3][1] = "7"
    with on_day(TODAY):
        response = _to_preview(walk, "tracker.xlsx", tracker_xlsx(rows=rows))
        _refused(
            walk,
            plan,
            response,
            "Row 5, column A (Action No.): ref 1.a is also on row 4",
            "Row 7, column B (Priority Area): Business Plan 2026-28 has no priority 7",
        )


def test_a_column_mapped_twice_or_a_missing_action_column_is_refused(walk, plan):
    with on_day(TODAY):
        walk.upload("tracker.xlsx", tracker_xlsx())
        walk.layout()
        response = walk.columns({"What we will do": "ignore"}, **OPTIONS)
        assert response.status_code == 400
        assert (
            any("Action" in str(p) for p in response.context["problems"])
            or response.context["form"].errors
        )
        response = walk.columns({"Lead Officer": "description"}, **OPTIONS)
        assert response.status_code == 400
    assert _saved_state(plan) == ([], [], [], 0)


def test_a_change_to_the_plan_after_the_preview_saves_nothing(walk, plan):
    from tests.factories import ActionFactory

    existing = ActionFactory(plan=plan, ref="1.a", description="Launch the neglect strategy")
    with on_day(TODAY):
        response = _to_preview(walk, "tracker.xlsx", tracker_xlsx())
        assert response.status_code == 200
        Action.objects.filter(pk=existing.pk).update(lead="Someone else")
        from priorities import services

        services.action_update(
            action_id=existing.pk, expected_version=existing.version, changes={"lead": "Someone"}
        )
        before = _saved_state(plan)
        response = walk.confirm()
        assert response["Location"].endswith("/preview/")
    assert _saved_state(plan) == before


def test_a_known_action_is_changed_through_its_version_and_assessed(walk, plan):
    from tests.factories import ActionFactory

    existing = ActionFactory(plan=plan, ref="1.a", description="Launch the strategy", lead="Nobody")
    with on_day(TODAY):
        response = _to_preview(walk, "tracker.xlsx", tracker_xlsx())
        assert response.status_code == 200
        assert walk.confirm().status_code == 302
    existing.refresh_from_db()
    assert existing.lead == "Head of Early Help"
    assert existing.description == "Launch the neglect strategy with partners"
    assert Action.objects.filter(plan=plan).count() == 4
    assert Assessment.objects.get(action=existing).process == "BLUE"


def test_the_preview_reads_in_a_constant_number_of_queries(
    walk, plan, django_assert_max_num_queries
):
    many = [
        [
            f"{n}.{letter}",
            f"Priority {n}: Theme {n}",
            f"Action {n}{letter}",
            "Lead",
            "March 2027",
            "On track",
            "Not started",
            "",
            "",
        ]
        for n in range(1, 6)
        for letter in "abcdef"
    ]
    with on_day(TODAY):
        _to_preview(walk, "tracker.xlsx", tracker_xlsx(rows=many[:2]))
        with django_assert_max_num_queries(25):
            assert walk.preview().status_code == 200
        _to_preview(walk, "tracker.xlsx", tracker_xlsx(rows=many))
        with django_assert_max_num_queries(25):
            assert walk.preview().status_code == 200
