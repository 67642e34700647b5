"""Action plans and their RAG-rated actions.

Every plan the board tracks lives here, whatever it came from: the business
plan, a case review, an audit, an inspection or Section 11. An action's current
rating is its latest assessment; assessments are never edited or deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from board.models import Agency, Board, Group, SourceDocument
from core.models import CleanTextModel, NaturalKeyManager
from core.validators import REF_CHARACTERS, validate_ref


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


class ActionPlan(CleanTextModel):
    class Kind(models.TextChoices):
        BUSINESS_PLAN = "business-plan", "Business plan"
        CASE_REVIEW = "case-review", "Case review"
        AUDIT = "audit", "Audit"
        INSPECTION = "inspection", "Inspection"
        SECTION_11 = "section-11", "Section 11"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="action_plans")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    period = models.CharField(max_length=40, blank=True, help_text='As written, e.g. "2015-2017".')
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    summary = models.TextField(blank=True)
    source = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True, help_text="Gaps in the source and how they were recorded.")

    objects = NaturalKeyManager()
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
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["action", "-assessed_on", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.action.ref} on {self.assessed_on}: {self.process}/{self.impact}"
