"""Every write to board data: keyword-only, typed, one transaction each."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from board.models import Attendance, Board, Group, Meeting, Member, Risk


@transaction.atomic
def meeting_create(*, group: Group, date: Any, location: str = "", notes: str = "") -> Meeting:
    meeting = Meeting(group=group, date=date, location=location, notes=notes)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def attendance_record(*, meeting: Meeting, marks: dict[Member, str]) -> list[Attendance]:
    """Record a whole meeting's attendance at once: one status per seat.

    Every mark is validated before any is saved; unchanged marks are left
    alone so the history shows only real changes.
    """
    existing = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    boards = set(meeting.group.boards.values_list("id", flat=True))
    to_save = []
    for member, status in marks.items():
        if member.board_id not in boards:
            raise ValidationError(f"{member} is not on a board that {meeting.group} serves.")
        if status not in Attendance.Status.values:
            raise ValidationError(f"{status!r} is not an attendance status.")
        mark = existing.get(member.pk) or Attendance(meeting=meeting, member=member)
        if mark.pk and mark.status == status:
            continue
        mark.status = status
        to_save.append(mark)
    for mark in to_save:
        mark.save()
    return to_save


@transaction.atomic
def risk_save(*, risk: Risk, board: Board) -> Risk:
    risk.board = board
    risk.full_clean()
    risk.save()
    return risk
