"""The chair's dashboard: one page per board to prepare a board meeting from."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from board.access import get_board_or_404, render_board
from core.forms import DateInput, GovukFormMixin
from core.page_cache import cached_page
from priorities.rounds.selectors import dashboard_round
from reports.dashboard import dashboard as read_dashboard

READ = "board.read_records"
SECTION = "reports:dashboard"
#: The earliest date the chair may ask about; Assure keeps nothing older.
EARLIEST = datetime.date(2000, 1, 1)


class SinceForm(GovukFormMixin, forms.Form):
    """The day to show changes from, instead of the last board meeting:
    today or any day before it."""

    since = forms.DateField(
        label="Show changes from",
        widget=DateInput(),
        help_text="Changes dated on or after this day. For example, 1 11 2026",
    )

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_since(self) -> datetime.date:
        since: datetime.date = self.cleaned_data["since"]
        if since > self.today:
            raise forms.ValidationError(
                "Show changes from must be today or in the past.", code="future"
            )
        if since < EARLIEST:
            raise forms.ValidationError(
                f"Show changes from must be {EARLIEST:%-d %B %Y} or later.", code="too_early"
            )
        return since


def _asked(request: HttpRequest) -> bool:
    """Whether the chair asked for a date (any part of it)."""
    return any(
        request.GET.get(key, "").strip()
        for key in ("since", "since_day", "since_month", "since_year")
    )


@login_required
@require_GET
@cached_page
def dashboard(request: HttpRequest, board: str) -> HttpResponse:
    # Partners see only what is published: for them this page does not exist.
    obj = get_board_or_404(request, board, READ)
    today = timezone.localdate()
    form = SinceForm(request.GET if _asked(request) else None, today=today)
    chosen = form.cleaned_data["since"] if form.is_valid() else None
    refused = form.is_bound and not form.is_valid()
    context = {
        "dashboard": read_dashboard(board=obj, today=today, chosen=chosen, refused=refused),
        "form": form,
        "round_overview": dashboard_round(board=obj),
    }
    return render_board(
        request, "reports/dashboard.html", obj, SECTION, context, 400 if refused else 200
    )
