"""Creating people's accounts with a role and their boards."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction

from board.models import Board, BoardAccess
from core import roles


@transaction.atomic
def user_save(
    *,
    username: str,
    role: str,
    boards: list[Board],
    email: str = "",
    full_name: str = "",
    password: str | None = None,
) -> tuple[AbstractUser, str | None]:
    """Create or update an account with one role and the given boards.

    Returns the user and the new password when one was generated.
    """
    if role not in roles.ALL:
        raise ValidationError(f"{role!r} is not a role; choose one of: {', '.join(roles.ALL)}.")
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    first, _, last = full_name.partition(" ")
    user.first_name, user.last_name = first, last
    user.email = email
    user.is_staff = role == roles.ADMIN
    generated = None
    if created or password:
        generated = None if password else secrets.token_urlsafe(16)
        user.set_password(password or generated)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    _set_boards(user, boards)
    return user, generated


def _set_boards(user: AbstractUser, boards: list[Board]) -> None:
    """Give and take away boards one row at a time, so each change is in
    BoardAccess's history (a bulk set() would leave no record)."""
    wanted = {board.pk for board in boards}
    for access in BoardAccess.objects.filter(user_id=user.pk).exclude(board_id__in=wanted):
        access.delete()
    have = set(BoardAccess.objects.filter(user_id=user.pk).values_list("board_id", flat=True))
    for board_id in wanted - have:
        BoardAccess.objects.create(user_id=user.pk, board_id=board_id)
