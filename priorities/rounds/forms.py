"""The round's forms: opening a round, the lead's proposal, returning one.
Each shows the service's rules on its fields; the service decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from board.models import Meeting
from core.forms import DateInput, GovukFormMixin, choice_field
from priorities.forms import NeededWhenField, RatingChoiceField
from priorities.models import ActionPlan, EvidenceType
from priorities.rounds.evidence import ACCEPTED
from priorities.rounds.services import MAX_REMIND_DAYS, Upload


class RoundForm(GovukFormMixin, forms.Form):
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        label="Meeting",
        help_text="The meeting the updates are for.",
        empty_label="Choose a meeting",
        error_messages={"required": "Choose the meeting the updates are for."},
    )
    plans = forms.ModelMultipleChoiceField(
        queryset=ActionPlan.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Action plans",
        help_text="Each lead is asked about their actions in these plans that are not completed.",
        error_messages={"required": "Choose at least one action plan."},
    )
    deadline = forms.DateField(
        label="Updates due by",
        widget=DateInput(),
        help_text="Before the meeting. For example, 14 1 2027.",
        error_messages={"required": "Enter the date updates are due."},
    )
    remind_days_before = forms.IntegerField(
        label="Remind leads who have not replied, this many days before the deadline",
        help_text="They are reminded again on the day. 0 reminds them only on the day.",
        min_value=0,
        max_value=MAX_REMIND_DAYS,
        initial=3,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter how many days before the deadline to remind leads.",
            "invalid": "Enter a whole number of days, such as 3.",
            "min_value": f"Remind between 0 and {MAX_REMIND_DAYS} days before the deadline.",
            "max_value": f"Remind between 0 and {MAX_REMIND_DAYS} days before the deadline.",
        },
    )

    def __init__(self, *args: Any, meetings: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "meeting").queryset = meetings
        choice_field(self, "meeting").label_from_instance = _meeting_label  # type: ignore[method-assign, assignment]
        choice_field(self, "plans").queryset = plans


def _meeting_label(meeting: Meeting) -> str:
    return f"{meeting.group} on {meeting.date:%-d %B %Y}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several files at once; each is checked by the service, by its content."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(EvidenceFilesField, self).clean(f, initial) for f in files if f]


class ProposalForm(GovukFormMixin, forms.Form):
    """A lead's proposal. A draft may leave anything out; submitting it asks
    everything an assessment needs (the service's rules)."""

    process = RatingChoiceField(label="Process rating", required=False)
    impact = RatingChoiceField(label="Impact rating", required=False)
    commentary = NeededWhenField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Needed if the process or impact rating is Red or Amber: say why.",
    )
    evidence_types = forms.ModelMultipleChoiceField(
        queryset=EvidenceType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Evidence",
        help_text="An impact rating of Green or Blue needs at least one piece of evidence: a "
        "type here, notes below or a file.",
    )
    evidence = NeededWhenField(
        required=False,
        label="Evidence notes or links",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: a report's title, a measure, a link.",
    )
    evidence_files = EvidenceFilesField(
        required=False,
        label="Evidence files",
        help_text=f"{ACCEPTED}, up to {settings.ASSURE_EVIDENCE_MAX_BYTES // (1024 * 1024)} MB "
        "each. Choose several at once if you need to.",
    )
    remove_files = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Remove files",
        choices=[],
    )

    def __init__(self, *args: Any, evidence_types: Any, files: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "evidence_types").queryset = evidence_types
        if files:
            self.fields["remove_files"].choices = [  # type: ignore[attr-defined]
                (f.pk, f.name) for f in files
            ]
        else:
            del self.fields["remove_files"]

    def uploads(self) -> list[Upload]:
        """The files sent. One over the size limit is not read at all: the
        service refuses it by its size, naming it."""
        found = []
        for upload in self.cleaned_data.get("evidence_files") or []:
            if upload.size > settings.ASSURE_EVIDENCE_MAX_BYTES:
                found.append(Upload(upload.name, b"", size=upload.size))
            else:
                found.append(Upload(upload.name, upload.read()))
        return found


class ReturnForm(GovukFormMixin, forms.Form):
    comment = forms.CharField(
        label="What should the lead change?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The lead gets this by email and sees it beside their proposal.",
        error_messages={"required": "Say what the lead should change."},
    )


def initial_of(proposal: Any) -> dict[str, Any]:
    if proposal is None:
        return {}
    return {
        "process": proposal.process,
        "impact": proposal.impact,
        "commentary": proposal.commentary,
        "evidence_types": list(proposal.evidence_types.all()),
        "evidence": proposal.evidence,
    }
