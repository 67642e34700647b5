from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import construct_instance

from board.models import (
    Agency,
    AttendanceMark,
    Board,
    Contribution,
    Group,
    Meeting,
    Member,
    ReportingYear,
    Risk,
)
from board.selectors import partner_agencies
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
    """One mark per seat for a whole meeting, from the key of the seat's
    board; every seat must be marked. A retired mark is offered only to a
    seat that already holds it."""

    def __init__(
        self,
        *args: Any,
        seats: list[Member],
        current: dict[int, str],
        keys: dict[int, list[AttendanceMark]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.seats = seats
        for member in seats:
            held = current.get(member.pk, "")
            offered = [
                (mark.key, f"{mark.code}: {mark.words}")
                for mark in keys[member.board_id]
                if not mark.retired or mark.key == held
            ]
            self.fields[f"seat_{member.pk}"] = forms.ChoiceField(
                label=member.label,
                choices=[("", "Choose a mark"), *offered],
                initial=held,
                error_messages={"required": f"Choose an attendance mark for {member.label}."},
            )

    def marks(self) -> dict[Member, str]:
        return {member: self.cleaned_data[f"seat_{member.pk}"] for member in self.seats}

    def rows(self) -> list[tuple[Member, forms.BoundField]]:
        return [(member, self[f"seat_{member.pk}"]) for member in self.seats]


class AttendanceMarkForm(GovukFormMixin, forms.ModelForm):
    """A mark of the board's attendance key; the service holds the rules."""

    class Meta:
        model = AttendanceMark
        fields = ["code", "words", "present", "counted"]
        widgets = {"code": forms.TextInput(attrs={"class": "govuk-input--width-4"})}
        labels = {
            "code": "Code",
            "words": "What it means",
            "present": "Counts as present (the seat was represented)",
            "counted": "Counts towards the percentage (a meeting the seat could attend)",
        }
        help_texts = {
            "code": 'What each cell of the attendance matrix shows, such as "MA". Up to 8 '
            "characters, no spaces.",
            "words": 'Such as "Member attended" or "No cover sent".',
            "present": "",
            "counted": 'Leave this unticked for a mark such as "Not yet a member", which should '
            "not lower a seat's percentage.",
        }


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


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's refusal on the form: each problem on its field, or
    above the form when the field is not on it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, messages in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


def year_field(years: list[ReportingYear], label: str = "Reporting year") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[(y.label, y.label) for y in years],
        error_messages={"invalid_choice": "Choose a reporting year from the list."},
        # A form adds it after GovukFormMixin has styled its own fields.
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )


class ServiceModelForm(GovukFormMixin, forms.ModelForm):
    """A model form whose rules are all in the service it saves through:
    cleaning fills the instance from the form but leaves validation to the
    service's *_problems(), so the form refuses exactly what the service,
    the admin and the fixtures refuse."""

    def _post_clean(self) -> None:
        opts = self._meta
        self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)


def _stored_agency(model: Any, instance: Any) -> Any:
    """For a record being edited, its stored agency as a query of one id, so
    the form still offers an agency since taken off the board's list
    (partner_agencies' `also`); None for a new record."""
    if instance.pk is None:
        return None
    return model.objects.filter(pk=instance.pk, agency__isnull=False).values("agency_id")


class MemberForm(ServiceModelForm):
    """A seat: who, in what role, for which agency, on which of the board's
    groups, from when to when. The rules are the service's (member_problems)."""

    class Meta:
        model = Member
        fields = ["person", "position", "agency", "role", "groups", "start", "end", "notes"]
        labels = {"person": "Name", "groups": "Groups they sit on"}
        help_texts = {
            "person": "Leave blank for an agency's seat with no person named.",
            "groups": "Only this board's groups are listed.",
        }
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
            "groups": forms.CheckboxSelectMultiple(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, board: Board, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.board = board
        choice_field(self, "groups").queryset = board.groups.order_by("kind", "name")
        choice_field(self, "agency").queryset = partner_agencies(
            board=board, also=_stored_agency(Member, self.instance)
        )
        choice_field(self, "agency").empty_label = "No agency"


class SeatChoiceField(forms.ModelChoiceField):
    """Seats named as the pages name them (agency, position, person)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class MemberEndForm(GovukFormMixin, forms.Form):
    """End a seat: its last day, and the seat that took it over if that is
    already recorded. The rules are the service's (member_end_problems)."""

    end = forms.DateField(
        label="Last day in the seat",
        widget=DateInput(),
        help_text="The seat is held on this day and ends after it. For example, 31 3 2027.",
        error_messages={"required": "Enter the last day the seat was held."},
    )
    successor = SeatChoiceField(
        queryset=Member.objects.none(),
        required=False,
        label="Who took the seat over (optional)",
        empty_label="Nobody recorded",
        help_text="Only this board's other seats are listed. To add the person who takes the "
        "seat over, record a successor instead.",
    )

    def __init__(self, *args: Any, seat: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = (
            Member.objects.filter(board_id=seat.board_id)
            .exclude(pk=seat.pk)
            .select_related("agency")
            .order_by("agency__name", "position", "person")
        )
        choice_field(self, "successor").queryset = others


class MemberSucceedForm(GovukFormMixin, forms.Form):
    """Who takes a seat over, and from when: the service makes their seat
    like this one and ends this one the day before."""

    person = forms.CharField(
        label="Name of the new member",
        max_length=120,
        required=False,
        help_text="Leave blank if the source names the post but not the person.",
    )
    start = forms.DateField(
        label="First day in the seat",
        widget=DateInput(),
        help_text="The current seat ends the day before. For example, 1 4 2027.",
        error_messages={"required": "Enter the day the new member takes the seat."},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where this is recorded, for example the meeting that appointed them.",
    )


class GroupForm(ServiceModelForm):
    """A group. The boards it serves are offered only among the boards the
    person is on; its other boards are kept by the service."""

    boards = forms.ModelMultipleChoiceField(
        queryset=Board.objects.none(),
        widget=forms.CheckboxSelectMultiple(),
        required=False,
        label="Boards this group serves",
    )

    class Meta:
        model = Group
        fields = ["name", "short_name", "kind", "reports_to", "purpose"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, board: Board, changeable: list[Board], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        boards = choice_field(self, "boards")
        boards.queryset = Board.objects.filter(pk__in=[b.pk for b in changeable]).order_by("name")
        others = (
            [b.name for b in self.instance.boards.all() if b not in changeable]
            if self.instance.pk
            else []
        )
        boards.help_text = "You can add or remove only boards you are on." + (
            f" It also serves {', '.join(sorted(others))}, which stay as they are."
            if others
            else ""
        )
        if self.instance.pk:
            self.initial["boards"] = [b for b in self.instance.boards.all() if b in changeable]
        else:
            self.initial["boards"] = [board]
        reports_to = choice_field(self, "reports_to")
        reports_to.queryset = board.groups.exclude(pk=self.instance.pk).order_by("kind", "name")
        reports_to.empty_label = "Reports to no other group"


class ReportingYearForm(GovukFormMixin, forms.Form):
    start_year = forms.IntegerField(
        label="Year it starts",
        help_text="A reporting year runs from 1 April to 31 March. For 2027-28, enter 2027.",
        error_messages={
            "required": "Enter the year the reporting year starts, for example 2027.",
            "invalid": "Enter the year as a number, for example 2027.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )


class ContributionForm(ServiceModelForm):
    class Meta:
        model = Contribution
        fields = ["agency", "label", "amount", "notes"]
        labels = {"label": "Contributor", "amount": "Amount in pounds", "agency": "Agency"}
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "amount": forms.TextInput(
                attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}
            ),
        }

    def __init__(self, *args: Any, board: Board, years: list[ReportingYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.board = board
        self.fields = {"year": year_field(years), **self.fields}
        agency = choice_field(self, "agency")
        agency.queryset = partner_agencies(
            board=board, also=_stored_agency(Contribution, self.instance)
        )
        agency.empty_label = "No agency"
        cast(forms.DecimalField, self.fields["amount"]).error_messages.update(
            {"invalid": "Enter the amount in pounds, for example 24359.60."}
        )
        self.fields["year"].widget.attrs["class"] = "govuk-select"


class PublishedTotalForm(GovukFormMixin, forms.Form):
    amount = forms.DecimalField(
        label="Total the published report states, in pounds",
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text="Leave blank if the report states no total.",
        error_messages={"invalid": "Enter the total in pounds, for example 187500.00."},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class LogoForm(GovukFormMixin, forms.Form):
    """The file only: what it must be is board.logo's to say, through the
    service, so the admin or a command can refuse nothing a page accepts."""

    logo = forms.FileField(
        label="Logo",
        help_text="A PNG or JPEG image, smaller than the limit below. It is drawn on the cover "
        "of the board's annual reports and scorecards.",
        error_messages={"required": "Choose a PNG or JPEG image to upload."},
    )


class BoardForm(ServiceModelForm):
    """A board's details, as an Admin keeps them; the rules are board_save's.
    Its web name is made from its name when it is added."""

    class Meta:
        model = Board
        fields = ["name", "short_name", "area", "kind", "website"]
        labels = {"website": "Website (optional)"}
        help_texts = {
            "name": "As the partnership names itself, e.g. Luton Safeguarding Children Board.",
            "area": "The local authority area it serves, e.g. Luton.",
        }


class AgencyForm(ServiceModelForm):
    """An agency; the rules are agency_save's."""

    class Meta:
        model = Agency
        fields = ["name", "short_name", "sector"]
        labels = {"short_name": "Short name (optional)"}
        help_texts = {"short_name": "As tables print it, e.g. BCCG."}


class AccessForm(GovukFormMixin, forms.Form):
    """Give an existing account access to a board, by its username or email."""

    account = forms.CharField(
        label="Username or email address",
        max_length=254,
        help_text="Someone who already has an account in Assure. To add someone new, invite them.",
        error_messages={"required": "Enter the username or email address of an account."},
    )

    def clean_account(self) -> Any:
        from django.contrib.auth import get_user_model

        wanted = self.cleaned_data["account"].strip()
        User = get_user_model()
        found = list(
            User.objects.filter(
                Q(username__iexact=wanted) | (Q(email__iexact=wanted) & ~Q(email=""))
            )[:2]
        )
        if not found:
            raise ValidationError(f"No account has the username or email address {wanted}.")
        if len(found) > 1:
            raise ValidationError(
                f"More than one account has {wanted}: enter the username instead."
            )
        return found[0]
