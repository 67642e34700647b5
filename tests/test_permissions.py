"""The permission matrix: every URL in Assure, by every role, GET and POST.

A URL pattern with no entry here fails the test, so no page can be added
without deciding who may reach it. Users of one board get nothing of another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ("anonymous", "partner", "chair", "manager", "admin", "other_manager", "lead")

LOGIN = "login"  # a redirect to the sign-in page


def expect(
    anonymous: Any,
    partner: Any,
    chair: Any,
    manager: Any,
    admin: Any,
    other: Any,
    lead: Any = 404,
) -> dict[str, Any]:
    """What each role gets. An action lead (of an action on the first board)
    sees only their own pages: every other page of a board is a 404 to them,
    so that is what they get unless a rule says otherwise."""
    return dict(zip(ROLES, (anonymous, partner, chair, manager, admin, other, lead), strict=True))


# Shapes of expectation used by many pages.
SEE_BOARD = expect(LOGIN, 200, 200, 200, 200, 404)
READ = expect(LOGIN, 404, 200, 200, 200, 404)
EDIT = expect(LOGIN, 404, 403, 200, 403, 404)
EDIT_POST_INVALID = expect(LOGIN, 404, 403, 400, 403, 404)
NOT_ALLOWED = expect(LOGIN, 405, 405, 405, 405, 405, 405)


@dataclass
class Rule:
    kwargs: Any = None  # callable(world) -> URL kwargs
    get: dict[str, Any] | None = None
    post: dict[str, Any] | None = None
    post_data: dict[str, Any] = field(default_factory=dict)


def board(world: Any) -> dict[str, Any]:
    return {"board": world.board.slug}


def plan(world: Any) -> dict[str, Any]:
    return {"board": world.board.slug, "plan": world.plan.slug}


def review(world: Any) -> dict[str, Any]:
    """An unpublished review on the first board."""
    from reviews.models import CaseReview
    from tests.reviews.factories import ReviewFactory

    found = CaseReview.objects.filter(board=world.board, slug="child-x").first() or ReviewFactory(
        board=world.board, slug="child-x", name="Child X", year=world.year
    )
    return {"board": world.board.slug, "review": found.slug}


def recommendation(world: Any) -> dict[str, Any]:
    from reviews.models import CaseReview
    from tests.reviews.factories import RecommendationFactory

    kwargs = review(world)
    found = CaseReview.objects.get(board=world.board, slug=kwargs["review"])
    if not found.recommendations.filter(number=1).exists():
        RecommendationFactory(review=found, number=1)
    return {**kwargs, "number": 1}


#: Case reviews: a partner gets 404 wherever a chair reads or a manager edits.
REVIEWS_READ = expect(LOGIN, 404, 200, 200, 200, 404)
REVIEWS_EDIT = expect(LOGIN, 404, 403, 200, 403, 404)
REVIEWS_POST_INVALID = expect(LOGIN, 404, 403, 400, 403, 404)
#: Who read the case reviews: the business manager's and the Admin's.
READS = expect(LOGIN, 404, 403, 200, 200, 404)


def action(world: Any) -> dict[str, Any]:
    return {**plan(world), "ref": world.action.ref}


def ended_plan(world: Any) -> dict[str, Any]:
    """A plan of the first board whose period ended on 31 March 2017: one
    that can be extended or reopened, so those pages show their forms."""
    import datetime

    from priorities.models import ActionPlan
    from tests.factories import PlanFactory

    found = ActionPlan.objects.filter(board=world.board, slug="ended-plan").first()
    found = found or PlanFactory(
        board=world.board,
        slug="ended-plan",
        starts_on=datetime.date(2015, 4, 1),
        ends_on=datetime.date(2017, 3, 31),
    )
    return {"board": world.board.slug, "plan": found.slug}


#: A board's details and who may see it: the Admin's; a chair and a manager
#: read the board but are refused (403).
BOARD_ADMIN = expect(LOGIN, 404, 403, 403, 200, 404)
BOARD_ADMIN_INVALID = expect(LOGIN, 404, 403, 403, 400, 404)


def removable_access(world: Any) -> dict[str, Any]:
    """A partner's account on the first board, whose access an Admin may take away."""
    from board.models import BoardAccess
    from core import roles
    from tests.factories import UserFactory

    found = BoardAccess.objects.filter(board=world.board, user__username="removable").first()
    user = (
        found.user
        if found
        else UserFactory(username="removable", role=roles.PARTNER, boards=[world.board])
    )
    return {"board": world.board.slug, "user": user.pk}


def agency(world: Any) -> dict[str, Any]:
    from board.models import Agency

    found = Agency.objects.filter(slug="unused-agency").first() or Agency.objects.create(
        slug="unused-agency", name="Unused agency", sector="other"
    )
    return {"board": world.board.slug, "agency": found.slug}


def partner_agency(world: Any) -> dict[str, Any]:
    """The unused agency, on the first board's list (so it may come off)."""
    from board.models import Agency, BoardAgency

    kwargs = agency(world)
    BoardAgency.objects.get_or_create(
        board=world.board, agency=Agency.objects.get(slug=kwargs["agency"])
    )
    return kwargs


def priority(world: Any) -> dict[str, Any]:
    """Priority 1 of the first board's business plan (the world has it)."""
    return {"board": world.board.slug, "plan": world.plan.slug, "number": 1}


INTERNAL_READ = expect(LOGIN, 404, 200, 200, 200, 404)
INTERNAL_EDIT = expect(LOGIN, 404, 403, 200, 403, 404)
INTERNAL_EDIT_INVALID = expect(LOGIN, 404, 403, 400, 403, 404)


def indicator(world: Any) -> dict[str, Any]:
    """The same indicator however many pages ask for one (the property tests
    open every page in one world)."""
    from indicators.models import Indicator
    from tests.indicators.factories import IndicatorFactory

    found = Indicator.objects.filter(board=world.board, code="referrals").first()
    found = found or IndicatorFactory(board=world.board, code="referrals")
    return {"board": world.board.slug, "indicator": found.code}


def indicator_value(world: Any) -> dict[str, Any]:
    from indicators.models import IndicatorValue
    from tests.indicators.factories import ValueFactory

    kwargs = indicator(world)
    value = IndicatorValue.objects.filter(
        indicator__board=world.board, indicator__code="contacts"
    ).first() or ValueFactory(indicator__board=world.board, indicator__code="contacts")
    return {**kwargs, "indicator": "contacts", "value": value.pk}


def indicator_target(world: Any) -> dict[str, Any]:
    """An indicator with a target for the world's year, made again if a
    page before removed it."""
    from indicators.models import Indicator, IndicatorTarget

    found, _ = Indicator.objects.get_or_create(
        board=world.board,
        code="timely",
        defaults={"name": "Assessments on time", "unit": "percentage", "polarity": "higher"},
    )
    IndicatorTarget.objects.get_or_create(indicator=found, year=world.year, defaults={"target": 80})
    return {"board": world.board.slug, "indicator": found.code, "year": world.year.label}


def audit(world: Any) -> dict[str, Any]:
    """The same audit however many pages ask for one (the property tests
    open every page in one world)."""
    from audits.models import Audit
    from tests.factories import AuditFactory

    found = Audit.objects.filter(slug="neglect-audit").first()
    found = found or AuditFactory(board=world.board, year=world.year, slug="neglect-audit")
    return {"board": world.board.slug, "audit": found.slug}


def finding(world: Any) -> dict[str, Any]:
    from audits.models import Audit, Finding
    from tests.factories import FindingFactory

    kwargs = audit(world)
    found = Audit.objects.get(slug=kwargs["audit"])
    if not Finding.objects.filter(audit=found, position=1).exists():
        FindingFactory(audit=found, position=1)
    return {**kwargs, "position": 1}


def section11_round(world: Any) -> dict[str, Any]:
    from audits.models import Section11Round
    from tests.factories import RoundFactory

    found = Section11Round.objects.filter(slug="section-11-2016").first()
    found = found or RoundFactory(board=world.board, year=world.year, slug="section-11-2016")
    return {"board": world.board.slug, "round": found.slug}


def section11_return(world: Any) -> dict[str, Any]:
    from audits.models import Section11Return, Section11Round
    from tests.factories import ReturnFactory

    kwargs = section11_round(world)
    found = Section11Round.objects.get(slug=kwargs["round"])
    ret = Section11Return.objects.filter(round=found).first() or ReturnFactory(round=found)
    return {**kwargs, "agency": ret.agency.slug}


def inspection(world: Any) -> dict[str, Any]:
    from audits.models import Inspection
    from tests.factories import InspectionFactory

    found = Inspection.objects.filter(slug="ofsted-2016").first()
    found = found or InspectionFactory(board=world.board, slug="ofsted-2016")
    return {"board": world.board.slug, "inspection": found.slug}


def contribution(world: Any) -> dict[str, Any]:
    from tests.factories import ContributionFactory

    line = ContributionFactory(board=world.board, year=world.year)
    return {"board": world.board.slug, "contribution": line.pk}


ANNUAL_READ = expect(LOGIN, 404, 200, 200, 200, 404)
ANNUAL_EDIT = expect(LOGIN, 404, 403, 200, 403, 404)
ANNUAL_EDIT_INVALID = expect(LOGIN, 404, 403, 400, 403, 404)
ANNUAL_EDIT_DONE = expect(LOGIN, 404, 403, 302, 403, 404)


def annual_report(world: Any) -> dict[str, Any]:
    """The board's draft report for the world's year, the same one however
    many pages ask (it stays a draft: the published report is another)."""
    from reports import services
    from reports.models import AnnualReport

    report = AnnualReport.objects.filter(board=world.board, year=world.year).first()
    if report is None:
        report = services.report_create(board=world.board, year=world.year)
    return {"board": world.board.slug, "year": report.year.label}


def annual_build(world: Any) -> dict[str, Any]:
    from reports.models import AnnualReport, ReportBuild

    kwargs = annual_report(world)
    report = AnnualReport.objects.get(board=world.board, year=world.year)
    build = ReportBuild.objects.create(report=report, purpose=ReportBuild.Purpose.PUBLISH)
    return {**kwargs, "build": build.pk}


def published_snapshot(world: Any) -> dict[str, Any]:
    """A published report of the year before, with its snapshot, the same
    one however many pages ask."""
    from board.models import ReportingYear
    from reports import services
    from reports.models import AnnualReport, Snapshot
    from tests.reports.annual_helpers import stored_snapshot

    year = ReportingYear.for_start_year(world.year.start.year - 1)
    snapshot = Snapshot.objects.filter(report__board=world.board, report__year=year).first()
    if snapshot is None:
        report = AnnualReport.objects.filter(board=world.board, year=year).first()
        report = report or services.report_create(board=world.board, year=year)
        snapshot = stored_snapshot(report)
    return {
        "board": world.board.slug,
        "year": year.label,
        "version": snapshot.version,
        "fmt": "pdf",
    }


def _scorecard(world: Any, *, published: bool) -> Any:
    """A finished scorecard document with small files of its own, published
    or not: the same one however many pages ask."""
    from django.utils import timezone

    from reports import scorecard_documents, scorecard_print
    from reports.models import ScorecardDocument

    found = ScorecardDocument.objects.filter(
        board=world.board, published_at__isnull=not published
    ).first()
    if found is None:
        found = ScorecardDocument.objects.create(
            board=world.board, status=ScorecardDocument.Status.RUNNING
        )
        stored = scorecard_print.store(
            found,
            timezone.now(),
            {fmt: f"{fmt} of the scorecard".encode() for fmt in ScorecardDocument.FORMATS},
        )
        scorecard_documents.document_finish(document=found, files=stored, pages=1, indicators=0)
        if published:
            ScorecardDocument.objects.filter(pk=found.pk).update(published_at=timezone.now())
    return found


def scorecard_document(world: Any) -> dict[str, Any]:
    """A finished scorecard document, not published."""
    return {"board": world.board.slug, "document": _scorecard(world, published=False).pk}


def statistics_import(world: Any) -> dict[str, Any]:
    """A finished import of a statistics file."""
    from indicators.models import StatisticsImport

    job = StatisticsImport.objects.create(
        board=world.board,
        file_name="cin.csv",
        publication="Synthetic",
        authority="E99000005",
        fingerprint="0" * 64,
        status=StatisticsImport.Status.SUCCEEDED,
        recorded=1,
        unchanged=0,
    )
    return {"board": world.board.slug, "job": job.pk}


def public_board(world: Any) -> dict[str, Any]:
    """The first board with its public page turned on."""
    from reports.models import PublicPage

    PublicPage.objects.update_or_create(board=world.board, defaults={"enabled": True})
    return {"board": world.board.slug}


def public_snapshot(world: Any) -> dict[str, Any]:
    kwargs = published_snapshot(world)
    return {**public_board(world), **{k: kwargs[k] for k in ("year", "version", "fmt")}}


def public_scorecard(world: Any) -> dict[str, Any]:
    """A published scorecard of its own (the one above stays unpublished)."""
    document = _scorecard(world, published=True)
    return {**public_board(world), "document": document.pk, "fmt": "pdf"}


#: The public pages answer anyone, signed in or not (an action lead too:
#: signed out, they would read it anyway), and take no posts.
PUBLIC = expect(200, 200, 200, 200, 200, 200, 200)
PUBLIC_NO_POST = expect(405, 405, 405, 405, 405, 405, 405)


def training_course(world: Any) -> dict[str, Any]:
    """A course of the first board, the same one however many pages ask."""
    import datetime

    from training.models import Mode, TrainingCourse

    found = TrainingCourse.objects.filter(board=world.board).first()
    if found is None:
        found = TrainingCourse.objects.create(
            board=world.board,
            year=world.year,
            quarter=1,
            mode=Mode.FACE_TO_FACE,
            title="Neglect",
            date=datetime.date(world.year.start.year, 5, 12),
            places_offered=20,
            delegates_attended=18,
        )
    return {"board": world.board.slug, "course": found.pk}


def tracker_import(world: Any) -> dict[str, Any]:
    return {"board": world.board.slug, "kind": "action-tracker"}


IMPORT_STEP = expect(LOGIN, 404, 403, 302, 403, 404)


LEAD_ONLY = expect(LOGIN, 404, 404, 404, 404, 404, 200)
#: People, invitations and messages: the business manager and the Admin; a
#: chair reads the board's records but does not manage its people (403).
PEOPLE = expect(LOGIN, 404, 403, 200, 200, 404)
PEOPLE_INVALID = expect(LOGIN, 404, 403, 400, 400, 404)
PEOPLE_DONE = expect(LOGIN, 404, 403, 302, 302, 404)


def invitation(world: Any) -> dict[str, Any]:
    """An action lead's invitation to the first board, sent by its manager."""
    from django.contrib.auth import get_user_model

    from people import services
    from people.models import Invitation

    found = Invitation.objects.filter(board=world.board).first()
    if found is None:
        manager = get_user_model().objects.get(username="manager")
        found = services.invitation_create(
            actor=manager,
            board=world.board,
            role="Action lead",
            email="invited.lead@example.org",
            full_name="Invited Lead",
        )
    return {"board": world.board.slug, "invitation": found.pk}


def invitation_link(world: Any) -> dict[str, Any]:
    from people.models import Invitation
    from people.tokens import token_for

    invitation(world)
    return {"token": token_for(Invitation.objects.get(board=world.board))}


def message(world: Any) -> dict[str, Any]:
    from outbox.models import Message
    from outbox.services import message_queue

    found = Message.objects.filter(board=world.board).first() or message_queue(
        board=world.board,
        reason=Message.Reason.REMINDER,
        about="A reminder",
        to_address="someone@example.org",
        subject="A reminder",
        body="Please update your actions.",
    )
    return {"board": world.board.slug, "message": found.pk}


def led_action(world: Any) -> dict[str, Any]:
    """An action of the first board led by the `lead` account (tests/conftest.py)."""
    from django.contrib.auth import get_user_model

    from priorities.models import Action
    from tests.factories import ActionFactory

    lead = get_user_model().objects.get(username="lead")
    found = Action.objects.filter(plan=world.plan, ref="9z").first()
    found = found or ActionFactory(plan=world.plan, ref="9z", lead_account=lead)
    return {**plan(world), "ref": found.ref}


def update_round(world: Any) -> dict[str, Any]:
    """An open update round on the first board: the `lead` account asked
    about two actions, one proposal submitted with a file (made through the
    services, as a lead would)."""
    import datetime

    from django.contrib.auth import get_user_model

    from priorities.rounds import services as rounds
    from priorities.rounds.models import UpdateRequest, UpdateRound
    from tests.factories import ActionFactory, MeetingFactory
    from tests.priorities.round_helpers import pdf_bytes

    found = UpdateRound.objects.filter(board=world.board).first()
    if found is None:
        users = get_user_model().objects
        lead, manager = users.get(username="lead"), users.get(username="manager")
        found = UpdateRound.objects.create(
            board=world.board,
            meeting=MeetingFactory(group=world.group, date=datetime.date(2031, 1, 20)),
            deadline=datetime.date(2031, 1, 13),
            opened_by=manager,
            opened_at=datetime.datetime(2026, 12, 7, 9, tzinfo=datetime.UTC),
        )
        found.plans.set([world.plan])
        answered = ActionFactory(plan=world.plan, ref="9y", lead_account=lead)
        waiting = ActionFactory(plan=world.plan, ref="9x", lead_account=lead)
        request = UpdateRequest.objects.create(round=found, lead=lead)
        request.actions.set([answered, waiting])
        rounds.proposal_save(
            request=request,
            action=answered,
            by=lead,
            process="GREY",
            impact="GREY",
            uploads=[rounds.Upload("minutes.pdf", pdf_bytes())],
            submit=True,
        )
    return {"board": world.board.slug, "round": found.pk}


def round_proposal(world: Any) -> dict[str, Any]:
    from priorities.rounds.models import Proposal

    kwargs = update_round(world)
    return {**kwargs, "proposal": Proposal.objects.get(request__round_id=kwargs["round"]).pk}


def evidence(world: Any) -> dict[str, Any]:
    from priorities.rounds.models import EvidenceFile

    update_round(world)
    return {"board": world.board.slug, "file": EvidenceFile.objects.get().pk}


def round_action(world: Any) -> dict[str, Any]:
    """The action of the round the lead has not answered yet."""
    return {**update_round(world), "plan": world.plan.slug, "ref": "9x"}


#: A round's pages: the manager acts; the chair reads (403 on acting).
ROUND_DONE = expect(LOGIN, 404, 403, 302, 403, 404)


MATRIX: dict[str, Rule] = {
    "site:home": Rule(get=expect(LOGIN, 302, 302, 302, 200, 302, 302)),
    "site:switch_board": Rule(get=expect(LOGIN, 404, 404, 404, 404, 404)),
    # Adding a board, its details and who may see it: the Admin's alone.
    "site:board_create": Rule(
        get=expect(LOGIN, 404, 404, 404, 200, 404, 404),
        post=expect(LOGIN, 404, 404, 404, 400, 404, 404),
    ),
    "board:board_edit": Rule(board, get=BOARD_ADMIN, post=BOARD_ADMIN_INVALID),
    "board:access": Rule(board, get=BOARD_ADMIN, post=BOARD_ADMIN_INVALID),
    "board:access_remove": Rule(
        removable_access, get=BOARD_ADMIN, post=expect(LOGIN, 404, 403, 403, 302, 404)
    ),
    # Agencies are shared; the manager adds them and changes those only
    # their boards use (the world's agency is named by no seat).
    "board:agency_list": Rule(board, get=READ, post=NOT_ALLOWED),
    "board:agency_create": Rule(board, get=EDIT, post=EDIT_POST_INVALID),
    "board:agency_edit": Rule(agency, get=EDIT, post=EDIT_POST_INVALID),
    "board:agency_add": Rule(agency, get=NOT_ALLOWED, post=expect(LOGIN, 404, 403, 302, 403, 404)),
    # Taking an unused agency off the list: the business manager of the board.
    "board:agency_remove": Rule(
        partner_agency, get=EDIT, post=expect(LOGIN, 404, 403, 302, 403, 404)
    ),
    "core:accessibility": Rule(get=expect(200, 200, 200, 200, 200, 200, 200)),
    # The load balancers' health page: anyone, and only to read.
    "core:health": Rule(
        get=expect(200, 200, 200, 200, 200, 200, 200),
        post=expect(405, 405, 405, 405, 405, 405, 405),
    ),
    "login": Rule(
        get=expect(200, 302, 302, 302, 302, 302, 302),
        post=expect(200, 302, 302, 302, 302, 302, 302),
    ),
    "logout": Rule(
        get=expect(405, 405, 405, 405, 405, 405, 405),
        post=expect(302, 302, 302, 302, 302, 302, 302),
    ),
    # Everyone signed in here has finished signing in (the partner has no
    # authenticator and needs none), so the code step and the recovery codes
    # send them on; only the partner may still set an authenticator up.
    "core:two_factor_code": Rule(
        get=expect(LOGIN, 302, 302, 302, 302, 302, 302),
        post=expect(LOGIN, 302, 302, 302, 302, 302, 302),
    ),
    "core:two_factor_set_up": Rule(
        get=expect(LOGIN, 200, 302, 302, 302, 302, 302),
        post=expect(LOGIN, 400, 302, 302, 302, 302, 302),
    ),
    "core:two_factor_recovery_codes": Rule(
        get=expect(LOGIN, 302, 302, 302, 302, 302, 302),
        post=expect(LOGIN, 302, 302, 302, 302, 302, 302),
    ),
    "board:home": Rule(board, get=SEE_BOARD, post=NOT_ALLOWED),
    "board:members": Rule(board, get=READ, post=NOT_ALLOWED),
    "board:meetings": Rule(board, get=READ, post=NOT_ALLOWED),
    "board:meeting_create": Rule(board, get=EDIT, post=EDIT_POST_INVALID),
    "board:attendance": Rule(
        lambda w: {"board": w.board.slug, "meeting": w.meeting.pk}, get=EDIT, post=EDIT_POST_INVALID
    ),
    # The matrix as a spreadsheet, in the board's key (the default group and year).
    "board:attendance_export": Rule(
        lambda w: {"board": w.board.slug, "fmt": "csv"}, get=READ, post=NOT_ALLOWED
    ),
    # The board's attendance key: chairs read it, the business manager changes it.
    "board:attendance_key": Rule(board, get=READ, post=NOT_ALLOWED),
    "board:attendance_mark_create": Rule(board, get=EDIT, post=EDIT_POST_INVALID),
    "board:attendance_mark_edit": Rule(
        lambda w: {"board": w.board.slug, "key": "absent"}, get=EDIT, post=EDIT_POST_INVALID
    ),
    # Retiring, deleting and moving are buttons: a refusal comes back as a
    # message on the key's page, so the manager's POST is always a redirect.
    "board:attendance_mark_retire": Rule(
        lambda w: {"board": w.board.slug, "key": "absent"},
        get=expect(LOGIN, 405, 405, 405, 405, 405, 405),
        post=expect(LOGIN, 404, 403, 302, 403, 404, 404),
    ),
    "board:attendance_mark_delete": Rule(
        lambda w: {"board": w.board.slug, "key": "absent"},
        get=EDIT,
        post=expect(LOGIN, 404, 403, 302, 403, 404, 404),
    ),
    "board:attendance_mark_move": Rule(
        lambda w: {"board": w.board.slug, "key": "absent"},
        get=expect(LOGIN, 405, 405, 405, 405, 405, 405),
        post=expect(LOGIN, 404, 403, 302, 403, 404, 404),
    ),
    "board:budget": Rule(board, get=READ, post=NOT_ALLOWED),
    "board:member_list": Rule(board, get=READ, post=NOT_ALLOWED),
    "board:member_create": Rule(board, get=EDIT, post=EDIT_POST_INVALID),
    "board:member_edit": Rule(
        lambda w: {"board": w.board.slug, "member": w.member.pk}, get=EDIT, post=EDIT_POST_INVALID
    ),
    "board:member_end": Rule(
        lambda w: {"board": w.board.slug, "member": w.member.pk}, get=EDIT, post=EDIT_POST_INVALID
    ),
    "board:member_succeed": Rule(
        lambda w: {"board": w.board.slug, "member": w.member.pk}, get=EDIT, post=EDIT_POST_INVALID
    ),
    "board:group_list": Rule(board, get=READ, post=NOT_ALLOWED),
    # Marking the main group is a button on the groups page: POST only.
    "board:group_main": Rule(
        lambda w: {"board": w.board.slug, "group": w.group.slug},
        get=expect(LOGIN, 405, 405, 405, 405, 405, 405),
        post=expect(LOGIN, 404, 403, 302, 403, 404),
    ),
    "board:group_create": Rule(board, get=EDIT, post=EDIT_POST_INVALID),
    "board:group_edit": Rule(
        lambda w: {"board": w.board.slug, "group": w.group.slug}, get=EDIT, post=EDIT_POST_INVALID
    ),
    "board:year_list": Rule(board, get=READ, post=NOT_ALLOWED),
    "board:year_create": Rule(board, get=EDIT, post=EDIT_POST_INVALID),
    "board:contribution_list": Rule(board, get=READ, post=NOT_ALLOWED),
    "board:contribution_create": Rule(board, get=EDIT, post=EDIT_POST_INVALID),
    "board:contribution_edit": Rule(contribution, get=EDIT, post=EDIT_POST_INVALID),
    "board:contribution_remove": Rule(
        contribution, get=EDIT, post=expect(LOGIN, 404, 403, 302, 403, 404)
    ),
    # An empty total removes the published total, so a valid post.
    "board:published_total": Rule(
        lambda w: {"board": w.board.slug, "year": w.year.label},
        get=EDIT,
        post=expect(LOGIN, 404, 403, 302, 403, 404),
    ),
    # A board's own spreadsheets mapped to Assure's fields (board.importing):
    # the business manager's. With no import under way, each step after the
    # upload sends the manager back to it.
    "board:import_upload": Rule(tracker_import, get=EDIT, post=EDIT_POST_INVALID),
    "board:import_layout": Rule(tracker_import, get=IMPORT_STEP, post=IMPORT_STEP),
    "board:import_columns": Rule(tracker_import, get=IMPORT_STEP, post=IMPORT_STEP),
    "board:import_words": Rule(tracker_import, get=IMPORT_STEP, post=IMPORT_STEP),
    "board:import_preview": Rule(tracker_import, get=IMPORT_STEP, post=NOT_ALLOWED),
    "board:import_confirm": Rule(tracker_import, get=NOT_ALLOWED, post=IMPORT_STEP),
    "board:logo": Rule(board, get=EDIT, post=EDIT_POST_INVALID),
    # Removing a logo when there is none changes nothing, so a valid post.
    "board:logo_remove": Rule(
        board,
        get=expect(LOGIN, 405, 405, 405, 405, 405, 405),
        post=expect(LOGIN, 404, 403, 302, 403, 404),
    ),
    # Anyone who sees the board may see its logo (its published reports show
    # it); a board without one answers 404 to all.
    "board:logo_image": Rule(board, get=expect(LOGIN, 404, 404, 404, 404, 404), post=NOT_ALLOWED),
    "board:risks": Rule(board, get=READ, post=NOT_ALLOWED),
    "board:risk_create": Rule(board, get=EDIT, post=EDIT_POST_INVALID),
    "board:risk": Rule(
        lambda w: {"board": w.board.slug, "ref": w.risk.ref}, get=READ, post=NOT_ALLOWED
    ),
    "board:risk_edit": Rule(
        lambda w: {"board": w.board.slug, "ref": w.risk.ref}, get=EDIT, post=EDIT_POST_INVALID
    ),
    "priorities:plans": Rule(board, get=READ, post=NOT_ALLOWED),
    "priorities:plan_create": Rule(board, get=EDIT, post=EDIT_POST_INVALID),
    "priorities:plan_edit": Rule(plan, get=EDIT, post=EDIT_POST_INVALID),
    "priorities:priority": Rule(priority, get=READ, post=NOT_ALLOWED),
    "priorities:priority_create": Rule(plan, get=EDIT, post=EDIT_POST_INVALID),
    "priorities:priority_edit": Rule(priority, get=EDIT, post=EDIT_POST_INVALID),
    # Moving a priority is a button on the plan's page: POST only.
    "priorities:priority_move": Rule(
        priority, get=NOT_ALLOWED, post=expect(LOGIN, 404, 403, 302, 403, 404)
    ),
    # Training is internal: a partner gets 404 wherever a chair reads or a manager edits.
    "training:training": Rule(board, get=INTERNAL_READ, post=NOT_ALLOWED),
    "training:figures_record": Rule(board, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "training:stated_figure_record": Rule(board, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "training:export": Rule(
        lambda w: {"board": w.board.slug, "fmt": "csv"}, get=INTERNAL_READ, post=NOT_ALLOWED
    ),
    "training:import": Rule(board, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "training:impact_record": Rule(board, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "training:import_confirm": Rule(
        board,
        get=NOT_ALLOWED,
        post=expect(LOGIN, 404, 403, 302, 403, 404),
    ),
    "training:import_layout": Rule(
        lambda w: {"board": w.board.slug, "fmt": "xlsx"}, get=INTERNAL_READ, post=NOT_ALLOWED
    ),
    # With no file uploaded, the columns step sends the manager to upload one.
    "training:import_columns": Rule(
        board,
        get=expect(LOGIN, 404, 403, 302, 403, 404),
        post=expect(LOGIN, 404, 403, 302, 403, 404),
    ),
    "training:courses": Rule(board, get=INTERNAL_READ, post=NOT_ALLOWED),
    "training:courses_export": Rule(
        lambda w: {"board": w.board.slug, "fmt": "csv"}, get=INTERNAL_READ, post=NOT_ALLOWED
    ),
    "training:course_create": Rule(board, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "training:course_edit": Rule(training_course, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "training:course_remove": Rule(
        training_course, get=INTERNAL_EDIT, post=expect(LOGIN, 404, 403, 302, 403, 404)
    ),
    "priorities:actions": Rule(board, get=READ, post=NOT_ALLOWED),
    "priorities:plan": Rule(plan, get=READ, post=NOT_ALLOWED),
    "priorities:plan_export": Rule(
        lambda w: {**plan(w), "fmt": "xlsx"}, get=READ, post=NOT_ALLOWED
    ),
    "priorities:plan_import": Rule(plan, get=EDIT, post=EDIT_POST_INVALID),
    "priorities:plan_close": Rule(plan, get=EDIT, post=EDIT_POST_INVALID),
    "priorities:plan_reopen": Rule(ended_plan, get=EDIT, post=EDIT_POST_INVALID),
    "priorities:plan_extend": Rule(ended_plan, get=EDIT, post=EDIT_POST_INVALID),
    # Every field of the period may be left blank: a plan stated without one.
    "priorities:plan_period": Rule(plan, get=EDIT, post=expect(LOGIN, 404, 403, 302, 403, 404)),
    "priorities:plan_import_confirm": Rule(
        plan,
        get=NOT_ALLOWED,
        post=expect(LOGIN, 404, 403, 302, 403, 404),
    ),
    "priorities:action_create": Rule(plan, get=EDIT, post=EDIT_POST_INVALID),
    "priorities:action": Rule(action, get=READ, post=NOT_ALLOWED),
    "priorities:action_edit": Rule(action, get=EDIT, post=EDIT_POST_INVALID),
    "priorities:assess": Rule(action, get=EDIT, post=EDIT_POST_INVALID),
    # The scorecard and indicators are board-internal until the annual report
    # publishes a scorecard: for partners they do not exist.
    "reports:scorecard": Rule(board, get=INTERNAL_READ, post=NOT_ALLOWED),
    # The scorecard as PDF: its readers ask for it (a post starts a build
    # and goes to its progress) and download it; for partners none of it exists.
    "reports:scorecard_documents": Rule(
        board, get=INTERNAL_READ, post=expect(LOGIN, 404, 302, 302, 302, 404)
    ),
    "reports:scorecard_document": Rule(scorecard_document, get=INTERNAL_READ, post=NOT_ALLOWED),
    "reports:scorecard_document_file": Rule(
        lambda w: {**scorecard_document(w), "fmt": "pdf"}, get=INTERNAL_READ, post=NOT_ALLOWED
    ),
    # The business manager publishes a finished scorecard to partners.
    "reports:scorecard_document_publish": Rule(
        scorecard_document, get=NOT_ALLOWED, post=expect(LOGIN, 404, 403, 302, 403, 404)
    ),
    # The business manager turns the board's public page on or off.
    "reports:public_page": Rule(board, get=ANNUAL_EDIT, post=ANNUAL_EDIT_INVALID),
    # The public page and its files: anyone, signed in or not, once it is on
    # (tests/reports/test_public_page.py: off, unpublished and other boards 404).
    "public:board": Rule(public_board, get=PUBLIC, post=PUBLIC_NO_POST),
    "public:snapshot_file": Rule(public_snapshot, get=PUBLIC, post=PUBLIC_NO_POST),
    "public:scorecard_file": Rule(public_scorecard, get=PUBLIC, post=PUBLIC_NO_POST),
    # Annual reports: partners see the list of published reports and download
    # published snapshots; every other annual report page is a 404 for them.
    "reports:annual_reports": Rule(board, get=SEE_BOARD, post=NOT_ALLOWED),
    "reports:annual_report_create": Rule(board, get=ANNUAL_EDIT, post=ANNUAL_EDIT_INVALID),
    "reports:annual_report": Rule(annual_report, get=ANNUAL_READ, post=NOT_ALLOWED),
    "reports:annual_report_preview": Rule(annual_report, get=ANNUAL_READ, post=NOT_ALLOWED),
    "reports:annual_report_settings": Rule(
        annual_report, get=ANNUAL_EDIT, post=ANNUAL_EDIT_INVALID
    ),
    "reports:section_edit": Rule(
        lambda w: {**annual_report(w), "kind": "context"}, get=ANNUAL_EDIT, post=ANNUAL_EDIT_DONE
    ),
    # Including a section posts nothing else; leaving it out needs a reason.
    "reports:section_include": Rule(
        lambda w: {**annual_report(w), "kind": "budget"}, get=NOT_ALLOWED, post=ANNUAL_EDIT_DONE
    ),
    "reports:section_leave_out": Rule(
        lambda w: {**annual_report(w), "kind": "budget"},
        get=ANNUAL_EDIT,
        post=ANNUAL_EDIT_INVALID,
    ),
    "reports:section_move": Rule(
        lambda w: {**annual_report(w), "kind": "budget"},
        get=NOT_ALLOWED,
        post=ANNUAL_EDIT_INVALID,
    ),
    # The chair approves unless the board decides the business manager does.
    "reports:annual_report_approve": Rule(
        annual_report,
        get=expect(LOGIN, 404, 200, 403, 403, 404),
        post=expect(LOGIN, 404, 400, 403, 403, 404),
    ),
    # A draft is not published: the manager is sent back with the reason.
    "reports:annual_report_publish": Rule(annual_report, get=NOT_ALLOWED, post=ANNUAL_EDIT_DONE),
    "reports:annual_report_correct": Rule(annual_report, get=ANNUAL_EDIT, post=ANNUAL_EDIT_INVALID),
    # No correction to cancel: the manager is sent back with the reason.
    "reports:annual_report_correction_cancel": Rule(
        annual_report, get=NOT_ALLOWED, post=ANNUAL_EDIT_DONE
    ),
    "reports:annual_report_sent": Rule(annual_report, get=ANNUAL_EDIT, post=ANNUAL_EDIT_INVALID),
    "reports:annual_report_build": Rule(annual_build, get=ANNUAL_READ, post=NOT_ALLOWED),
    "reports:snapshot_file": Rule(
        published_snapshot, get=expect(LOGIN, 200, 200, 200, 200, 404), post=NOT_ALLOWED
    ),
    "indicators:indicator": Rule(indicator, get=INTERNAL_READ, post=NOT_ALLOWED),
    "indicators:indicator_list": Rule(board, get=INTERNAL_READ, post=NOT_ALLOWED),
    "indicators:indicator_create": Rule(board, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "indicators:indicator_edit": Rule(indicator, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    # An empty choice is valid: no indicator serves the priority.
    "indicators:priority_indicators": Rule(
        priority, get=INTERNAL_EDIT, post=expect(LOGIN, 404, 403, 302, 403, 404)
    ),
    "indicators:indicator_export": Rule(
        lambda w: {**indicator(w), "fmt": "xlsx"}, get=INTERNAL_READ, post=NOT_ALLOWED
    ),
    "indicators:value_add": Rule(indicator, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "indicators:value_edit": Rule(indicator_value, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    # Targets by year: the business manager's; the chair reads them on the indicator's page.
    "indicators:target_add": Rule(
        lambda w: {k: v for k, v in indicator_target(w).items() if k != "year"},
        get=INTERNAL_EDIT,
        post=INTERNAL_EDIT_INVALID,
    ),
    "indicators:target_edit": Rule(indicator_target, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "indicators:target_remove": Rule(
        indicator_target, get=INTERNAL_EDIT, post=expect(LOGIN, 404, 403, 302, 403, 404)
    ),
    "indicators:statistics_import": Rule(board, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "indicators:statistics_import_confirm": Rule(
        board,
        get=NOT_ALLOWED,
        post=expect(LOGIN, 404, 403, 302, 403, 404),
    ),
    "indicators:statistics_import_status": Rule(
        statistics_import, get=INTERNAL_EDIT, post=NOT_ALLOWED
    ),
    "indicators:neighbours": Rule(board, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    # Partners see only what is published: the dashboard does not exist for them.
    "reports:dashboard": Rule(board, get=expect(LOGIN, 404, 200, 200, 200, 404), post=NOT_ALLOWED),
    "reports:setup": Rule(board, get=READ, post=NOT_ALLOWED),
    # Case reviews: partners see the register of published reviews and a
    # published review; for them every other page answers 404 (the review
    # here is unpublished; tests/reviews/test_views.py opens a published one).
    "reviews:register": Rule(board, get=SEE_BOARD, post=NOT_ALLOWED),
    "reviews:review": Rule(review, get=REVIEWS_READ, post=NOT_ALLOWED),
    "reviews:review_create": Rule(board, get=REVIEWS_EDIT, post=REVIEWS_POST_INVALID),
    "reviews:review_edit": Rule(review, get=REVIEWS_EDIT, post=REVIEWS_POST_INVALID),
    "reviews:step": Rule(
        lambda w: {**review(w), "step": "aware"}, get=REVIEWS_EDIT, post=REVIEWS_POST_INVALID
    ),
    "reviews:publication": Rule(review, get=REVIEWS_EDIT, post=REVIEWS_POST_INVALID),
    "reviews:recommendation_create": Rule(review, get=REVIEWS_EDIT, post=REVIEWS_POST_INVALID),
    "reviews:recommendation_action": Rule(
        recommendation, get=REVIEWS_EDIT, post=REVIEWS_POST_INVALID
    ),
    "reviews:record": Rule(board, get=REVIEWS_READ, post=NOT_ALLOWED),
    "reviews:record_export": Rule(
        lambda w: {"board": w.board.slug, "fmt": "xlsx"}, get=REVIEWS_READ, post=NOT_ALLOWED
    ),
    # Who read the case reviews: the business manager and the Admin; a chair
    # reads the reviews but not who else did (403); a partner gets 404. How
    # long the records are kept is the business manager's to set.
    "reviews:read_records": Rule(board, get=READS, post=NOT_ALLOWED),
    "reviews:review_read_records": Rule(review, get=READS, post=NOT_ALLOWED),
    "reviews:read_retention": Rule(board, get=REVIEWS_EDIT, post=REVIEWS_POST_INVALID),
    # Audits, Section 11 and inspections are the board's working papers: for
    # partners they do not exist.
    "audits:audits": Rule(board, get=INTERNAL_READ, post=NOT_ALLOWED),
    "audits:audit_create": Rule(board, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "audits:audit": Rule(audit, get=INTERNAL_READ, post=NOT_ALLOWED),
    "audits:audit_edit": Rule(audit, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "audits:finding_add": Rule(audit, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "audits:finding_action": Rule(finding, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "audits:rounds": Rule(board, get=INTERNAL_READ, post=NOT_ALLOWED),
    "audits:round": Rule(section11_round, get=INTERNAL_READ, post=NOT_ALLOWED),
    "audits:return_record": Rule(section11_round, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "audits:return": Rule(section11_return, get=INTERNAL_READ, post=NOT_ALLOWED),
    "audits:inspections": Rule(board, get=INTERNAL_READ, post=NOT_ALLOWED),
    "audits:inspection": Rule(inspection, get=INTERNAL_READ, post=NOT_ALLOWED),
    # An action lead's own pages: nobody else's, and 404 for everyone else.
    "priorities:lead_home": Rule(board, get=LEAD_ONLY, post=NOT_ALLOWED),
    "priorities:lead_action": Rule(led_action, get=LEAD_ONLY, post=NOT_ALLOWED),
    # Update rounds: the manager's and the chair's; a lead has their own pages.
    "priorities:rounds": Rule(board, get=INTERNAL_READ, post=NOT_ALLOWED),
    "priorities:round_open": Rule(board, get=INTERNAL_EDIT, post=INTERNAL_EDIT_INVALID),
    "priorities:round": Rule(update_round, get=INTERNAL_READ, post=NOT_ALLOWED),
    "priorities:round_accept_all": Rule(update_round, get=NOT_ALLOWED, post=ROUND_DONE),
    "priorities:round_close": Rule(update_round, get=NOT_ALLOWED, post=ROUND_DONE),
    "priorities:proposal": Rule(round_proposal, get=INTERNAL_READ, post=NOT_ALLOWED),
    "priorities:proposal_accept": Rule(round_proposal, get=NOT_ALLOWED, post=ROUND_DONE),
    "priorities:proposal_return": Rule(round_proposal, get=NOT_ALLOWED, post=INTERNAL_EDIT_INVALID),
    # An evidence file: the manager, the chair (and the Admin), and its lead.
    "priorities:evidence_file": Rule(
        evidence, get=expect(LOGIN, 404, 200, 200, 200, 404, 200), post=NOT_ALLOWED
    ),
    "priorities:lead_request": Rule(update_round, get=LEAD_ONLY, post=NOT_ALLOWED),
    # An empty post saves an empty draft: the lead's, and nobody else's.
    "priorities:lead_proposal": Rule(
        round_action, get=LEAD_ONLY, post=expect(LOGIN, 404, 404, 404, 404, 404, 302)
    ),
    "people:people": Rule(board, get=PEOPLE, post=NOT_ALLOWED),
    "people:invite": Rule(board, get=PEOPLE, post=PEOPLE_INVALID),
    "people:invitation": Rule(invitation, get=PEOPLE, post=NOT_ALLOWED),
    "people:invitation_resend": Rule(invitation, get=NOT_ALLOWED, post=PEOPLE_DONE),
    "people:invitation_cancel": Rule(invitation, get=PEOPLE, post=PEOPLE_DONE),
    "outbox:messages": Rule(board, get=PEOPLE, post=NOT_ALLOWED),
    "outbox:message": Rule(message, get=PEOPLE, post=NOT_ALLOWED),
    "outbox:message_retry": Rule(message, get=NOT_ALLOWED, post=PEOPLE_DONE),
    # An invitation's link: for the person, before they have an account. Anyone
    # signed in is asked to sign out first; a post with nothing in it is refused.
    "invitations:accept": Rule(
        invitation_link,
        get=expect(200, 403, 403, 403, 403, 403, 403),
        post=expect(400, 403, 403, 403, 403, 403, 403),
    ),
    # Before the password step, the app step sends the person back to it.
    "invitations:authenticator": Rule(
        invitation_link,
        get=expect(302, 403, 403, 403, 403, 403, 403),
        post=expect(302, 403, 403, 403, 403, 403, 403),
    ),
    "admin:index": Rule(get=expect(LOGIN, LOGIN, LOGIN, LOGIN, 200, LOGIN, LOGIN)),
}

# Django's own admin checks staff status and model permissions on every one of
# its pages; the matrix checks its front door and leaves the rest to Django.
DELEGATED_PREFIXES = ("admin:",)


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if pattern.namespace and namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_has_an_entry_in_the_matrix():
    names = all_url_names()
    missing = sorted(
        n
        for n in names
        if n not in MATRIX and not (n.startswith(DELEGATED_PREFIXES) and n != "admin:index")
    )
    assert missing == [], f"URLs with no permission rule: {missing}"
    stale = sorted(set(MATRIX) - names)
    assert stale == [], f"Matrix entries for URLs that no longer exist: {stale}"


def cases():
    for name, rule in MATRIX.items():
        for method in ("get", "post"):
            expected = getattr(rule, method)
            if expected is None:
                continue
            for role in ROLES:
                yield pytest.param(name, method, role, id=f"{name}-{method}-{role}")


def check(response: Any, expected: Any) -> None:
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert "login" in response["Location"], response["Location"]
    else:
        assert response.status_code == expected, (response.status_code, response.get("Location"))


@pytest.mark.parametrize(("name", "method", "role"), list(cases()))
def test_permission_matrix(name, method, role, world, client_for):
    rule = MATRIX[name]
    client = client_for(None if role == "anonymous" else role)
    url = reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None)
    if method == "get":
        response = client.get(url)
    else:
        data = rule.post_data
        if name == "login":
            data = {"username": "nobody", "password": "wrong"}
        response = client.post(url, data)
    check(response, rule.get[role] if method == "get" else rule.post[role])


@pytest.mark.parametrize(
    ("name", "method", "role"),
    [
        (name, method, role)
        for name, method in (
            ("board:import_upload", "get"),
            ("board:import_upload", "post"),
            ("board:import_columns", "get"),
            ("board:import_confirm", "post"),
        )
        for role in ROLES
    ],
)
def test_the_attendance_import_answers_every_role_as_the_tracker_import_does(
    name, method, role, world, client_for
):
    """The import pages take the importer's kind in the address: the
    attendance record's rows of the matrix are the tracker's."""
    rule = MATRIX[name]
    client = client_for(None if role == "anonymous" else role)
    url = reverse(name, kwargs={"board": world.board.slug, "kind": "attendance"})
    response = client.post(url, rule.post_data) if method == "post" else client.get(url)
    check(response, getattr(rule, method)[role])


@pytest.mark.parametrize(
    "name",
    [
        "board:home",
        "board:members",
        "board:meetings",
        "board:budget",
        "board:risks",
        "priorities:plans",
        "priorities:actions",
        "training:training",
        "training:figures_record",
        "training:courses",
        "training:course_create",
        "reviews:register",
        "reviews:record",
        "reviews:review_create",
        "reviews:read_records",
        "reviews:read_retention",
        "reports:dashboard",
        "reports:scorecard",
        "indicators:statistics_import",
        "indicators:neighbours",
        "reports:annual_reports",
        "reports:annual_report_create",
    ],
)
def test_a_manager_of_one_board_gets_nothing_of_another(name, world, client_for):
    client = client_for("manager")
    response = client.get(reverse(name, kwargs={"board": world.other_board.slug}))
    assert response.status_code == 404


def test_a_manager_cannot_reach_another_boards_meeting_through_their_own_board(world, client_for):
    client = client_for("manager")
    url = reverse(
        "board:attendance", kwargs={"board": world.board.slug, "meeting": world.other_meeting.pk}
    )
    assert client.get(url).status_code == 404
    url = reverse("board:risk", kwargs={"board": world.board.slug, "ref": world.other_risk.ref})
    assert client.get(url).status_code == 404
    url = reverse(
        "priorities:plan", kwargs={"board": world.board.slug, "plan": world.other_plan.slug}
    )
    assert client.get(url).status_code == 404


# The admin's account pages, for each role, on an ordinary account (the
# partner's) and on a superuser's. Django's admin sends everyone who is not
# staff to its sign-in page. An Admin sees a superuser's account read only and
# can set nothing of it; nobody but a superuser deletes accounts. After every
# request both accounts are as they were.

ADMIN_ONLY = expect(LOGIN, LOGIN, LOGIN, LOGIN, 200, LOGIN, LOGIN)
ADMIN_REFUSED = expect(LOGIN, LOGIN, LOGIN, LOGIN, 403, LOGIN, LOGIN)
ADMIN_PROBLEM = expect(LOGIN, LOGIN, LOGIN, LOGIN, 200, LOGIN, LOGIN)  # the form, with its errors
ADMIN_DONE = expect(LOGIN, LOGIN, LOGIN, LOGIN, 302, LOGIN, LOGIN)

BULK_DELETE = "bulk delete"

ACCOUNT_MATRIX: dict[tuple[str, str], tuple[dict[str, Any] | None, dict[str, Any]]] = {
    # (page, whose account): (GET, POST)
    ("admin:auth_user_changelist", "ordinary"): (ADMIN_ONLY, ADMIN_ONLY),
    ("admin:auth_user_change", "ordinary"): (ADMIN_ONLY, ADMIN_PROBLEM),
    ("admin:auth_user_change", "superuser"): (ADMIN_ONLY, ADMIN_REFUSED),
    ("admin:auth_user_password_change", "ordinary"): (ADMIN_ONLY, ADMIN_DONE),
    ("admin:auth_user_password_change", "superuser"): (ADMIN_REFUSED, ADMIN_REFUSED),
    ("admin:auth_user_delete", "ordinary"): (ADMIN_REFUSED, ADMIN_REFUSED),
    ("admin:auth_user_delete", "superuser"): (ADMIN_REFUSED, ADMIN_REFUSED),
    # The list posted with "delete selected" confirmed: an Admin is offered no
    # bulk action, so the list comes back and nothing happens.
    (BULK_DELETE, "ordinary"): (None, ADMIN_ONLY),
    (BULK_DELETE, "superuser"): (None, ADMIN_ONLY),
}

#: What each page is sent: a change that would take the account over.
TAKEOVER = {
    "admin:auth_user_change": {"username": "mallory", "is_active": ""},
    "admin:auth_user_password_change": {
        "usable_password": "true",
        "password1": "taken over 4321",
        "password2": "taken over 4321",
    },
    "admin:auth_user_delete": {"post": "yes"},
}


def account_cases():
    for (page, target), expected in ACCOUNT_MATRIX.items():
        for method, by_role in zip(("get", "post"), expected, strict=True):
            if by_role is None:
                continue
            for role in ROLES:
                yield pytest.param(
                    page, target, method, role, by_role[role], id=f"{page}-{target}-{method}-{role}"
                )


@pytest.mark.parametrize(("page", "target", "method", "role", "expected"), list(account_cases()))
def test_account_pages_in_the_admin(page, target, method, role, expected, users, client_for):
    from django.contrib.auth.models import User

    root = User.objects.create_superuser("root", "root@example.org", "correct horse battery staple")
    account = root if target == "superuser" else users["partner"]
    before = list(User.objects.order_by("pk").values_list("username", "password", "is_active"))
    client = client_for(None if role == "anonymous" else role)
    if page == BULK_DELETE:
        url = reverse("admin:auth_user_changelist")
        data = {"action": "delete_selected", "_selected_action": [account.pk], "post": "yes"}
    else:
        url = reverse(page, args=[] if page.endswith("changelist") else [account.pk])
        data = TAKEOVER.get(page, {})
    response = client.get(url) if method == "get" else client.post(url, data)
    check(response, expected)
    after = list(User.objects.order_by("pk").values_list("username", "password", "is_active"))
    if expected == 302 and page == "admin:auth_user_password_change":
        # An Admin sets an ordinary person's password, and only theirs.
        account.refresh_from_db()
        assert account.check_password("taken over 4321")
        before = [row if row[0] != account.username else after[i] for i, row in enumerate(before)]
    assert after == before
