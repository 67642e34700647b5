from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from board.models import Group
from core.forms import DateInput, GovukFormMixin, choice_field
from priorities.models import Action, ActionPlan, EvidenceType, Priority, Rating
from priorities.services import EDITABLE_FIELDS, assessment_problems, lead_accounts


def _lead_label(user: Any) -> str:
    name = user.get_full_name() or user.get_username()
    return f"{name} ({user.email})" if user.email else name


class ActionForm(GovukFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Action
        # What the service may change, but the lead agency, which no page offers yet.
        fields = [name for name in EDITABLE_FIELDS if name != "lead_agency"]
        widgets = {
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "impact_expected": forms.Textarea(attrs={"rows": 4}),
            "how_we_will_know": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan = self.instance.plan
        choice_field(self, "priority").queryset = Priority.objects.filter(plan=plan).order_by(
            "number"
        )
        groups = Group.objects.filter(boards=plan.board).order_by("name")
        choice_field(self, "oversight_group").queryset = groups
        choice_field(self, "reporting_to").queryset = groups
        leads = choice_field(self, "lead_account")
        leads.queryset = lead_accounts(board=plan.board)
        leads.label_from_instance = _lead_label  # type: ignore[method-assign, assignment]
        leads.empty_label = "No one yet"
        self.fields["version"].initial = self.instance.version

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class NewActionForm(ActionForm):
    """The edit form with a ref, for adding an action to a plan."""

    class Meta(ActionForm.Meta):
        fields = ["ref", *ActionForm.Meta.fields]
        widgets = {
            **ActionForm.Meta.widgets,
            "ref": forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["version"]

    def clean_ref(self) -> str:
        ref = self.cleaned_data["ref"].strip().rstrip(".")
        if Action.objects.filter(plan=self.instance.plan, ref=ref).exists():
            raise forms.ValidationError(f"This plan already has an action {ref}.")
        return ref


class RatingChoiceField(forms.ChoiceField):
    widget = forms.RadioSelect

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, choices=Rating.choices, **kwargs)


class NeededWhenField(forms.CharField):
    """Text that some answers make necessary (the service's rules say which):
    labelled without "(optional)", with a hint that says when it is needed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.template_name = "priorities/_needed_when_field.html"


class AssessmentForm(GovukFormMixin, forms.Form):
    assessed_on = forms.DateField(label="Date of this assessment", widget=DateInput())
    process = RatingChoiceField(
        label="Process rating", error_messages={"required": "Choose a process rating."}
    )
    impact = RatingChoiceField(
        label="Impact rating", error_messages={"required": "Choose an impact rating."}
    )
    commentary = NeededWhenField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed if the process or impact rating is Red or Amber: say why.",
    )
    evidence_types = forms.ModelMultipleChoiceField(
        queryset=EvidenceType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Evidence",
        help_text="An impact rating of GREEN or BLUE needs at least one piece of evidence.",
    )
    evidence = NeededWhenField(
        required=False,
        label="Evidence notes or links",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: a report's title, a scorecard measure, a link. A Green or Blue "
        "impact rating needs these or an evidence type above.",
    )

    def __init__(self, *args: Any, evidence_types: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "evidence_types").queryset = evidence_types
        self.fields["assessed_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        """The service's rules, shown on the fields they concern; a field
        that already failed (a rating not chosen) keeps its own message."""
        data = super().clean() or {}
        for name, message in assessment_problems(
            process=data.get("process", ""),
            impact=data.get("impact", ""),
            commentary=data.get("commentary", ""),
            evidence_types=data.get("evidence_types") or [],
            evidence=data.get("evidence", ""),
            assessed_on=data.get("assessed_on"),
        ).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data


class ImportForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="A CSV or Excel (XLSX) file with the columns of a plan Assure exported.",
        error_messages={"required": "Choose a CSV or XLSX file to import."},
    )


# A plan's period: the forms ask for what the services need and leave every
# rule to them (priorities.services.plan_close and the rest), so a page
# refuses exactly what the service refuses.


class PlanCloseForm(GovukFormMixin, forms.Form):
    closed_on = forms.DateField(
        label="Closed from",
        widget=DateInput(),
        help_text="Today, or the day it closed if that was earlier. For example, 31 3 2027.",
        error_messages={"required": "Enter the day the plan closed."},
    )
    reason = forms.CharField(
        label="Why is the plan closed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: superseded by the next business plan, or its actions were "
        "taken over by another plan. The plan's page and history show it.",
        error_messages={"required": "Say why the plan is closed."},
    )


class PlanReopenForm(GovukFormMixin, forms.Form):
    new_end = forms.DateField(
        label="New end of the plan",
        widget=DateInput(),
        required=False,
        help_text="Needed when the plan's period has ended or every action is complete: "
        "today or later. For example, 31 3 2027.",
    )


class PlanExtendForm(GovukFormMixin, forms.Form):
    new_end = forms.DateField(
        label="New end of the plan",
        widget=DateInput(),
        help_text="After the current end. For example, 31 3 2027.",
        error_messages={"required": "Enter the new end of the plan."},
    )


class PlanPeriodForm(GovukFormMixin, forms.Form):
    period = forms.CharField(
        label="Period as written",
        required=False,
        help_text='As the plan states it, for example "2015-2017".',
    )
    starts_on = forms.DateField(
        label="Start of the period",
        widget=DateInput(),
        required=False,
        help_text="For example, 1 4 2025.",
    )
    ends_on = forms.DateField(
        label="End of the period",
        widget=DateInput(),
        required=False,
        help_text="Leave blank for a plan that runs until its actions are complete, as an "
        "inspection's does. For example, 31 3 2027.",
    )


class NewPlanForm(PlanPeriodForm):
    """A new action plan: its title, kind and period; the rules are
    plan_create's. Its web name is made from its title."""

    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter the plan's title.",
            "max_length": "The title must be 200 characters or fewer.",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of plan",
        choices=ActionPlan.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of plan."},
    )
    summary = forms.CharField(
        label="Summary (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = ["title", "kind", "period", "starts_on", "ends_on", "summary"]


class PlanDetailsForm(GovukFormMixin, forms.Form):
    """A plan's title, kind and summary; its period has its own page."""

    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter the plan's title.",
            "max_length": "The title must be 200 characters or fewer.",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of plan",
        choices=ActionPlan.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of plan."},
    )
    summary = forms.CharField(
        label="Summary (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PriorityForm(GovukFormMixin, forms.ModelForm):
    """A priority of a plan; the rules are priority_save's."""

    class Meta:
        model = Priority
        fields = ["number", "title", "summary", "evidence_base", "key_outcomes", "success_measures"]
        labels = {
            "summary": "Summary (optional)",
            "evidence_base": "Evidence base (optional)",
            "key_outcomes": "Key outcomes (optional)",
            "success_measures": "How success will be measured (optional)",
        }
        help_texts = {"number": "Its place in the plan: priority 1, 2, 3..."}
        widgets = {
            "number": forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}
            ),
            "title": forms.TextInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "evidence_base": forms.Textarea(attrs={"rows": 4}),
            "key_outcomes": forms.Textarea(attrs={"rows": 4}),
            "success_measures": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "number": {
                "required": "Enter the priority's number, for example 1.",
                "invalid": "Enter the priority's number as a whole number, for example 1.",
            },
        }

    def _post_clean(self) -> None:
        # The rules are the service's: fill the instance, leave the checks to it.
        from django.forms.models import construct_instance

        self.instance = construct_instance(self, self.instance, self._meta.fields)
