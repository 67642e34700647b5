"""The business manager's forms. They only read what was posted; the rules
are the services' (audits.services.*_problems), shown on the fields."""

from __future__ import annotations

from typing import Any

from django import forms

from audits.models import Audit, DatedBy, FindingKind, Section11Focus, Section11Level
from audits.services import RatingInput
from board.forms import ServiceModelForm, year_field
from board.models import Agency, Board, Group, ReportingYear
from board.selectors import partner_agencies
from core.forms import DateInput, GovukFormMixin, choice_field


def owners_for(board: Board) -> list[tuple[str, Board | Group]]:
    """Whom an audit may belong to on this board's form: the board, and each
    pan-area group serving it (a group serving more than one board)."""
    groups = [
        g
        for g in board.groups.prefetch_related("boards").order_by("name")
        if len(g.boards.all()) > 1
    ]
    return [("board", board), *((f"group:{g.slug}", g) for g in groups)]


class AuditForm(ServiceModelForm):
    class Meta:
        model = Audit
        fields = [
            "theme",
            "kind",
            "scope",
            "dated_by",
            "start",
            "end",
            "cases_audited",
            "agencies",
            "agencies_note",
            "method",
            "status",
            "summary",
        ]
        labels = {
            "theme": "Theme",
            "start": "Started",
            "end": "Finished (if later)",
            "dated_by": "How precisely the dates are known",
            "agencies": "Agencies taking part",
        }
        help_texts = {
            "start": "For a month, any day of it, for example 1 7 2020.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "status": forms.RadioSelect,
            "dated_by": forms.RadioSelect,
            "start": DateInput(),
            "end": DateInput(),
            "agencies": forms.CheckboxSelectMultiple,
            "scope": forms.Textarea(attrs={"rows": 2}),
            "method": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "cases_audited": forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}
            ),
        }

    def __init__(
        self,
        *args: Any,
        board: Board,
        owners: list[tuple[str, Board | Group]],
        years: list[ReportingYear],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owners = dict(owners)
        self.years = {y.label: y for y in years}
        owner_field = forms.ChoiceField(
            label="Whose audit",
            choices=[(key, str(owner)) for key, owner in owners],
            error_messages={"invalid_choice": "Choose the board or a pan-area group."},
            # Pan-area groups have long names: the list fits a narrow screen.
            widget=forms.Select(attrs={"class": "govuk-select govuk-!-width-full"}),
        )
        self.fields = {"owner": owner_field, "year": year_field(years), **self.fields}
        self.fields["dated_by"].choices = [  # type: ignore[attr-defined]
            (DatedBy.MONTH, "The report gives the month"),
            (DatedBy.DAY, "The report gives the day"),
        ]
        choice_field(self, "agencies").queryset = partner_agencies(
            board=board, also=self.instance.agencies.values("pk") if self.instance.pk else None
        )
        self.fields["cases_audited"].error_messages["invalid"] = (
            "Cases audited must be a whole number, for example 6."
        )
        instance = self.instance
        if instance.pk:
            self.initial["owner"] = (
                "board" if instance.board_id else f"group:{instance.group.slug}"  # type: ignore[union-attr]
            )
            self.initial["year"] = instance.year.label

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner = self.owners.get(data.get("owner", ""))
        self.instance.board = owner if isinstance(owner, Board) else None
        self.instance.group = owner if isinstance(owner, Group) else None
        year = self.years.get(data.get("year", ""))
        if year is not None:
            # Saved (if new) by the service, only once the audit is accepted.
            self.instance.year = year
        return data


class FindingForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What kind of finding",
        choices=FindingKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a strength, an area for development or a concern.",
            "invalid_choice": "Choose a strength, an area for development or a concern.",
        },
    )
    text = forms.CharField(
        label="What the audit found",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Say what the audit found."},
    )


class ActionFromForm(GovukFormMixin, forms.Form):
    """An action made from a finding or an area for development."""

    ref = forms.CharField(
        label="Reference",
        max_length=12,
        help_text="For example 1a.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": "Give the action a reference, for example 1a."},
    )
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what will be done."},
    )
    lead = forms.CharField(label="Lead", max_length=200, required=False)
    due_date = forms.DateField(label="Due date", required=False, widget=DateInput())


class ReturnForm(GovukFormMixin, forms.Form):
    """One agency's return: whether it came in, when, and for each standard
    in scope its rating, evidence, challenge outcome and area for development."""

    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        to_field_name="slug",
        empty_label="Choose an agency",
        widget=forms.Select(attrs={"class": "govuk-!-width-full"}),
        error_messages={
            "required": "Choose the agency whose return this is.",
            "invalid_choice": "Choose an agency from the list.",
        },
    )
    submitted = forms.BooleanField(label="The return has been submitted", required=False)
    submitted_on = forms.DateField(label="Date submitted", required=False, widget=DateInput())
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self,
        *args: Any,
        agencies: Any,
        focus: list[Section11Focus],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "agency").queryset = agencies
        self.focus = focus
        levels = [("", "Not rated"), *Section11Level.choices]
        for item in focus:
            number = item.standard.number
            prefix = f"standard_{item.standard_id}"
            self.fields[f"{prefix}_level"] = forms.ChoiceField(
                label=f"Standard {number}: rating",
                choices=levels,
                required=False,
                error_messages={
                    "invalid_choice": f"Standard {number}: choose met, partially met or not met."
                },
            )
            for name, label in (
                ("evidence", "evidence"),
                ("challenge_outcome", "outcome of the challenge session"),
                ("area_for_development", "area for development"),
            ):
                self.fields[f"{prefix}_{name}"] = forms.CharField(
                    label=f"Standard {number}: {label}",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
        # GovukFormMixin styled the fields present at its __init__; style the rest.
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select) and "govuk-select" not in widget.attrs.get(
                "class", ""
            ):
                widget.attrs["class"] = "govuk-select"
            elif isinstance(widget, forms.Textarea) and "govuk-textarea" not in widget.attrs.get(
                "class", ""
            ):
                widget.attrs["class"] = "govuk-textarea"

    def standard_groups(self) -> list[tuple[Section11Focus, list[forms.BoundField]]]:
        """Each standard in scope with its four fields, for a fieldset each."""
        return [
            (
                item,
                [
                    self[f"standard_{item.standard_id}_{name}"]
                    for name in ("level", "evidence", "challenge_outcome", "area_for_development")
                ],
            )
            for item in self.focus
        ]

    def ratings(self) -> dict[int, RatingInput]:
        data = self.cleaned_data
        return {
            item.standard_id: RatingInput(
                level=data.get(f"standard_{item.standard_id}_level") or "",
                evidence=data.get(f"standard_{item.standard_id}_evidence") or "",
                challenge_outcome=data.get(f"standard_{item.standard_id}_challenge_outcome") or "",
                area_for_development=data.get(f"standard_{item.standard_id}_area_for_development")
                or "",
            )
            for item in self.focus
        }
