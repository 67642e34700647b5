"""Who read which case review: the two writes (record a read, prune what the
board no longer keeps), the reads the record's pages make, and the one
helper every page and download that shows a review calls.

Read records are kept apart from the change history (they record reads, not
changes) and are never edited: ReadRecord refuses a change or a delete, and
these two services are the only writes. docs/adr/0003-read-records.md says
which reads count and why.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from board.models import Board
from board.rules import role_names
from reviews.clock import add_months
from reviews.models import CaseReview, ReadRecord

Kind = ReadRecord.Kind
What = ReadRecord.What


def _who(user: Any) -> dict[str, str]:
    """The person as the record keeps them, whatever their role: their
    account, their name and their role as they are at the moment of reading."""
    username = user.get_username()
    names = sorted(role_names(user))
    role = ", ".join(names) or ("Superuser" if user.is_superuser else "No role")
    return {
        "username": username,
        "person": (user.get_full_name() or "").strip() or username,
        "role": role,
    }


# --- the writes -----------------------------------------------------------------------


def read_record_add(
    *,
    user: Any,
    reviews: Iterable[CaseReview],
    what: str,
    kind: str,
    detail: str = "",
    path: str = "",
) -> list[ReadRecord]:
    """Record that `user` read each of `reviews` (each once, however often a
    list names it) through `what`, in one insert whatever their number.
    Nobody signed in is nobody to name, so a read without an account records
    nothing; a published report read by the public is public. The one
    INSERT is its own transaction (bulk_create makes it one), so no
    savepoint is added to the page's queries."""
    if what not in What.values or kind not in Kind.values:
        raise ValueError(f"Not a kind of read Assure records: {what!r}, {kind!r}.")
    if not getattr(user, "is_authenticated", False):
        return []
    unique = list({review.pk: review for review in reviews if review.pk is not None}.values())
    if not unique:
        return []
    who = _who(user)
    now = timezone.now()
    return ReadRecord.objects.bulk_create(
        [
            ReadRecord(
                board_id=review.board_id,
                review=review,
                review_name=review.name[:100],
                user=user,
                at=now,
                kind=kind,
                what=what,
                detail=detail[:200],
                path=path[:500],
                **who,
            )
            for review in unique
        ]
    )


@dataclass(frozen=True)
class Pruned:
    """What pruning removed from one board, or would remove (a dry run)."""

    board: Board
    months: int
    kept_from: datetime.date  # records made before this day were removed
    count: int


def kept_from(*, board: Board, today: datetime.date) -> datetime.date:
    """The first day whose read records the board still keeps on `today`: a
    read is kept for the board's period, counted in calendar months, to the
    day (on 7 December 2026, with 24 months, a read of 7 December 2024 is
    kept and one of the day before is not)."""
    return add_months(today, -board.read_records_kept_months)


@transaction.atomic
def read_records_prune(*, today: datetime.date, dry_run: bool = False) -> list[Pruned]:
    """Remove every board's read records older than its retention period,
    one delete per board; with `dry_run`, count them and remove nothing.
    Safe to run again on the same day: a second run finds nothing."""
    pruned = []
    for board in Board.objects.order_by("name"):
        first_day = kept_from(board=board, today=today)
        start = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))
        old = ReadRecord.objects.filter(board=board, at__lt=start)
        count = old.count() if dry_run else old.prune()
        pruned.append(Pruned(board, board.read_records_kept_months, first_day, count))
    return pruned


# --- the reads ------------------------------------------------------------------------


def read_records(*, board: Board, review: CaseReview | None = None) -> QuerySet[ReadRecord]:
    """The board's read records, or one review's, newest first; one query
    a page (the review's index, or the board's, serves it)."""
    records = ReadRecord.objects.filter(board=board)
    if review is not None:
        records = records.filter(review=review)
    return records.order_by("-at", "-id")


def readers(*, board: Board, review: CaseReview | None = None) -> list[tuple[str, str]]:
    """Everyone in the record, as (account, "name (account)") choices by
    name, in one query: a person removed since is still there by the name
    the record kept."""
    rows = (
        read_records(board=board, review=review)
        .order_by()
        .values_list("username", "person")
        .distinct()
    )
    names: dict[str, str] = {}
    for username, person in rows:
        names.setdefault(username, person)
    return sorted(
        ((u, f"{p} ({u})" if p != u else u) for u, p in names.items()),
        key=lambda choice: (choice[1].casefold(), choice[0]),
    )


# --- recording from a page --------------------------------------------------------------


def record_reads[Response: HttpResponseBase](
    request: HttpRequest,
    response: Response,
    *,
    reviews: Iterable[CaseReview],
    what: str,
    detail: str = "",
) -> Response:
    """Record the reads a response gives, then hand it back.

    Only a successful GET reads anything: a refusal (404, 403), a form sent
    back with its errors or a redirect records nothing. A response sent as
    an attachment is a download, anything else a view.
    """
    if request.method == "GET" and 200 <= response.status_code < 300:
        attachment = response.get("Content-Disposition", "").startswith("attachment")
        read_record_add(
            user=request.user,
            reviews=reviews,
            what=what,
            kind=Kind.DOWNLOAD if attachment else Kind.VIEW,
            detail=detail,
            path=request.get_full_path(),
        )
    return response
