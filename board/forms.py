from __future__ import annotations

from typing import Any, cast

from django import forms

from board.models import Attendance, Group, Meeting, Member, Risk
from core.forms import DateInput, GovukFormMixin, choice_field


class MeetingForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["group", "date", "location", "notes"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, board: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "group").queryset = board.groups.order_by("name")


class AttendanceForm(GovukFormMixin, forms.Form):
    """One status per seat for a whole meeting; every seat must be marked."""

    def __init__(
        self, *args: Any, seats: list[Member], current: dict[int, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.seats = seats
        for member in seats:
            self.fields[f"seat_{member.pk}"] = forms.ChoiceField(
                label=member.label,
                choices=[("", "Choose a status"), *Attendance.Status.choices],
                initial=current.get(member.pk, ""),
                error_messages={"required": f"Choose an attendance status for {member.label}."},
            )

    def marks(self) -> dict[Member, str]:
        return {member: self.cleaned_data[f"seat_{member.pk}"] for member in self.seats}

    def rows(self) -> list[tuple[Member, forms.BoundField]]:
        return [(member, self[f"seat_{member.pk}"]) for member in self.seats]


class RiskForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Risk
        fields = [
            "ref",
            "title",
            "description",
            "owner",
            "likelihood",
            "impact",
            "mitigations",
            "status",
            "review_date",
        ]
        widgets = {
            "review_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "mitigations": forms.Textarea(attrs={"rows": 4}),
            "likelihood": forms.Select(choices=[(i, str(i)) for i in range(1, 6)]),
            "impact": forms.Select(choices=[(i, str(i)) for i in range(1, 6)]),
            "ref": forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        }

    def __init__(self, *args: Any, board: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.board = board
        self.instance.board = board

    def clean_ref(self) -> str:
        ref = self.cleaned_data["ref"].strip()
        clash = Risk.objects.filter(board=self.board, ref=ref).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"The risk log already has a risk {ref}.")
        return ref


class GroupYearForm(GovukFormMixin, forms.Form):
    group = forms.ModelChoiceField(
        queryset=Group.objects.none(), to_field_name="slug", empty_label=None
    )
    year = forms.ChoiceField(label="Reporting year")

    def __init__(self, *args: Any, board: Any, years: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "group").queryset = board.groups.order_by("kind", "name")
        cast(forms.ChoiceField, self.fields["year"]).choices = [(y.label, y.label) for y in years]
