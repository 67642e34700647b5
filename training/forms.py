"""The business manager's form for a period's figures. It only reads what
was posted; the rules are the service's (training.services.figures_problems)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from django import forms

from board.forms import year_field
from board.models import Agency, Board, Group, ReportingYear
from core.forms import DateInput, GovukFormMixin
from priorities.models import Action
from training.columns import AGENCY, COURSES, DESCRIPTIONS, IGNORE, KINDS, Choice, columns_of
from training.models import (
    COUNTS,
    MAX_COUNT,
    MAX_SESSIONS,
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
    "delegates_no_show": "No-shows",
    "cancellations": "Cancellations",
    "late_cancellations": "Late cancellations",
    "learners_registered": "Learners registered",
    "learners_completed": "Learners completed",
    "learners_passed": "Learners passed",
}
#: What each count means, where a report could mean more than one thing.
_COUNT_HINTS = {
    "courses_delivered": "Each time a course ran counts once: a course of 3 sessions is 3.",
    "delegates_booked": "Bookings standing when the courses ran (registrations), not cancelled.",
    "delegates_no_show": "Booked delegates who did not come and did not cancel (DNA).",
    "cancellations": "Bookings cancelled before the course, late ones included.",
    "late_cancellations": "Of the cancellations, those made too late to offer the place again.",
}

_RATE_LABELS = {
    "satisfaction_pct": "Satisfaction %",
    "places_filled_pct": "Places filled %, only if the report gives no places",
    "attendance_pct": "Attended of booked % as the report states it",
    "completion_pct": "Completion % as the report states it",
    "pass_rate_pct": "Pass rate % as the report states it",
}

_RATE_SHORT = {
    "satisfaction_pct": "Satisfaction",
    "places_filled_pct": "Places filled",
    "attendance_pct": "Attended of booked",
    "completion_pct": "Completion",
    "pass_rate_pct": "Pass rate",
}


def _count_field(label: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
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
        fields.update(
            {name: _count_field(_COUNT_LABELS[name], _COUNT_HINTS.get(name, "")) for name in COUNTS}
        )
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


#: A course's own counts, in the order its form asks for them.
COURSE_COUNTS = (
    "places_offered",
    "delegates_booked",
    "delegates_attended",
    "delegates_no_show",
    "cancellations",
    "late_cancellations",
)
_COURSE_HINTS = {
    **_COUNT_HINTS,
    "places_offered": "Its places across all its sessions (its capacity): 0 if none.",
    "delegates_attended": "0 if nobody came.",
}


class CourseForm(GovukFormMixin, forms.Form):
    """A course as the training unit lists it, with its delegates by agency
    where recorded. It only reads what was posted; the rules are the
    service's (training.services.course_problems and
    course_agency_problems)."""

    def __init__(
        self,
        *args: Any,
        owners: list[tuple[str, Board | Group]],
        agencies: list[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owners = dict(owners)
        self.agencies = {f"agency-{a.slug}": a for a in agencies}
        period = TrainingFiguresForm(owners=owners, years=[]).fields
        fields: dict[str, forms.Field] = {
            "owner": period["owner"],
            "title": forms.CharField(
                label="Course",
                max_length=200,
                error_messages={
                    "required": "Enter the course's title.",
                    "max_length": "The course's title is at most 200 characters.",
                },
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
            ),
            "date": forms.DateField(
                label="Date it ran",
                help_text="Its first session's, if it ran more than once. For example, 14 7 2020",
                error_messages={"required": "Enter the date the course ran."},
                widget=DateInput(),
            ),
            "mode": period["mode"],
            "sessions": forms.IntegerField(
                label="Sessions",
                min_value=1,
                max_value=MAX_SESSIONS,
                help_text="How many times it ran in its quarter; each counts as a course delivered.",
                error_messages={
                    "required": "Give how many sessions the course ran: 1 or more.",
                    "invalid": "Sessions must be a whole number, for example 1.",
                    "min_value": "A course runs at least once: give 1 session or more.",
                    "max_value": f"A course cannot have more than {MAX_SESSIONS:,} sessions.",
                },
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "govuk-input govuk-input--width-4"}
                ),
            ),
        }
        fields.update(
            {
                name: _count_field(_COUNT_LABELS[name], _COURSE_HINTS.get(name, ""))
                for name in COURSE_COUNTS
            }
        )
        fields["places_offered"].label = "Places"
        fields["places_filled_pct"] = _percent_field(
            "Places filled % as the unit states it", "Places filled"
        )
        fields["attendance_pct"] = _percent_field(
            "Attended of booked % as the unit states it", "Attended of booked"
        )
        fields["notes"] = forms.CharField(
            label="Notes",
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
        )
        for key, agency in self.agencies.items():
            fields[key] = _count_field(f"Delegates from {agency.name}")
        for field in fields.values():
            widget = field.widget
            if isinstance(widget, forms.TextInput) and "govuk-input" not in widget.attrs.get(
                "class", ""
            ):
                widget.attrs["class"] = f"govuk-input {widget.attrs.get('class', '')}".strip()
        self.fields = fields

    @staticmethod
    def initial_for(course: TrainingCourse, counts: dict[Agency, int]) -> dict[str, Any]:
        """What the form shows for a course already recorded."""
        initial: dict[str, Any] = {
            "owner": "board" if course.board_id else f"group:{course.group.slug}",  # type: ignore[union-attr]
            "title": course.title,
            "date": course.date,
            "mode": course.mode,
            "sessions": course.sessions,
            "notes": course.notes,
        }
        for name in (*COURSE_COUNTS, "places_filled_pct", "attendance_pct"):
            initial[name] = getattr(course, name)
        for agency, count in counts.items():
            initial[f"agency-{agency.slug}"] = count
        return initial

    @property
    def agency_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in self.agencies]

    @property
    def course_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in self.fields if key not in self.agencies]

    def apply(self, course: TrainingCourse) -> dict[Agency, int | None]:
        """Set the course's fields from the form; its delegates by agency as
        the service takes them (a blank or 0 is nobody from that agency)."""
        data = self.cleaned_data
        owner = self.owners[data["owner"]]
        course.board = owner if isinstance(owner, Board) else None
        course.group = owner if isinstance(owner, Group) else None
        course.title = data["title"]
        course.date = data["date"]
        course.mode = data["mode"]
        course.sessions = data["sessions"]
        for name in (*COURSE_COUNTS, "places_filled_pct", "attendance_pct"):
            setattr(course, name, data.get(name))
        course.notes = data.get("notes") or ""
        return {agency: data.get(key) or None for key, agency in self.agencies.items()}


class ColumnsForm(GovukFormMixin, forms.Form):
    """What each column of an uploaded file holds: one of Assure's columns
    for the file's kind, an agency's delegates (a file of courses), or
    nothing to import. The choices come from training.columns."""

    def __init__(
        self,
        *args: Any,
        kind: str,
        choices: list[Choice],
        agencies: list[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        options: list[Any] = [("", "Choose what it holds"), (IGNORE, "Ignore this column")]
        options.append(
            (
                "Assure's columns",
                [
                    (name, f"{name}: {DESCRIPTIONS[name]}" if name in DESCRIPTIONS else name)
                    for name in columns_of(kind)
                ],
            )
        )
        if kind == COURSES and agencies:
            options.append(
                (
                    "Delegates attended from an agency",
                    [(AGENCY + a.slug, a.name) for a in agencies],
                )
            )
        fields: dict[str, forms.Field] = {
            "kind": forms.ChoiceField(
                label="What the file holds",
                choices=list(KINDS.items()),
                initial=kind,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choose what the file holds."},
            )
        }
        for choice in choices:
            fields[f"column-{choice.index}"] = forms.ChoiceField(
                label=f"Column {choice.letter}: {choice.heading or '(no name)'}",
                help_text=(
                    "Holds, for example: " + "; ".join(choice.samples)
                    if choice.samples
                    else "Its cells are all blank."
                ),
                choices=options,
                required=False,
                initial=choice.target,
                error_messages={"invalid_choice": "Choose one of the columns listed."},
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )
        self.fields = fields

    def chosen(self) -> list[Choice]:
        """The choices as the person made them."""
        return [
            replace(c, target=self.cleaned_data.get(f"column-{c.index}") or "")
            for c in self.choices
        ]
