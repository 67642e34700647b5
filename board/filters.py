import datetime
from typing import Any

import django_filters
from django.db.models import QuerySet

from board import terms
from board.models import Agency, Group, Member, Risk
from board.selectors import partner_agencies
from core.forms import FilterForm


class MemberFilter(django_filters.FilterSet):
    """The members page's filters. `seats` chooses current, later, past or
    all seats on the page's day (board.terms), current when not given."""

    seats = django_filters.ChoiceFilter(
        label="Seats",
        choices=list(terms.SHOWN.items()),
        empty_label=None,
        method="filter_seats",
    )
    role = django_filters.ChoiceFilter(choices=Member.Role.choices, empty_label="Any role")
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.none(), empty_label="Any agency"
    )
    group = django_filters.ModelChoiceFilter(
        field_name="groups", queryset=Group.objects.none(), empty_label="Any group"
    )

    class Meta:
        model = Member
        fields = ["seats", "role", "agency", "group"]
        form = FilterForm

    def __init__(self, data=None, *args, board, day: datetime.date, **kwargs):  # type: ignore[no-untyped-def]
        if data is not None and not data.get("seats"):
            data = data.copy()
            data["seats"] = "current"
        super().__init__(data, *args, **kwargs)
        self.day = day
        self.filters["agency"].queryset = partner_agencies(board=board)
        self.filters["group"].queryset = board.groups.all()

    def filter_seats(self, queryset: QuerySet[Member], name: str, value: Any) -> QuerySet[Member]:
        return terms.shown_on(queryset, value or "current", self.day)

    @property
    def shown(self) -> str:
        """The seats the page shows, as a key of board.terms.SHOWN."""
        value = self.form.cleaned_data.get("seats") if self.form.is_valid() else None
        return value or "current"


class RiskFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Risk.Status.choices, empty_label="Any status")

    class Meta:
        model = Risk
        fields = ["status"]
        form = FilterForm
