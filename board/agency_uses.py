"""What a board still uses an agency for: the records that keep it on the
board's list of partner agencies (docs/adr/0021).

A board uses an agency while a record of the current reporting year or a
later one names it: a seat held on any day from the year's first, a
contribution, an audit, a course, a recommendation. Records of past years
keep naming an agency taken off the list; they are history, and the forms
that edit them still offer it.

The board's own records (seats, contributions) are read here. Other apps'
(audits, case reviews, training) answer through a `board_agency_uses`
method on their AppConfig, as `fixtures_loaded` does, so board imports none
of them. One query a kind of record, whatever the board's size.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q
from django.urls import reverse

from board import terms
from board.models import Agency, Board, Contribution, Member, ReportingYear

#: How many records of each kind a refusal names; more are counted.
NAMED = 5


@dataclass(frozen=True)
class AgencyUse:
    """One record that names the agency: its kind ("seat"), how people know
    it, and its page when there is one."""

    kind: str
    name: str
    url: str | None = None

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


def _seats(*, board: Board, agency: Agency, year: ReportingYear) -> list[AgencyUse]:
    seats = (
        terms.with_term(Member.objects.filter(board=board, agency=agency))
        .filter(Q(known_until__isnull=True) | Q(known_until__gte=year.start))
        .order_by("position", "pk")
    )
    return [
        AgencyUse(
            "seat",
            f"{seat.position}{f' ({seat.person})' if seat.person else ''}",
            reverse("board:member_edit", kwargs={"board": board.slug, "member": seat.pk}),
        )
        for seat in seats[: NAMED + 1]
    ]


def _contributions(*, board: Board, agency: Agency, year: ReportingYear) -> list[AgencyUse]:
    found = (
        Contribution.objects.filter(board=board, agency=agency, year__start__gte=year.start)
        .select_related("year")
        .order_by("year__start", "label")
    )
    return [
        AgencyUse(
            "contribution",
            f"“{money.label}” {money.year}",
            reverse(
                "board:contribution_edit", kwargs={"board": board.slug, "contribution": money.pk}
            ),
        )
        for money in found[: NAMED + 1]
    ]


def agency_uses(*, board: Board, agency: Agency, year: ReportingYear) -> list[AgencyUse]:
    """The records of `year` or later that name `agency` on `board`, the
    board's own first and then each app's; of each kind the first NAMED
    and, when there are more, one more (the caller says "and others")."""
    found = _seats(board=board, agency=agency, year=year)
    found += _contributions(board=board, agency=agency, year=year)
    for config in apps.get_app_configs():
        uses = getattr(config, "board_agency_uses", None)
        if uses is not None:
            found += uses(board=board, agency=agency, year=year)[: NAMED + 1]
    return found


def by_kind(uses: list[AgencyUse]) -> list[tuple[str, list[AgencyUse], bool]]:
    """The records kind by kind, in the order found: each kind's first NAMED
    and whether there are more."""
    kinds: dict[str, list[AgencyUse]] = {}
    for use in uses:
        kinds.setdefault(use.kind, []).append(use)
    return [(kind, found[:NAMED], len(found) > NAMED) for kind, found in kinds.items()]


def uses_text(uses: list[AgencyUse]) -> str:
    """The records as one sentence's list: at most NAMED of a kind, then
    "and more" of that kind."""
    parts: list[str] = []
    for kind, shown, more in by_kind(uses):
        parts += [str(use) for use in shown]
        if more:
            parts.append(f"and more {kind}s")
    return "; ".join(parts)
