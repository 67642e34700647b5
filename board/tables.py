import django_tables2 as tables
from django.utils.html import format_html

from board.models import Agency, Member, Risk


class MemberTable(tables.Table):
    label = "Members"
    person = tables.Column(verbose_name="Name", empty_values=())
    agency = tables.Column(
        accessor="agency__name", verbose_name="Agency", order_by=("agency__name",)
    )
    groups = tables.Column(
        accessor="groups", verbose_name="Groups", orderable=False, empty_values=()
    )

    class Meta:
        model = Member
        fields = ("person", "position", "agency", "role", "groups", "start", "end")
        order_by = ("agency", "position")
        empty_text = "No members have been recorded for this board."

    def render_person(self, value: str, record: Member) -> str:
        return value or "Seat (no person named)"

    def render_groups(self, record: Member) -> str:
        return ", ".join(g.short_name or g.name for g in record.groups.all()) or "None"

    def value_groups(self, record: Member) -> str:
        return self.render_groups(record)


class AgencyTable(tables.Table):
    label = "Agencies"
    member_count = tables.Column(verbose_name="Members", attrs={"td": {"class": "assure-numeric"}})

    class Meta:
        model = Agency
        fields = ("name", "short_name", "sector", "member_count")
        empty_text = "No agencies are linked to this board yet."


class RiskTable(tables.Table):
    label = "Risk log"
    ref = tables.Column(verbose_name="Ref", linkify=True)
    score = tables.Column(verbose_name="Score", empty_values=(), order_by=("likelihood", "impact"))
    level = tables.Column(verbose_name="Level", empty_values=(), orderable=False)

    class Meta:
        model = Risk
        fields = (
            "ref",
            "title",
            "owner",
            "likelihood",
            "impact",
            "score",
            "level",
            "status",
            "review_date",
        )
        empty_text = "The risk log is empty. Add the first risk the board holds."

    def render_score(self, record: Risk) -> int:
        return record.score

    def render_level(self, record: Risk) -> str:
        css = {"High": "govuk-tag--red", "Medium": "govuk-tag--orange", "Low": "govuk-tag--green"}
        return format_html(
            '<strong class="govuk-tag {}">{}</strong>', css[record.level], record.level
        )

    def value_level(self, record: Risk) -> str:
        return record.level
