"""Factories for every model the tests build, in one place."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as Role

from board.models import (
    Agency,
    Attendance,
    Board,
    BoardAgency,
    Contribution,
    Group,
    Meeting,
    Member,
    ReportingYear,
    Risk,
)
from priorities.models import Action, ActionPlan, Assessment, EvidenceType, Priority


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Role.objects.get(name=extracted))
            if extracted == "Admin":
                self.is_staff = True
                self.save(update_fields=["is_staff"])

    @factory.post_generation
    def boards(self, create, extracted, **kwargs):
        if extracted:
            self.boards.set(extracted)


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"board-{n}")
    name = factory.Sequence(lambda n: f"Test Safeguarding Children Board {n}")
    short_name = "TSCB"
    area = "Testshire"


class YearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingYear
        django_get_or_create = ("label",)

    label = "2016-17"
    start = datetime.date(2016, 4, 1)
    end = datetime.date(2017, 3, 31)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Agency {n}")
    sector = Agency.Sector.OTHER

    @factory.post_generation
    def boards(self, create, extracted, **kwargs):
        """`boards=[...]`: the agency on those boards' lists of partner
        agencies, as "Add an agency" on a board's page puts it."""
        for board in extracted or ():
            BoardAgency.objects.get_or_create(board=board, agency=self)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Strategic Board {n}")
    kind = Group.Kind.STRATEGIC_BOARD

    @factory.post_generation
    def boards(self, create, extracted, **kwargs):
        if extracted:
            self.boards.set(extracted)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    board = factory.SubFactory(BoardFactory)
    agency = factory.SubFactory(AgencyFactory)
    position = factory.Sequence(lambda n: f"Director {n}")
    role = Member.Role.AGENCY_REPRESENTATIVE

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if extracted:
            self.groups.set(extracted)

    @factory.post_generation
    def partner(self, create, extracted, **kwargs):
        """The seat's agency on the board's list, as member_save puts it."""
        if create and self.agency_id:
            BoardAgency.objects.get_or_create(board_id=self.board_id, agency_id=self.agency_id)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(GroupFactory)
    # Within the 2016-17 reporting year, whatever order tests run in.
    date = factory.Sequence(lambda n: datetime.date(2016, 4, 1) + datetime.timedelta(days=n % 365))


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(MemberFactory)
    status = Attendance.Status.ATTENDED


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution
        skip_postgeneration_save = True

    board = factory.SubFactory(BoardFactory)
    year = factory.SubFactory(YearFactory)
    label = factory.Sequence(lambda n: f"Contributor {n}")
    amount = Decimal("1000.00")

    @factory.post_generation
    def partner(self, create, extracted, **kwargs):
        """The contribution's agency on the board's list, as contribution_save puts it."""
        if create and self.agency_id:
            BoardAgency.objects.get_or_create(board_id=self.board_id, agency_id=self.agency_id)


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    board = factory.SubFactory(BoardFactory)
    ref = factory.Sequence(lambda n: f"R{n}")
    title = "Partners cannot release staff for training"
    description = "Attendance at multi-agency training falls."
    owner = "Business manager"
    likelihood = 3
    impact = 4
    review_date = datetime.date(2027, 1, 31)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    board = factory.SubFactory(BoardFactory)
    slug = factory.Sequence(lambda n: f"plan-{n}")
    title = factory.Sequence(lambda n: f"Business Plan {n}")
    kind = ActionPlan.Kind.BUSINESS_PLAN
    period = "2015-2017"


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Priority title {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    plan = factory.SubFactory(PlanFactory)
    ref = factory.Sequence(lambda n: f"{n % 9 + 1}{chr(97 + n % 26)}{n // 234 or ''}")
    position = factory.Sequence(lambda n: n)
    description = factory.Sequence(lambda n: f"Deliver multi-agency training on neglect, part {n}")
    timescale = "Ongoing"
    lead = "L&IG chair"


class EvidenceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceType
        django_get_or_create = ("slug",)

    slug = "audit"
    name = "Audit"
    description = "planned audits or evaluations undertaken"


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    action = factory.SubFactory(ActionFactory)
    assessed_on = factory.Sequence(lambda n: datetime.date(2016, 4, 1) + datetime.timedelta(days=n))
    process = "GREEN"
    impact = "GREY"
    commentary = "On track."


# Audits, Section 11 and inspections (audits app). Imported here rather than
# at the top so the other apps' factories stay as they were.
from audits.models import (  # noqa: E402
    Audit,
    Finding,
    Inspection,
    Judgement,
    Section11Focus,
    Section11Rating,
    Section11Return,
    Section11Round,
    Section11Standard,
)


class AuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audit

    board = factory.SubFactory(BoardFactory)
    slug = factory.Sequence(lambda n: f"audit-{n}")
    year = factory.SubFactory(YearFactory)
    kind = Audit.Kind.MULTI_AGENCY
    theme = factory.Sequence(lambda n: f"Neglect audit {n}")
    start = datetime.date(2016, 7, 1)
    status = Audit.Status.REPORTED


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    audit = factory.SubFactory(AuditFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = "strength"
    text = factory.Sequence(lambda n: f"Good information sharing in case {n}")


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section11Standard

    board = factory.SubFactory(BoardFactory)
    number = factory.Sequence(lambda n: n % 99 + 1)
    title = factory.Sequence(lambda n: f"Standard title {n}")


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section11Round

    board = factory.SubFactory(BoardFactory)
    slug = factory.Sequence(lambda n: f"section-11-{n}")
    year = factory.SubFactory(YearFactory)
    title = factory.Sequence(lambda n: f"Section 11 self-assessment {n}")


class FocusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section11Focus

    round = factory.SubFactory(RoundFactory)
    standard = factory.SubFactory(StandardFactory)


class ReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section11Return

    round = factory.SubFactory(RoundFactory)
    agency = factory.SubFactory(AgencyFactory)
    submitted = True
    submitted_on = datetime.date(2016, 11, 30)


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section11Rating

    ret = factory.SubFactory(ReturnFactory)
    standard = factory.SubFactory(StandardFactory)
    level = "met"


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    board = factory.SubFactory(BoardFactory)
    slug = factory.Sequence(lambda n: f"inspection-{n}")
    year = factory.SubFactory(
        YearFactory,
        label="2015-16",
        start=datetime.date(2015, 4, 1),
        end=datetime.date(2016, 3, 31),
    )
    inspectorate = "Ofsted"
    kind = "Review of the effectiveness of the LSCB"
    start = datetime.date(2016, 1, 11)
    end = datetime.date(2016, 2, 4)


class JudgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Judgement

    inspection = factory.SubFactory(InspectionFactory)
    position = factory.Sequence(lambda n: n + 1)
    area = factory.Sequence(lambda n: f"Area {n}")
    grade = "Requires improvement"
