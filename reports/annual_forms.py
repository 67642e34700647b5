"""Forms of the annual report pages. They only collect what was typed; the
rules are the services' (reports.services), whose refusals the views show
on the form."""

from __future__ import annotations

from typing import Any

from django import forms

from board.forms import year_field
from board.models import ReportingYear
from core.forms import DateInput, GovukFormMixin
from reports import narrative
from reports.models import AnnualReport


class ReportCreateForm(GovukFormMixin, forms.Form):
    approver = forms.ChoiceField(
        label="Who approves the report",
        choices=AnnualReport.Approver.choices,
        widget=forms.RadioSelect,
        help_text="The board decides whether its independent chair or its business manager "
        "approves the annual report.",
        error_messages={"required": "Choose who approves the report."},
    )

    def __init__(self, *args: Any, years: list[ReportingYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"year": year_field(years), **self.fields}


class ReportSettingsForm(GovukFormMixin, forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the report's title."}
    )
    approver = forms.ChoiceField(
        label="Who approves the report",
        choices=AnnualReport.Approver.choices,
        widget=forms.RadioSelect,
    )


class SectionForm(GovukFormMixin, forms.Form):
    body = forms.CharField(
        label="Text",
        required=False,
        max_length=narrative.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Write in Markdown: a blank line between paragraphs, **bold**, *italic*, "
        "lines starting with - for a list, # for a heading, [words](https://...) for a link, "
        "a backslash (\\) at the end of a line to start a new line without a new paragraph.",
    )


class ApproveForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why approve with items missing",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when the Working Together check finds items missing. It is kept "
        "with the approval.",
    )


class CorrectForm(GovukFormMixin, forms.Form):
    changes = forms.CharField(
        label="What this correction changes",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Whoever approves the report reads this, and partners see it beside the new "
        "version, with the list of sections that changed.",
        error_messages={"required": "Say what this correction changes."},
    )


class SentForm(GovukFormMixin, forms.Form):
    sent_to_panel = forms.DateField(
        label="Sent to the national Child Safeguarding Practice Review Panel",
        required=False,
        widget=DateInput(),
    )
    sent_to_what_works = forms.DateField(
        label="Sent to the What Works Centre for Children's Social Care",
        required=False,
        widget=DateInput(),
    )


class LeaveOutForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is this section left out?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, “The board held no inspections this year.” Whoever approves "
        "the report reads it, and it is kept with the published version.",
        error_messages={"required": "Say why this section is left out."},
    )


class PublicPageForm(GovukFormMixin, forms.Form):
    enabled = forms.ChoiceField(
        label="The board's public page",
        choices=[
            ("on", "On: anyone can read and download what the board publishes"),
            ("off", "Off: only people signed in to Assure see what is published"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the public page is on or off.",
            "invalid_choice": "Choose whether the public page is on or off.",
        },
    )
