import django_filters

from board.models import Agency, Group, Member, Risk
from core.forms import FilterForm


class MemberFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Member.Role.choices, empty_label="Any role")
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.none(), empty_label="Any agency"
    )
    group = django_filters.ModelChoiceFilter(
        field_name="groups", queryset=Group.objects.none(), empty_label="Any group"
    )

    class Meta:
        model = Member
        fields = ["role", "agency", "group"]
        form = FilterForm

    def __init__(self, *args, board, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.filters["agency"].queryset = Agency.objects.filter(members__board=board).distinct()
        self.filters["group"].queryset = board.groups.all()


class RiskFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Risk.Status.choices, empty_label="Any status")

    class Meta:
        model = Risk
        fields = ["status"]
        form = FilterForm
