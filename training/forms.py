"""The business manager's form for a period's figures. It only reads what
was posted; the rules are the service's (training.services.figures_problems)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from board.forms import year_field
from board.models import Board, Group, ReportingYear
from core.forms import GovukFormMixin
from priorities.models import Action
from training.models import (
    COUNTS,
    MAX_COUNT,
    QUARTER_CHOICES,
    STATED_RATES,
    Mode,
    StatedFigure,
    TrainingCourse,
)

WHOLE_YEAR = "year"

_COUNT_LABELS = {
    "courses_delivered": "Courses delivered",
    "places_offered": "Places offered",
    "delegates_booked": "Delegates booked",
    "delegates_attended": "Delegates attended",
    "learners_registered": "Learners registered",
    "learners_completed": "Learners completed",
    "learners_passed": "Learners passed",
}
_RATE_LABELS = {
    "satisfaction_pct": "Satisfaction %",
    "places_filled_pct": "Places filled %, only if the report gives no places",
    "completion_pct": "Completion % as the report states it",
    "pass_rate_pct": "Pass rate % as the report states it",
}

_RATE_SHORT = {
    "satisfaction_pct": "Satisfaction",
    "places_filled_pct": "Places filled",
    "completion_pct": "Completion",
    "pass_rate_pct": "Pass rate",
}


def _count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_COUNT,
        error_messages={
            "invalid": f"{label} must be a whole number, for example 12.",
            "min_value": "A count cannot be less than 0.",
            "max_value": f"A count cannot be more than {MAX_COUNT:,}.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
    )


def _percent_field(label: str, short: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        error_messages={
            # No percent sign: Django formats this message with the value.
            "invalid": f"{short} must be a number, for example 94.",
            "min_value": "A percentage lies between 0 and 100.",
            "max_value": "A percentage lies between 0 and 100.",
            "max_digits": "A percentage lies between 0 and 100.",
            "max_whole_digits": "A percentage lies between 0 and 100.",
            "max_decimal_places": "Give a percentage to at most 2 decimal places.",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
    )


def owners_for(board: Board) -> list[tuple[str, Board | Group]]:
    """Who figures may belong to on this board's form: the board, and each
    pan-area group serving it (a group serving more than one board)."""
    groups = [
        g for g in board.groups.prefetch_related("boards").order_by("name") if g.boards.count() > 1
    ]
    return [("board", board), *((f"group:{g.slug}", g) for g in groups)]


class TrainingFiguresForm(GovukFormMixin, forms.Form):
    def __init__(
        self,
        *args: Any,
        owners: list[tuple[str, Board | Group]],
        years: list[ReportingYear],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owners = dict(owners)
        self.years = {y.label: y for y in years}
        fields: dict[str, forms.Field] = {
            "owner": forms.ChoiceField(
                label="Whose figures",
                choices=[(key, str(owner)) for key, owner in owners],
                error_messages={"invalid_choice": "Choose the board or a pan-area group."},
            ),
            "year": year_field(years),
            "quarter": forms.ChoiceField(
                label="Period",
                choices=[
                    (WHOLE_YEAR, "The whole year"),
                    *((str(q), t) for q, t in QUARTER_CHOICES),
                ],
                error_messages={"invalid_choice": "Choose the whole year or a quarter."},
            ),
            "mode": forms.ChoiceField(
                label="Delivery mode",
                choices=Mode.choices,
                error_messages={"invalid_choice": "Choose a delivery mode from the list."},
            ),
        }
        fields.update({name: _count_field(_COUNT_LABELS[name]) for name in COUNTS})
        fields.update(
            {
                name: _percent_field(_RATE_LABELS[name], _RATE_SHORT[name])
                for name in ("satisfaction_pct", *STATED_RATES)
            }
        )
        fields["notes"] = forms.CharField(
            label="Notes",
            required=False,
            max_length=5000,
            help_text="Where the figures come from, and anything the report leaves unclear.",
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        for field in fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "govuk-select"
            elif isinstance(field.widget, forms.Textarea):
                field.widget.attrs["class"] = "govuk-textarea"
            elif "govuk-input" not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = (
                    f"govuk-input {field.widget.attrs.get('class', '')}".strip()
                )
        self.fields = fields

    def cleaned(self) -> dict[str, Any]:
        """What the service takes: the owner, year, quarter, mode and values."""
        data = self.cleaned_data
        return {
            "owner": self.owners[data["owner"]],
            "year": self.years[data["year"]],
            "quarter": None if data["quarter"] == WHOLE_YEAR else int(data["quarter"]),
            "mode": data["mode"],
            "values": {
                name: data.get(name) for name in (*COUNTS, "satisfaction_pct", *STATED_RATES)
            },
            "notes": data.get("notes") or "",
        }


class StatedFigureForm(GovukFormMixin, forms.Form):
    """What a report states (a total, a rate, a change on the year before),
    kept beside what Assure computes."""

    def __init__(
        self,
        *args: Any,
        owners: list[tuple[str, Board | Group]],
        years: list[ReportingYear],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owners = dict(owners)
        self.years = {y.label: y for y in years}
        period = TrainingFiguresForm(owners=owners, years=years).fields
        self.fields = {
            "owner": period["owner"],
            "year": period["year"],
            "quarter": period["quarter"],
            "mode": period["mode"],
            "measure": forms.ChoiceField(
                label="Measure",
                choices=StatedFigure.Measure.choices,
                error_messages={"invalid_choice": "Choose a measure from the list."},
                widget=forms.Select(attrs={"class": "govuk-select"}),
            ),
            "kind": forms.ChoiceField(
                label="What the report states",
                choices=[
                    ("value", "The figure itself"),
                    ("change", "A percentage change on the year before"),
                ],
                error_messages={"invalid_choice": "Choose what the report states."},
                widget=forms.Select(attrs={"class": "govuk-select"}),
            ),
            "value": forms.DecimalField(
                label="The figure as stated",
                max_digits=12,
                decimal_places=2,
                min_value=Decimal("-1000000000"),
                max_value=Decimal(MAX_COUNT),
                help_text="A fall is negative: a 74 percent reduction is -74.",
                error_messages={
                    "required": "Enter the figure the report states.",
                    # No percent sign: Django formats this message with the value.
                    "invalid": "The figure must be a number, for example 74.",
                    "min_value": "The figure is too small.",
                    "max_value": f"The figure cannot be more than {MAX_COUNT:,}.",
                    "max_digits": "The figure is too long.",
                    "max_whole_digits": "The figure is too long.",
                    "max_decimal_places": "Give the figure to at most 2 decimal places.",
                },
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "class": "govuk-input govuk-input--width-10"}
                ),
            ),
            "wording": forms.CharField(
                label="The report's words",
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
            ),
            "explanation": forms.CharField(
                label="Why it differs from the counts, if known",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
            ),
        }

    def cleaned(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "owner": self.owners[data["owner"]],
            "year": self.years[data["year"]],
            "quarter": None if data["quarter"] == WHOLE_YEAR else int(data["quarter"]),
            "mode": data["mode"],
            "measure": data["measure"],
            "change": data["kind"] == "change",
            "value": data["value"],
            "wording": data.get("wording") or "",
            "explanation": data.get("explanation") or "",
        }


class ImportForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text=(
            "A CSV or Excel (XLSX) file: one row per period and delivery mode, or one row per "
            "course with its date, places and attendance."
        ),
        error_messages={"required": "Choose a CSV or XLSX file to import."},
    )


class ImpactForm(GovukFormMixin, forms.Form):
    """Follow-up evidence for a course or a period. It only reads what was
    posted; the rules are the service's (training.services.impact_problems)."""

    def __init__(
        self,
        *args: Any,
        owners: list[tuple[str, Board | Group]],
        years: list[ReportingYear],
        courses: list[TrainingCourse],
        actions: list[Action],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owners = dict(owners)
        self.years = {y.label: y for y in years}
        self.courses = {str(c.pk): c for c in courses}
        self.actions = {str(a.pk): a for a in actions}
        period = TrainingFiguresForm(owners=owners, years=years).fields
        select = {"class": "govuk-select"}
        fields: dict[str, forms.Field] = {
            "owner": period["owner"],
            "year": period["year"],
            "quarter": period["quarter"],
            "mode": period["mode"],
            "course": forms.ChoiceField(
                label="The course evaluated, if it is one course",
                required=False,
                choices=[("", "Not one course"), *((k, str(c)) for k, c in self.courses.items())],
                help_text="A course's date sets the period.",
                error_messages={"invalid_choice": "Choose a course from the list."},
                widget=forms.Select(attrs=select),
            ),
            "subject": forms.CharField(
                label="What was evaluated",
                max_length=200,
                help_text="For example, Neglect and Graded Care Profile 2 training.",
                error_messages={"required": "Say what was evaluated."},
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
            ),
            "months_after": forms.IntegerField(
                label="Months after the training",
                required=False,
                min_value=0,
                max_value=60,
                help_text="0 for an evaluation at the end of the training.",
                error_messages={
                    "invalid": "Months after the training must be a whole number, for example 3.",
                    "min_value": "Months after the training cannot be less than 0.",
                    "max_value": "A follow-up is at most 60 months after the training.",
                },
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "govuk-input govuk-input--width-3"}
                ),
            ),
            "delegates_asked": _count_field("Delegates asked"),
            "replies": _count_field("Replies"),
            "reporting_change": _count_field("Replies reporting a change in practice"),
            "reporting_change_pct": _percent_field(
                "Reporting a change %, only if the report gives no counts", "Reporting a change"
            ),
            "finding": forms.CharField(
                label="What changed",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"}),
            ),
            "action": forms.ChoiceField(
                label="The business plan action it serves",
                required=False,
                choices=[
                    ("", "None"),
                    *(
                        (k, f"{a.plan.title}: {a.ref} {a.description[:80]}")
                        for k, a in self.actions.items()
                    ),
                ],
                error_messages={"invalid_choice": "Choose an action from the list."},
                widget=forms.Select(attrs=select),
            ),
        }
        for name in ("delegates_asked", "replies", "reporting_change", "reporting_change_pct"):
            widget = fields[name].widget
            widget.attrs["class"] = f"govuk-input {widget.attrs.get('class', '')}".strip()
        self.fields = fields

    def cleaned(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "owner": self.owners[data["owner"]],
            "year": self.years[data["year"]],
            "quarter": None if data["quarter"] == WHOLE_YEAR else int(data["quarter"]),
            "mode": data["mode"],
            "values": {
                "course": self.courses.get(data.get("course") or ""),
                "subject": data["subject"],
                "months_after": data.get("months_after"),
                "delegates_asked": data.get("delegates_asked"),
                "replies": data.get("replies"),
                "reporting_change": data.get("reporting_change"),
                "reporting_change_pct": data.get("reporting_change_pct"),
                "finding": data.get("finding") or "",
                "action": self.actions.get(data.get("action") or ""),
            },
        }
