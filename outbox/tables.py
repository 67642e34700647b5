"""The list of a board's messages."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

from outbox.models import Message

STATUS_TAGS: dict[str, str] = {
    Message.Status.SENT: "govuk-tag--green",
    Message.Status.QUEUED: "govuk-tag--yellow",
    Message.Status.SENDING: "govuk-tag--blue",
    Message.Status.FAILED: "govuk-tag--red",
}


def when(moment: Any) -> str:
    return date_format(localtime(moment), "j M Y H:i") if moment else ""


def status_words(message: Message) -> str:
    """The status, with why a message is still waiting or was not sent."""
    if message.status == Message.Status.SENT:
        return f"Sent {when(message.sent_at)}"
    if message.status == Message.Status.QUEUED and message.attempts:
        return (
            f"Not sent yet: {message.last_error}. Tried {message.attempts} "
            f"time{'s' if message.attempts != 1 else ''}; next try {when(message.next_attempt_at)}."
        )
    if message.status == Message.Status.QUEUED:
        return "Waiting for the background worker to send it."
    if message.status == Message.Status.FAILED:
        return f"Not sent: {message.last_error}"
    return "Being sent now."


class MessageTable(tables.Table):
    queued_at = tables.Column(verbose_name="Queued")
    to_address = tables.Column(verbose_name="To")
    subject = tables.Column(verbose_name="Message")
    status = tables.Column(verbose_name="Status")

    class Meta:
        model = Message
        fields = ("queued_at", "to_address", "subject", "status")
        order_by = ("-queued_at",)
        attrs = {"class": "govuk-table", "id": "messages"}
        empty_text = "Assure has sent no messages for this board yet."

    def __init__(self, *args: Any, board_slug: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.board_slug = board_slug

    def render_queued_at(self, record: Message) -> str:
        return when(record.queued_at)

    def render_to_address(self, record: Message) -> Any:
        name = record.to_user.get_full_name() if record.to_user else ""
        if name:
            return format_html(
                '{}<br><span class="govuk-body-s">{}</span>', name, record.to_address
            )
        return record.to_address

    def render_subject(self, record: Message) -> Any:
        url = reverse("outbox:message", kwargs={"board": self.board_slug, "message": record.pk})
        return format_html(
            '<a class="govuk-link" href="{}">{}</a><br><span class="govuk-body-s">{}: {}</span>',
            url,
            record.subject,
            record.get_reason_display(),
            record.about,
        )

    def render_status(self, record: Message) -> Any:
        return format_html(
            '<strong class="govuk-tag {}">{}</strong><br><span class="govuk-body-s">{}</span>',
            STATUS_TAGS.get(record.status, ""),
            record.get_status_display(),
            status_words(record),
        )
