"""Forms for indicator values and the statistics import; the rules are the
services', which the views ask after these forms have read the fields."""

from __future__ import annotations

from typing import Any

from django import forms

from board.forms import ServiceModelForm, year_field
from board.models import Board, ReportingYear, SourceDocument
from core.forms import DateInput, GovukFormMixin, choice_field
from indicators.models import Indicator, Marker, PeriodKind
from indicators.services import as_decimal
from priorities.models import Priority


class IndicatorValueForm(GovukFormMixin, forms.Form):
    period_kind = forms.ChoiceField(
        label="Period",
        choices=PeriodKind.choices,
        error_messages={"invalid_choice": "Choose a reporting year, a quarter or a month."},
    )
    period_start = forms.DateField(
        label="The period starts on",
        widget=DateInput(),
        help_text="A reporting year starts on 1 April, a quarter on the 1st of April, July, "
        "October or January, a month on its 1st. For example 1 4 2020.",
        error_messages={"required": "Enter the date the period starts."},
    )
    value = forms.CharField(
        label="Value",
        required=False,
        max_length=30,
        help_text="Leave blank if the publication gives a suppression marker instead.",
    )
    marker = forms.ChoiceField(
        label="Suppression marker",
        required=False,
        choices=[("", "None: the value is given"), *Marker.choices],
        error_messages={"invalid_choice": "Choose a marker from the list."},
    )
    source = forms.ModelChoiceField(
        label="Source document",
        queryset=SourceDocument.objects.order_by("title"),
        error_messages={
            "required": "Say which document the figure comes from.",
            "invalid_choice": "Choose a document from the list.",
        },
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_value(self) -> Any:
        raw = (self.cleaned_data.get("value") or "").strip()
        if not raw:
            return None
        number = as_decimal(raw)
        if number is None:
            raise forms.ValidationError(
                "Enter the value as a number, like 1,234 or 12.5, or choose a marker instead."
            )
        return number


class StatisticsUploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Published statistics file",
        help_text="A tidy CSV file from explore education statistics, as downloaded.",
        error_messages={"required": "Choose the CSV file to import."},
    )
    publication = forms.CharField(
        label="Publication",
        max_length=250,
        help_text='Its title and year, e.g. "Characteristics of children in need 2021". '
        "The values are kept with it as their source.",
        error_messages={"required": "Enter the publication the file comes from."},
    )


class StatisticsMappingForm(GovukFormMixin, forms.Form):
    """The local authority and which measure column fills which indicator,
    chosen from what the uploaded file holds."""

    def __init__(
        self,
        *args: Any,
        authorities: list[tuple[str, str]],
        measures: list[str],
        indicators: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.measures = measures
        self.fields["authority"] = forms.ChoiceField(
            label="Local authority",
            choices=[("", "Choose the board's local authority"), *authorities],
            error_messages={
                "required": "Choose the board's local authority.",
                "invalid_choice": "Choose a local authority the file holds.",
            },
        )
        for index, measure in enumerate(measures):
            self.fields[f"measure_{index}"] = forms.ChoiceField(
                label=f"Column “{measure}”",
                required=False,
                choices=[("", "Do not import"), *indicators],
                error_messages={"invalid_choice": "Choose one of the board's indicators."},
            )
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "govuk-select")

    def mapping(self) -> dict[str, str]:
        """Measure column -> indicator code, for the columns chosen."""
        chosen = {}
        for index, measure in enumerate(self.measures):
            code = self.cleaned_data.get(f"measure_{index}")
            if code:
                chosen[measure] = code
        return chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        codes = [data.get(f"measure_{i}") for i in range(len(self.measures))]
        chosen = [c for c in codes if c]
        if not chosen:
            raise forms.ValidationError("Choose an indicator for at least one column.")
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError("Each indicator can be filled from one column only.")
        return data


class NeighboursUploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Statistical neighbours file",
        help_text="The published statistical neighbour model as downloaded (CSV or XLSX, with "
        "its neighbours in columns SN1 to SN10), or a list with the columns la_code and "
        "la_name, one neighbour a row, nearest first. Old three-digit and new nine-character "
        "codes are both read.",
        error_messages={"required": "Choose the file of neighbours."},
    )
    authority = forms.CharField(
        label="The board's local authority in the model",
        required=False,
        max_length=100,
        help_text="Its name as the model gives it, or its old or new code. Only the model "
        "file needs it; a list of neighbours does not.",
    )


def _priority_label(priority: Priority) -> str:
    return f"{priority.plan.title}: priority {priority.number}, {priority.title}"


class IndicatorForm(ServiceModelForm):
    """An indicator of the scorecard; the rules are indicator_save's."""

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "definition",
            "unit",
            "polarity",
            "frequency",
            "priority",
            "source_kind",
            "measure",
            "target",
            "tolerance",
            "notes",
        ]
        labels = {
            "code": "Short code",
            "definition": "Definition (optional)",
            "polarity": "Which way is better",
            "priority": "The priority it serves",
            "source_kind": "Where its figures come from",
            "measure": "Published measure (optional)",
            "target": "Target (optional)",
            "tolerance": "Tolerance (optional)",
            "notes": "Notes (optional)",
        }
        help_texts = {
            "code": 'Lower-case letters, numbers and hyphens; its page\'s address, e.g. "referrals".',
            "target": "The figure a plan or report states, in the indicator's unit: the "
            "standing target, for any year without a target of its own (set those on the "
            "indicator's page).",
        }
        widgets = {
            "code": forms.TextInput(attrs={"class": "govuk-input--width-20"}),
            "definition": forms.Textarea(attrs={"rows": 3}),
            "unit": forms.RadioSelect,
            "polarity": forms.RadioSelect,
            "frequency": forms.RadioSelect,
            "source_kind": forms.RadioSelect,
            "target": forms.TextInput(
                attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}
            ),
            "tolerance": forms.TextInput(
                attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}
            ),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.board = board
        priority = choice_field(self, "priority")
        priority.queryset = (
            Priority.objects.filter(plan__board=board)
            .select_related("plan")
            .order_by("plan__title", "number")
        )
        priority.label_from_instance = _priority_label  # type: ignore[method-assign, assignment]
        priority.empty_label = "No priority"


class PriorityIndicatorsForm(GovukFormMixin, forms.Form):
    """The board's indicators, ticked where they serve the priority."""

    indicators = forms.ModelMultipleChoiceField(
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Indicators that serve this priority",
        help_text="An indicator serves one priority: ticking one that serves another moves it here.",
    )

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = choice_field(self, "indicators")
        field.queryset = Indicator.objects.filter(board=board).order_by("position", "name")


def _figure(form: forms.Form, name: str, words: str) -> Any:
    """A typed figure ("1,234", "62.5") as a Decimal, None when left blank."""
    raw = (form.cleaned_data.get(name) or "").strip()
    if not raw:
        return None
    number = as_decimal(raw.rstrip("%").strip())
    if number is None:
        raise forms.ValidationError(f"Enter the {words} as a number, like 1,234 or 62.5.")
    return number


class IndicatorTargetForm(GovukFormMixin, forms.Form):
    """An indicator's target for one reporting year; the rules are
    indicator_target_set's (the standing target's, in the indicator's unit)."""

    target = forms.CharField(
        label="Target",
        max_length=30,
        help_text="In the indicator's unit: a count is a whole number, a percentage 0 to 100.",
        error_messages={"required": "Enter the target, in the indicator's unit."},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
    )
    tolerance = forms.CharField(
        label="Tolerance (optional)",
        required=False,
        max_length=30,
        help_text="How far short of the target still rates as near target.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
    )
    source = forms.ModelChoiceField(
        label="Document that states it (optional)",
        required=False,
        queryset=SourceDocument.objects.order_by("title"),
        empty_label="Not recorded",
        error_messages={"invalid_choice": "Choose a document from the list."},
    )
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, years: list[ReportingYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.years = {year.label: year for year in years}
        self.fields = {"year": year_field(years), **self.fields}
        self.fields["source"].widget.attrs.setdefault("class", "govuk-select")

    def clean_target(self) -> Any:
        return _figure(self, "target", "target")

    def clean_tolerance(self) -> Any:
        return _figure(self, "tolerance", "tolerance")

    @property
    def year(self) -> ReportingYear:
        return self.years[self.cleaned_data["year"]]
