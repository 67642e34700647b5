import datetime

import pytest
from django.core.exceptions import ValidationError

from audits import services
from audits.models import Audit, Finding, Section11Rating, Section11Return
from audits.services import RatingInput
from priorities.models import ActionPlan
from tests.clock import on_day
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AssessmentFactory,
    AuditFactory,
    BoardFactory,
    FindingFactory,
    FocusFactory,
    GroupFactory,
    InspectionFactory,
    JudgementFactory,
    PlanFactory,
    RatingFactory,
    ReturnFactory,
    RoundFactory,
    StandardFactory,
    YearFactory,
)

pytestmark = pytest.mark.django_db


def new_audit(**fields):
    defaults = {
        "board": BoardFactory(slug="luton"),
        "year": YearFactory(
            label="2020-21", start=datetime.date(2020, 4, 1), end=datetime.date(2021, 3, 31)
        ),
        "kind": Audit.Kind.MULTI_AGENCY,
        "theme": "Referrals into the MASH",
        "start": datetime.date(2020, 11, 1),
        "status": Audit.Status.REPORTED,
    }
    return Audit(**{**defaults, **fields})


# Audits


def test_it_saves_an_audit_with_a_web_name_from_its_theme_and_year():
    audit = services.audit_save(audit=new_audit(), agencies=[AgencyFactory()])
    assert audit.slug == "referrals-into-the-mash-2020-21"
    assert audit.agencies.count() == 1
    assert audit.when == "November 2020"


def test_it_keeps_a_month_as_its_first_day():
    audit = services.audit_save(
        audit=new_audit(start=datetime.date(2021, 1, 19), end=datetime.date(2021, 2, 3))
    )
    assert (audit.start, audit.end) == (datetime.date(2021, 1, 1), datetime.date(2021, 2, 1))
    assert audit.when == "January to February 2021"


def test_it_gives_days_when_the_report_does():
    audit = new_audit(
        dated_by="day", start=datetime.date(2020, 7, 14), end=datetime.date(2020, 7, 14)
    )
    assert audit.when == "14 July 2020"


def test_it_refuses_an_audit_of_both_a_board_and_a_group():
    group = GroupFactory(boards=[BoardFactory(), BoardFactory()])
    problems = services.audit_problems(audit=new_audit(group=group))
    assert problems["board"] == ["Choose the board or a pan-area group, not both and not neither."]


def test_it_refuses_an_audit_of_neither_board_nor_group():
    assert "board" in services.audit_problems(audit=new_audit(board=None))


def test_it_accepts_a_pan_area_audit_of_a_group():
    group = GroupFactory(boards=[BoardFactory(), BoardFactory()])
    audit = services.audit_save(audit=new_audit(board=None, group=group))
    assert audit.owner == group


def test_it_refuses_an_end_before_the_start():
    problems = services.audit_problems(
        audit=new_audit(start=datetime.date(2020, 11, 1), end=datetime.date(2020, 10, 1))
    )
    assert problems == {"end": ["The audit cannot end before it starts."]}


def test_it_accepts_an_end_in_the_same_month_as_the_start():
    audit = new_audit(start=datetime.date(2020, 11, 1), end=datetime.date(2020, 11, 30))
    assert services.audit_problems(audit=audit) == {}


def test_it_refuses_a_start_outside_the_reporting_year():
    problems = services.audit_problems(audit=new_audit(start=datetime.date(2021, 4, 1)))
    assert problems == {
        "start": [
            "April 2021 is not in the reporting year 2020-21: choose the year the audit started in."
        ]
    }


def test_it_accepts_the_last_month_of_the_reporting_year():
    assert services.audit_problems(audit=new_audit(start=datetime.date(2021, 3, 31))) == {}


@on_day(datetime.date(2026, 12, 2))
def test_it_refuses_a_reported_audit_that_has_not_started():
    year = YearFactory(
        label="2026-27", start=datetime.date(2026, 4, 1), end=datetime.date(2027, 3, 31)
    )
    later = new_audit(year=year, start=datetime.date(2027, 1, 1))
    assert services.audit_problems(audit=later) == {
        "status": ["An audit that has not started yet cannot be reported: it is planned."]
    }
    later.status = Audit.Status.PLANNED
    assert services.audit_problems(audit=later) == {}


def test_it_accepts_a_report_this_month():
    year = YearFactory(
        label="2026-27", start=datetime.date(2026, 4, 1), end=datetime.date(2027, 3, 31)
    )
    audit = new_audit(year=year, start=datetime.date(2026, 12, 2))
    assert services.audit_problems(audit=audit) == {}


def test_it_refuses_a_single_agency_audit_naming_two_agencies():
    audit = new_audit(kind=Audit.Kind.SINGLE_AGENCY)
    problems = services.audit_problems(audit=audit, agencies=[AgencyFactory(), AgencyFactory()])
    assert problems == {"agencies": ["A single-agency audit names one agency, not several."]}
    assert services.audit_problems(audit=audit, agencies=[AgencyFactory()]) == {}


def test_it_refuses_a_web_name_another_audit_has():
    AuditFactory(slug="neglect")
    problems = services.audit_problems(audit=new_audit(slug="neglect"))
    assert problems == {"slug": ["Another audit already has the web name neglect."]}


def test_it_refuses_the_web_name_of_the_add_page():
    assert services.audit_problems(audit=new_audit(slug="add")) == {
        "slug": ["The web name “add” is the address of the add page: choose another."]
    }


def test_it_refuses_actions_closed_while_an_action_is_open():
    board = BoardFactory(slug="luton")
    plan = PlanFactory(board=board, kind=ActionPlan.Kind.AUDIT)
    done, still_open = ActionFactory(plan=plan, ref="1"), ActionFactory(plan=plan, ref="2")
    AssessmentFactory(action=done, process="BLUE", impact="GREY")
    AssessmentFactory(action=still_open, process="GREEN", impact="GREY")
    audit = new_audit(board=board, plan=plan, status=Audit.Status.ACTIONS_CLOSED)
    assert services.audit_problems(audit=audit) == {
        "status": [
            "The audit's actions are not all closed: 2 not yet rated Blue (completed) for process."
        ]
    }
    AssessmentFactory(action=still_open, process="BLUE", impact="GREY")
    assert services.audit_problems(audit=audit) == {}


def test_it_refuses_a_plan_that_is_not_an_audit_plan():
    board = BoardFactory(slug="luton")
    plan = PlanFactory(board=board, kind=ActionPlan.Kind.BUSINESS_PLAN)
    assert services.audit_problems(audit=new_audit(board=board, plan=plan)) == {
        "plan": ["Choose an action plan of kind audit."]
    }


def test_it_refuses_another_boards_audit_plan():
    plan = PlanFactory(board=BoardFactory(), kind=ActionPlan.Kind.AUDIT)
    assert services.audit_problems(audit=new_audit(plan=plan)) == {
        "plan": ["That action plan belongs to a board this audit does not serve."]
    }


def test_it_refuses_more_cases_than_any_audit_looks_at():
    problems = services.audit_problems(audit=new_audit(cases_audited=100_001))
    assert list(problems) == ["cases_audited"]
    assert services.audit_problems(audit=new_audit(cases_audited=100_000)) == {}


def test_it_saves_nothing_when_refused():
    with pytest.raises(ValidationError):
        services.audit_save(audit=new_audit(end=datetime.date(2020, 1, 1)))
    assert Audit.objects.count() == 0


# Findings and their actions


def test_it_adds_findings_in_order():
    audit = AuditFactory()
    first = services.finding_add(audit=audit, kind="strength", text=" Good sharing ")
    second = services.finding_add(audit=audit, kind="concern", text="Poor recording")
    assert [(f.position, f.kind, f.text) for f in (first, second)] == [
        (1, "strength", "Good sharing"),
        (2, "concern", "Poor recording"),
    ]


def test_it_refuses_an_empty_finding_or_an_unknown_kind():
    audit = AuditFactory()
    with pytest.raises(ValidationError) as caught:
        services.finding_add(audit=audit, kind="praise", text="  ")
    assert caught.value.message_dict == {
        "kind": ["Choose a strength, an area for development or a concern."],
        "text": ["Say what the audit found."],
    }


def test_a_finding_becomes_an_action_of_the_audits_own_plan():
    board = BoardFactory(slug="luton")
    audit = AuditFactory(board=board, slug="mash-referrals", theme="MASH referrals")
    finding = FindingFactory(audit=audit, kind="concern", text="Recording was inconsistent")
    action = services.finding_to_action(
        finding=finding, board=board, ref="1", description="Audit recording quality"
    )
    audit.refresh_from_db()
    finding.refresh_from_db()
    assert finding.action == action
    assert audit.plan == action.plan
    assert (audit.plan.kind, audit.plan.slug, audit.plan.title, audit.plan.period) == (
        "audit",
        "audit-mash-referrals",
        "Audit: MASH referrals",
        "2016-17",
    )
    second = FindingFactory(audit=audit, kind="concern")
    again = services.finding_to_action(finding=second, board=board, ref="2", description="More")
    assert again.plan == audit.plan
    assert ActionPlan.objects.filter(kind="audit").count() == 1


def test_it_refuses_to_turn_a_finding_into_a_second_action():
    board = BoardFactory()
    finding = FindingFactory(audit=AuditFactory(board=board))
    services.finding_to_action(finding=finding, board=board, ref="1", description="Do it")
    with pytest.raises(ValidationError) as caught:
        services.finding_to_action(finding=finding, board=board, ref="2", description="Again")
    assert caught.value.message_dict == {"ref": ["This finding already leads to an action."]}


def test_it_refuses_a_reference_the_plan_already_has():
    board = BoardFactory()
    audit = AuditFactory(board=board)
    services.finding_to_action(
        finding=FindingFactory(audit=audit), board=board, ref="1", description="Do it"
    )
    with pytest.raises(ValidationError) as caught:
        services.finding_to_action(
            finding=FindingFactory(audit=audit), board=board, ref="1", description="Another"
        )
    assert caught.value.message_dict == {"ref": ["The action plan already has an action 1."]}


def test_it_refuses_an_action_with_no_reference_or_words():
    finding = FindingFactory()
    problems = services.finding_action_problems(finding=finding, ref=" ", description=" ")
    assert problems == {
        "ref": ["Give the action a reference, for example 1a."],
        "description": ["Say what will be done."],
    }


def test_a_pan_area_audits_plan_lives_on_the_board_that_follows_it_up():
    luton, bedford = BoardFactory(slug="luton"), BoardFactory(slug="bedford")
    group = GroupFactory(boards=[luton, bedford])
    audit = AuditFactory(board=None, group=group)
    action = services.finding_to_action(
        finding=FindingFactory(audit=audit), board=bedford, ref="1", description="Do it"
    )
    assert action.plan.board == bedford


def test_it_refuses_a_plan_on_a_board_the_audit_does_not_serve():
    audit = AuditFactory()
    with pytest.raises(ValidationError):
        services.finding_to_action(
            finding=FindingFactory(audit=audit), board=BoardFactory(), ref="1", description="x"
        )
    assert ActionPlan.objects.count() == 0
    assert Finding.objects.get().action is None


def test_a_finding_may_not_point_at_another_plans_action():
    finding = FindingFactory(action=ActionFactory())
    assert services.finding_problems(finding=finding) == {
        "action": ["A finding leads to an action of its own audit's action plan."]
    }


# Section 11


@pytest.fixture
def section11():
    board = BoardFactory(slug="luton")
    section11 = RoundFactory(board=board)
    standards = [StandardFactory(board=board, number=n, title=f"Standard {n}") for n in (5, 7, 8)]
    for standard in standards:
        FocusFactory(round=section11, standard=standard)
    return section11, standards


def test_it_records_an_agencys_return_with_its_ratings(section11):
    section11, (five, seven, eight) = section11
    agency = AgencyFactory(slug="police")
    ret = services.return_record(
        section11=section11,
        agency=agency,
        submitted=True,
        submitted_on=datetime.date(2020, 11, 30),
        ratings={
            five.pk: RatingInput(level="met", evidence="Training records"),
            seven.pk: RatingInput(level="partially-met", area_for_development="Escalations"),
            eight.pk: RatingInput(),
        },
    )
    ratings = {r.standard.number: r.level for r in ret.ratings.all()}
    assert ratings == {5: "met", 7: "partially-met"}


def test_recording_a_return_again_changes_it(section11):
    section11, (five, *_rest) = section11
    agency = AgencyFactory()
    day = datetime.date(2020, 11, 30)
    services.return_record(
        section11=section11,
        agency=agency,
        submitted=True,
        submitted_on=day,
        ratings={five.pk: RatingInput(level="met")},
    )
    services.return_record(
        section11=section11,
        agency=agency,
        submitted=True,
        submitted_on=day,
        ratings={five.pk: RatingInput(level="not-met")},
    )
    assert Section11Return.objects.count() == 1
    assert list(Section11Rating.objects.values_list("level", flat=True)) == ["not-met"]


def test_it_refuses_a_submitted_return_without_a_date(section11):
    section11, _ = section11
    problems = services.return_problems(
        section11=section11, agency=AgencyFactory(), submitted=True, submitted_on=None, ratings={}
    )
    assert problems == {"submitted_on": ["Give the date the return came in."]}


def test_it_refuses_a_date_on_a_return_not_submitted(section11):
    section11, _ = section11
    problems = services.return_problems(
        section11=section11,
        agency=AgencyFactory(),
        submitted=False,
        submitted_on=datetime.date(2020, 1, 1),
        ratings={},
    )
    assert problems == {"submitted_on": ["A return not yet submitted has no date: leave it blank."]}


@on_day(datetime.date(2026, 12, 2))
def test_it_refuses_a_return_dated_tomorrow_but_accepts_today(section11):
    section11, _ = section11
    today = datetime.date(2026, 12, 2)
    for day, expected in ((today + datetime.timedelta(days=1), False), (today, True)):
        problems = services.return_problems(
            section11=section11,
            agency=AgencyFactory(),
            submitted=True,
            submitted_on=day,
            ratings={},
        )
        assert (problems == {}) is expected, problems


def test_it_refuses_ratings_on_a_return_not_submitted(section11):
    section11, (five, *_rest) = section11
    problems = services.return_problems(
        section11=section11,
        agency=AgencyFactory(),
        submitted=False,
        submitted_on=None,
        ratings={five.pk: RatingInput(level="met")},
    )
    assert problems == {
        "submitted": [
            "Ratings are recorded on a submitted return: tick submitted and give the date."
        ]
    }


def test_it_refuses_a_rating_off_the_scale_or_evidence_without_a_rating(section11):
    section11, (five, seven, _eight) = section11
    problems = services.return_problems(
        section11=section11,
        agency=AgencyFactory(),
        submitted=True,
        submitted_on=datetime.date(2020, 11, 30),
        ratings={five.pk: RatingInput(level="excellent"), seven.pk: RatingInput(evidence="x")},
    )
    assert problems == {
        f"standard_{five.pk}_level": ["Standard 5: choose met, partially met or not met."],
        f"standard_{seven.pk}_level": ["Standard 7: choose a rating for what is given."],
    }


def test_it_refuses_a_rating_of_a_standard_outside_the_round(section11):
    section11, _ = section11
    outside = StandardFactory(board=section11.board, number=1)
    problems = services.return_problems(
        section11=section11,
        agency=AgencyFactory(),
        submitted=True,
        submitted_on=datetime.date(2020, 11, 30),
        ratings={outside.pk: RatingInput(level="met")},
    )
    assert problems == {"__all__": ["A rating was given for a standard outside this round."]}


def test_a_standard_of_another_set_cannot_be_in_scope():
    section11 = RoundFactory()
    other = StandardFactory(board=BoardFactory())
    with pytest.raises(ValidationError) as caught:
        services.round_save(section11=section11, standards=[other])
    assert "standards" in caught.value.message_dict


def test_a_board_defines_its_own_numbered_standards():
    board = BoardFactory()
    services.standard_save(
        standard=StandardFactory.build(board=board, number=1, title="Leadership")
    )
    with pytest.raises(ValidationError) as caught:
        services.standard_save(standard=StandardFactory.build(board=board, number=1, title="Again"))
    assert caught.value.message_dict == {"number": ["The set already has a standard 1."]}
    # Another board numbers its own set from 1 too.
    services.standard_save(
        standard=StandardFactory.build(board=BoardFactory(), number=1, title="x")
    )


def test_an_area_for_development_becomes_an_action_of_the_rounds_plan(section11):
    section11, (five, *_rest) = section11
    rating = RatingFactory(ret=ReturnFactory(round=section11), standard=five, level="not-met")
    action = services.rating_to_action(
        rating=rating, board=section11.board, ref="S5", description="Evaluate training impact"
    )
    rating.refresh_from_db()
    assert rating.action == action
    assert action.plan.kind == "section-11"


def test_a_return_with_ratings_stays_submitted(section11):
    section11, (five, *_rest) = section11
    ret = ReturnFactory(round=section11)
    RatingFactory(ret=ret, standard=five)
    ret.submitted, ret.submitted_on = False, None
    with pytest.raises(ValidationError) as caught:
        services.return_save(ret=ret)
    assert caught.value.message_dict == {
        "submitted": ["This return has ratings: it was submitted."]
    }


# Inspections


def test_it_links_an_inspection_to_its_boards_inspection_plans():
    board = BoardFactory()
    plan = PlanFactory(board=board, kind=ActionPlan.Kind.INSPECTION)
    inspection = services.inspection_save(
        inspection=InspectionFactory.build(board=board, slug=""), plans=[plan]
    )
    assert inspection.slug == "ofsted-2016"
    assert list(inspection.plans.all()) == [plan]


def test_it_refuses_a_plan_of_another_kind_board_or_inspection():
    board = BoardFactory()
    business = PlanFactory(board=board, kind=ActionPlan.Kind.BUSINESS_PLAN)
    elsewhere = PlanFactory(board=BoardFactory(), kind=ActionPlan.Kind.INSPECTION)
    taken = PlanFactory(board=board, kind=ActionPlan.Kind.INSPECTION)
    InspectionFactory(board=board).plans.add(taken)
    problems = services.inspection_problems(
        inspection=InspectionFactory.build(board=board), plans=[business, elsewhere, taken]
    )
    assert problems == {
        "plans": [
            f"{business} is not an inspection's action plan.",
            f"{elsewhere} belongs to another board.",
            f"{taken} already belongs to another inspection.",
        ]
    }


def test_it_refuses_inspection_dates_out_of_order():
    inspection = InspectionFactory.build(
        board=BoardFactory(),
        start=datetime.date(2016, 1, 11),
        end=datetime.date(2016, 1, 10),
        published=datetime.date(2016, 1, 1),
    )
    assert services.inspection_problems(inspection=inspection) == {
        "end": ["The inspection cannot end before it starts."],
        "published": ["The report cannot be published before the inspection."],
    }


def test_an_inspection_takes_the_year_of_its_start_and_keeps_it_there():
    inspection = services.inspection_save(
        inspection=InspectionFactory.build(
            board=BoardFactory(), year=None, start=datetime.date(2017, 3, 31), end=None
        )
    )
    assert inspection.year.label == "2016-17"
    inspection.start = datetime.date(2017, 4, 1)
    assert services.inspection_problems(inspection=inspection) == {
        "start": ["1 April 2017 is not in the reporting year 2016-17."]
    }


def test_it_refuses_two_judgements_on_the_same_line():
    first = JudgementFactory(position=1)
    with pytest.raises(ValidationError) as caught:
        services.judgement_save(
            judgement=JudgementFactory.build(inspection=first.inspection, position=1)
        )
    assert caught.value.message_dict == {"position": ["The table already has a line 1."]}


@pytest.mark.parametrize("blank", ["", "   ", " \r\n\t"])
def test_a_judgement_without_area_or_grade_is_refused_in_the_services_words(blank):
    judgement = JudgementFactory.build(inspection=InspectionFactory(), area=blank, grade=blank)
    assert services.judgement_problems(judgement=judgement) == {
        "area": ["Name the area judged."],
        "grade": ["Give the grade in the inspectorate's words."],
    }
