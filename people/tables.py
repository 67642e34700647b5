"""The list of a board's invitations."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

from people.models import Invitation


def _when(moment: Any) -> str:
    return date_format(localtime(moment), "j M Y") if moment else ""


class InvitationTable(tables.Table):
    name = tables.Column(verbose_name="Person", accessor="user__last_name", orderable=False)
    role = tables.Column(verbose_name="Role")
    created_at = tables.Column(verbose_name="Invited")
    status = tables.Column(verbose_name="Status", orderable=False)

    class Meta:
        model = Invitation
        fields = ("name", "role", "created_at", "status")
        order_by = ("-created_at",)
        attrs = {"class": "govuk-table", "id": "invitations"}
        empty_text = "Nobody has been invited to this board in Assure yet."

    def __init__(self, *args: Any, board_slug: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.board_slug = board_slug

    def render_name(self, record: Invitation) -> Any:
        url = reverse(
            "people:invitation", kwargs={"board": self.board_slug, "invitation": record.pk}
        )
        user = record.user
        return format_html(
            '<a class="govuk-link" href="{}">{}</a><br><span class="govuk-body-s">{}</span>',
            url,
            user.get_full_name() or user.get_username(),
            user.email,
        )

    def render_created_at(self, record: Invitation) -> str:
        by = record.invited_by
        who = f" by {by.get_full_name() or by.get_username()}" if by else ""
        return f"{_when(record.created_at)}{who}"

    def render_status(self, record: Invitation) -> Any:
        tag = {
            "Accepted": "govuk-tag--green",
            "Cancelled": "govuk-tag--grey",
            "Expired": "govuk-tag--red",
        }.get(record.state, "govuk-tag--yellow")
        detail = ""
        if record.status == Invitation.Status.PENDING and not record.expired:
            detail = f"Link works until {_when(record.expires_at)}"
        elif record.status == Invitation.Status.ACCEPTED:
            detail = f"on {_when(record.accepted_at)}"
        return format_html(
            '<strong class="govuk-tag {}">{}</strong><br><span class="govuk-body-s">{}</span>',
            tag,
            record.state,
            detail,
        )
