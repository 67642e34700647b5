"""Creating people's accounts with a role and their boards."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction

from board.models import Board
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
    user.boards.set(boards)
    return user, generated
