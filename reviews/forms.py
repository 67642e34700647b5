"""Forms for case reviews. They read what was posted; the rules are the
services' (reviews.services.*_problems), shown on the fields they concern."""

from __future__ import annotations

from typing import Any

from django import forms

from board.forms import ServiceModelForm, year_field
from board.models import (
    READ_RECORDS_KEPT_MONTHS,
    READ_RECORDS_KEPT_MONTHS_MAX,
    READ_RECORDS_KEPT_MONTHS_MIN,
    ReportingYear,
)
from board.selectors import partner_agencies
from core.forms import DateInput, GovukFormMixin, choice_field
from reviews.models import (
    STEP_OUTCOMES,
    CaseReview,
    LearningTheme,
    Outcome,
    Precision,
    Recommendation,
)


class ReviewForm(ServiceModelForm):
    class Meta:
        model = CaseReview
        fields = ["name", "kind", "scope", "status", "themes", "summary", "notes"]
        widgets = {
            "name": forms.TextInput(attrs={"class": "govuk-input--width-20"}),
            "themes": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, years: list[ReportingYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = {y.label: y for y in years}
        self.fields["year"] = year_field(years)
        if self.instance.pk:
            self.fields["year"].initial = self.instance.year.label
        choice_field(self, "themes").queryset = LearningTheme.objects.order_by("name")
        self.order_fields(["name", "kind", "scope", "status", "year", "themes"])

    def clean_year(self) -> ReportingYear:
        return self.years[self.cleaned_data["year"]]

    def _post_clean(self) -> None:
        super()._post_clean()
        if "year" in self.cleaned_data:
            self.instance.year = self.cleaned_data["year"]


class StepForm(GovukFormMixin, forms.Form):
    date = forms.DateField(
        label="Date",
        required=False,
        widget=DateInput(),
        help_text="For example 27 11 2026. Leave it empty if the step has not happened.",
    )
    precision = forms.ChoiceField(
        label="How exactly is the date known?",
        choices=Precision.choices,
        initial=Precision.DAY,
        widget=forms.RadioSelect,
        help_text="A report may give only the month: the clock then counts nothing from it.",
    )
    outcome = forms.ChoiceField(label="Outcome", required=False)
    detail = forms.CharField(
        label="Details",
        required=False,
        max_length=300,
        help_text="The reviewer commissioned, or what was decided.",
    )
    late_reason = forms.CharField(
        label="Reason it was late",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when the step happened after its due date.",
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcomes = STEP_OUTCOMES.get(kind)
        if outcomes:
            field = self.fields["outcome"]
            assert isinstance(field, forms.ChoiceField)
            labels = dict(Outcome.choices)
            field.choices = [("", "Not decided yet"), *((o, labels[o]) for o in outcomes)]
        else:
            del self.fields["outcome"]


class PublicationForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Publication status",
        choices=CaseReview.Publication.choices,
        widget=forms.RadioSelect,
    )
    date = forms.DateField(
        label="Date published", required=False, widget=DateInput(), help_text="Only if published."
    )
    precision = forms.ChoiceField(
        label="How exactly is the date known?",
        choices=Precision.choices,
        initial=Precision.DAY,
        widget=forms.RadioSelect,
    )
    link = forms.URLField(
        label="Link to the published report",
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    reason = forms.CharField(
        label="Why it is not published",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when a completed review is not published.",
    )
    late_reason = forms.CharField(
        label="Reason publication was late",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when a CSPR is published more than 6 months after the decision.",
    )


class RecommendationForm(ServiceModelForm):
    class Meta:
        model = Recommendation
        fields = ["text", "to_partnership", "agencies", "addressed_as_written"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "agencies": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recommendation = self.instance
        choice_field(self, "agencies").queryset = partner_agencies(
            board=recommendation.review.board,
            also=recommendation.agencies.values("pk") if recommendation.pk else None,
        )


class RecommendationActionForm(GovukFormMixin, forms.Form):
    """A new action in the review's plan, for one recommendation: the
    tracker's fields a person sets first (the rest on the action's own page)."""

    ref = forms.CharField(
        label="Reference",
        max_length=12,
        help_text='For example "1a". Letters, numbers, dots and hyphens.',
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    description = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 4}))
    lead = forms.CharField(label="Lead", required=False, max_length=200)
    timescale = forms.CharField(label="Timescale", required=False, max_length=120)
    due_date = forms.DateField(label="Due date", required=False, widget=DateInput())
    impact_expected = forms.CharField(
        label="Impact expected", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReadRetentionForm(GovukFormMixin, forms.Form):
    """How long the board keeps its read records. The range is the
    service's rule (board.services.read_retention_problems)."""

    months = forms.IntegerField(
        label="How many months should Assure keep read records?",
        help_text=(
            f"From {READ_RECORDS_KEPT_MONTHS_MIN} to {READ_RECORDS_KEPT_MONTHS_MAX} months. "
            f"{READ_RECORDS_KEPT_MONTHS} months ({READ_RECORDS_KEPT_MONTHS // 12} years) unless "
            "you set another period."
        ),
        error_messages={
            "required": "Enter how many months to keep read records, such as 24.",
            "invalid": "Enter the number of months as a whole number, such as 24.",
        },
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-3", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
