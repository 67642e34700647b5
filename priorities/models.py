"""Action plans and their RAG-rated actions.

Every plan the board tracks lives here, whatever it came from: the business
plan, a case review, an audit, an inspection or Section 11. An action's current
rating is its latest assessment; assessments are never edited or deleted.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.urls import reverse
from simple_history.models import HistoricalRecords

from board.models import Agency, Board, Group, SourceDocument
from core.models import CleanTextModel, NaturalKeyManager
from core.problems import raise_problems
from core.validators import REF_CHARACTERS, validate_ref
from priorities.periods import PlanState, period_problems, state_on


class Rating(models.TextChoices):
    """The five-point scale, rated separately for process and impact."""

    RED = "RED", "Red"
    AMBER = "AMBER", "Amber"
    GREEN = "GREEN", "Green"
    BLUE = "BLUE", "Blue (completed)"
    GREY = "GREY", "Grey (not started)"


#: GOV.UK tag modifier for each rating; the tag text always names the rating too.
RATING_TAG_CLASSES: dict[str, str] = {
    Rating.RED: "govuk-tag--red",
    Rating.AMBER: "govuk-tag--orange",
    Rating.GREEN: "govuk-tag--green",
    Rating.BLUE: "",
    Rating.GREY: "govuk-tag--grey",
}


class ActionPlanQuerySet(models.QuerySet["ActionPlan"]):
    """Which plans are in force, closed or not yet started on a day, as query
    conditions: the rule of priorities.periods.state_on, stated once more for
    the database (docs/adr/0008-plans-have-a-period.md). Every method takes
    the day; none reads the clock.

    An action list keeps to plans in force with `plan__in=` one of these
    querysets: the database reads the plans once, as a subquery of the same
    query, rather than once per action."""

    def in_force_on(self, day: datetime.date) -> ActionPlanQuerySet:
        return self.filter(_started_q(day), _not_closed_q(day))

    def not_closed_on(self, day: datetime.date) -> ActionPlanQuerySet:
        """In force, or not started yet: what lists show unless asked for
        closed plans too."""
        return self.filter(_not_closed_q(day))

    def closed_on(self, day: datetime.date) -> ActionPlanQuerySet:
        return self.filter(_closed_q(day))

    def in_force_during(self, first: datetime.date, last: datetime.date) -> ActionPlanQuerySet:
        """Plans in force on at least one day from `first` to `last` (a
        reporting year): in force on its first day, or starting within it
        and not closed on the day it starts. An open-ended plan's actions are
        read as they stood at the start of the span."""
        in_force_at_first = _started_q(first) & _not_closed_q(first)
        starts_within = (
            Q(starts_on__gt=first, starts_on__lte=last)
            & (Q(closed_on__isnull=True) | Q(closed_on__gt=F("starts_on")))
            & (_end_on_or_after_q(first) | _open_ended_q())
        )
        return self.filter(in_force_at_first | starts_within)

    def with_state(self, day: datetime.date) -> ActionPlanQuerySet:
        """Each plan with what ActionPlan.state_on needs beyond its own
        fields (whether its actions were complete before `day`), in the same
        query."""
        return self.annotate(
            complete_before_day=ExpressionWrapper(_complete_before_q(day), BooleanField()),
            state_day=Value(day, output_field=models.DateField()),
        )


def _started_q(day: datetime.date) -> Q:
    return Q(starts_on__isnull=True) | Q(starts_on__lte=day)


def _open_ended_q() -> Q:
    return Q(extended_to__isnull=True, ends_on__isnull=True)


def _end_on_or_after_q(day: datetime.date) -> Q:
    return Q(extended_to__gte=day) | Q(extended_to__isnull=True, ends_on__gte=day)


def _end_before_q(day: datetime.date) -> Q:
    return Q(extended_to__lt=day) | Q(extended_to__isnull=True, ends_on__lt=day)


def _incomplete_actions(day: datetime.date) -> models.QuerySet[Action]:
    """The plan's actions not rated Blue for process in their latest
    assessment dated before `day` (or never assessed before it). Its order
    is the one that makes an action's current rating."""
    latest = (
        Assessment.objects.filter(action=OuterRef("pk"), assessed_on__lt=day)
        .order_by("-assessed_on", "-recorded_at", "-id")
        .values("process")[:1]
    )
    return (
        Action.objects.filter(plan=OuterRef("pk"))
        .annotate(process_then=Subquery(latest))
        .filter(Q(process_then__isnull=True) | ~Q(process_then=Rating.BLUE))
    )


def _complete_before_q(day: datetime.date) -> Q:
    """The plan has actions and every one was complete before `day`. The
    search stops at the first action not complete, which for a plan in
    progress is usually its first."""
    has_actions = Exists(Action.objects.filter(plan=OuterRef("pk")))
    incomplete = Exists(_incomplete_actions(day))
    return Q(has_actions) & ~Q(incomplete)


def _not_closed_q(day: datetime.date) -> Q:
    not_closed_by_a_person = Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    running = _end_on_or_after_q(day) | (_open_ended_q() & ~_complete_before_q(day))
    return not_closed_by_a_person & running


def _closed_q(day: datetime.date) -> Q:
    return Q(closed_on__lte=day) | _end_before_q(day) | (_open_ended_q() & _complete_before_q(day))


class ActionPlan(CleanTextModel):
    class Kind(models.TextChoices):
        BUSINESS_PLAN = "business-plan", "Business plan"
        CASE_REVIEW = "case-review", "Case review"
        AUDIT = "audit", "Audit"
        INSPECTION = "inspection", "Inspection"
        SECTION_11 = "section-11", "Section 11"
        OTHER = "other", "Other"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="action_plans")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    period = models.CharField(
        "period as written", max_length=40, blank=True, help_text='As written, e.g. "2015-2017".'
    )
    starts_on = models.DateField("start of the period", null=True, blank=True)
    ends_on = models.DateField(
        "end of the period",
        null=True,
        blank=True,
        help_text="Blank for a plan that runs until its actions are complete, as an "
        "inspection's does.",
    )
    extended_to = models.DateField(
        "extended to",
        null=True,
        blank=True,
        help_text="A new end the business manager gave; the period as stated is kept.",
    )
    closed_on = models.DateField(
        "closed on", null=True, blank=True, help_text="The day a person closed the plan."
    )
    closed_reason = models.TextField("why it was closed", blank=True)
    summary = models.TextField(blank=True)
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True, help_text="Gaps in the source and how they were recorded.")

    objects = NaturalKeyManager.from_queryset(ActionPlanQuerySet)()
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "-period", "title"]
        constraints = [
            models.UniqueConstraint(fields=["board", "slug"], name="actionplan_unique_slug")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("priorities:plan", kwargs={"board": self.board.slug, "plan": self.slug})

    def clean(self) -> None:
        raise_problems(
            period_problems(
                starts_on=self.starts_on,
                ends_on=self.ends_on,
                extended_to=self.extended_to,
                closed_on=self.closed_on,
                closed_reason=self.closed_reason,
            )
        )

    def complete_before(self, day: datetime.date) -> bool:
        """Whether the plan has actions and every one was rated Blue for
        process in its latest assessment dated before `day`. Read through
        ActionPlan.objects.with_state(day), it asks nothing more of the
        database; otherwise it asks once."""
        if getattr(self, "state_day", None) == day:
            return bool(self.complete_before_day)  # type: ignore[attr-defined]
        if self.pk is None:
            return False
        return ActionPlan.objects.filter(Q(pk=self.pk) & _complete_before_q(day)).exists()

    def state_on(self, day: datetime.date) -> PlanState:
        """Where the plan stands on `day` (priorities.periods.state_on)."""
        return state_on(
            day=day,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            extended_to=self.extended_to,
            closed_on=self.closed_on,
            complete_before=self.complete_before(day),
        )

    def natural_key(self) -> tuple[str, str]:
        return (self.board.slug, self.slug)

    natural_key.dependencies = ["board.board", "board.sourcedocument"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, slug: str) -> ActionPlan:
        return cls.objects.get(board__slug=board, slug=slug)


class RagDefinition(CleanTextModel):
    """What a rating means in this plan, for process and for impact, in the
    plan's own words; shown wherever someone chooses a rating."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="rag_definitions")
    rating = models.CharField(max_length=5, choices=Rating.choices)
    process = models.TextField(blank=True)
    impact = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "rating"], name="ragdefinition_unique_rating")
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.rating}"

    def natural_key(self) -> tuple[str, ...]:
        return (*self.plan.natural_key(), self.rating)

    natural_key.dependencies = ["priorities.actionplan"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, plan: str, rating: str) -> RagDefinition:
        return cls.objects.get(plan__board__slug=board, plan__slug=plan, rating=rating)


class EvidenceType(CleanTextModel):
    """PI, assurance report, Ofsted, audit, voice: the kinds of evidence a
    rating can rest on."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @classmethod
    def get_by_natural_key(cls, slug: str) -> EvidenceType:
        return cls.objects.get(slug=slug)


class Theme(CleanTextModel):
    """A plan-wide theme: a cross-cutting theme, or an area for improving the
    board's own effectiveness."""

    class Kind(models.TextChoices):
        CROSS_CUTTING = "cross-cutting", "Cross-cutting theme"
        EFFECTIVENESS = "effectiveness", "Area for improving the board's effectiveness"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="themes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "position"], name="theme_unique_position"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str, ...]:
        return (*self.plan.natural_key(), self.kind, str(self.position))

    natural_key.dependencies = ["priorities.actionplan"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, plan: str, kind: str, position: str) -> Theme:
        return cls.objects.get(
            plan__board__slug=board, plan__slug=plan, kind=kind, position=int(position)
        )


class Priority(CleanTextModel):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    evidence_base = models.TextField(blank=True)
    key_outcomes = models.TextField(blank=True)
    success_measures = models.TextField(blank=True, verbose_name="how success will be measured")

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="priority_unique_number")
        ]

    def __str__(self) -> str:
        return f"Priority {self.number}: {self.title}"

    def natural_key(self) -> tuple[str, ...]:
        return (*self.plan.natural_key(), str(self.number))

    natural_key.dependencies = ["priorities.actionplan"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, plan: str, number: str) -> Priority:
        return cls.objects.get(plan__board__slug=board, plan__slug=plan, number=int(number))


class Action(CleanTextModel):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    priority = models.ForeignKey(
        Priority, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    ref = models.CharField(
        max_length=12,
        verbose_name="reference",
        validators=[validate_ref],
        help_text=f'For example "1a": {REF_CHARACTERS}.',
    )
    position = models.PositiveIntegerField(default=0, help_text="Order within the plan.")
    description = models.TextField(verbose_name="action")
    timescale = models.CharField(max_length=120, blank=True, help_text="As written in the plan.")
    due_date = models.DateField(null=True, blank=True)
    lead = models.CharField(max_length=200, blank=True)
    lead_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_actions",
        verbose_name="action lead in Assure",
        help_text="The person, invited to this board as an action lead, who keeps this "
        "action up to date in Assure.",
    )
    lead_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    oversight_group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporting_to = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    oversight_note = models.CharField(
        max_length=300, blank=True, help_text="The oversight and reporting line as written."
    )
    impact_expected = models.TextField(blank=True)
    how_we_will_know = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated = models.DateTimeField(auto_now=True)

    objects = NaturalKeyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position", "ref"]
        constraints = [models.UniqueConstraint(fields=["plan", "ref"], name="action_unique_ref")]

    def __str__(self) -> str:
        return f"{self.ref}: {self.description[:60]}"

    def get_absolute_url(self) -> str:
        return reverse(
            "priorities:action",
            kwargs={"board": self.plan.board.slug, "plan": self.plan.slug, "ref": self.ref},
        )

    def clean(self) -> None:
        if self.priority is not None and self.plan_id and self.priority.plan_id != self.plan_id:
            raise ValidationError({"priority": "That priority belongs to another plan."})

    def natural_key(self) -> tuple[str, ...]:
        return (*self.plan.natural_key(), self.ref)

    natural_key.dependencies = ["priorities.actionplan", "priorities.priority"]  # type: ignore[attr-defined]

    @classmethod
    def get_by_natural_key(cls, board: str, plan: str, ref: str) -> Action:
        return cls.objects.get(plan__board__slug=board, plan__slug=plan, ref=ref)


class Assessment(CleanTextModel):
    """One dated rating of an action, for process and impact. Append-only: a
    correction is a new assessment, so the record of who said what stands."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField()
    process = models.CharField(max_length=5, choices=Rating.choices)
    impact = models.CharField(max_length=5, choices=Rating.choices)
    commentary = models.TextField(blank=True)
    evidence_types = models.ManyToManyField(EvidenceType, blank=True, related_name="+")
    evidence = models.TextField(blank=True, help_text="Evidence notes or links, one per line.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who accepted it, when an action lead proposed it in an update round.",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["action", "-assessed_on", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.action.ref} on {self.assessed_on}: {self.process}/{self.impact}"


# The update rounds' models live beside their rules and pages (priorities/rounds)
# and register with this app from here.
from priorities.rounds.models import (  # noqa: E402, F401
    EvidenceFile,
    Proposal,
    UpdateRequest,
    UpdateRound,
)
