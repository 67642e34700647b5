"""People's accounts: one role each, the boards they see, and who may manage whom."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

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
    invited: bool = False,
) -> tuple[AbstractUser, str | None]:
    """Create or update an account with one role and the given boards.

    Returns the user and the new password when one was generated. A new
    account made for an invitation (`invited`) gets no password and cannot
    sign in until its person accepts the invitation (people.services).
    """
    if not isinstance(role, str):
        raise ValidationError(user_role_problems(role_names=role) or ["Give one role, by name."])
    if role not in roles.ALL:
        raise ValidationError(f"{role!r} is not a role; choose one of: {', '.join(roles.ALL)}.")
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    first, _, last = full_name.partition(" ")
    user.first_name, user.last_name = first, last
    user.email = email
    user.is_staff = role == roles.ADMIN
    generated = None
    if created and invited:
        user.set_unusable_password()
        user.is_active = False
    elif created or password:
        generated = None if password else secrets.token_urlsafe(16)
        user.set_password(password or generated)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    _set_boards(user, boards)
    return user, generated


def user_role_problems(*, role_names: Collection[str], is_superuser: bool = False) -> list[str]:
    """Why these groups cannot be a person's roles, if they cannot.

    A person has exactly one of Assure's roles, since each role is what a
    person does for the board and the pages assume one; only a superuser, who
    may do everything, may have none. Names that are not roles are left to the
    caller (the admin offers an Admin the roles alone).
    """
    chosen = sorted(name for name in set(role_names) if name in roles.ALL)
    if len(chosen) > 1:
        return [
            "Choose one role only: a person has exactly one role "
            f"(you chose {', '.join(chosen[:-1])} and {chosen[-1]})."
        ]
    if not chosen and not is_superuser:
        return ["Choose a role: a person has exactly one role."]
    return []


def users_managed_by(actor: Any) -> QuerySet[Any]:
    """The accounts `actor` may change, deactivate, delete or set a password for.

    A superuser manages everyone. Anyone else manages only accounts whose
    rights they could have granted themselves: not a superuser, in no group but
    Assure's roles, and with no permission of their own that `actor` lacks.
    So an Admin can never take over an account that may do more than they may.
    """
    User = get_user_model()
    if actor.is_superuser:
        return User.objects.all()
    actors_permissions = Permission.objects.filter(Q(group__user=actor) | Q(user=actor))
    return (
        User.objects.exclude(is_superuser=True)
        .exclude(groups__in=Group.objects.exclude(name__in=roles.ALL))
        .exclude(user_permissions__in=Permission.objects.exclude(pk__in=actors_permissions))
    )


def user_may_manage(*, actor: Any, user: Any) -> bool:
    """Whether `actor` may change, deactivate, delete or set a password for `user`."""
    return actor.is_superuser or users_managed_by(actor).filter(pk=user.pk).exists()


def _set_boards(user: AbstractUser, boards: list[Board]) -> None:
    """Give and take away boards one row at a time, so each change is in
    BoardAccess's history (a bulk set() would leave no record)."""
    wanted = {board.pk for board in boards}
    for access in BoardAccess.objects.filter(user_id=user.pk).exclude(board_id__in=wanted):
        access.delete()
    have = set(BoardAccess.objects.filter(user_id=user.pk).values_list("board_id", flat=True))
    for board_id in wanted - have:
        BoardAccess.objects.create(user_id=user.pk, board_id=board_id)


@transaction.atomic
def board_access_give(*, user: Any, board: Board) -> bool:
    """Let `user` see `board` (one row, so the change is in history); False
    when they already could."""
    if BoardAccess.objects.filter(user_id=user.pk, board_id=board.pk).exists():
        return False
    BoardAccess.objects.create(user_id=user.pk, board_id=board.pk)
    return True


def board_access_problems(*, actor: Any, user: Any, board: Board, giving: bool) -> list[str]:
    """Why `actor` may not give (or take away) `user`'s access to `board`.

    Only accounts the actor manages (users_managed_by: never a superuser,
    never an account with rights beyond Assure's roles) are given or lose a
    board this way, so an Admin cannot widen or narrow what a superuser sees.
    An account with no role could see nothing, so it is given no board."""
    name = user.get_full_name() or user.get_username()
    if not user_may_manage(actor=actor, user=user):
        return [f"You cannot change {name}'s access: their account has rights beyond your own."]
    has = BoardAccess.objects.filter(user_id=user.pk, board_id=board.pk).exists()
    if giving:
        if has:
            return [f"{name} can already see {board.name}."]
        if not user.groups.filter(name__in=roles.ALL).exists():
            return [f"{name} has no role yet: give them one before giving them a board."]
    elif not has:
        return [f"{name} cannot see {board.name}, so there is nothing to take away."]
    return []


@transaction.atomic
def board_access_add(*, actor: Any, user: Any, board: Board) -> BoardAccess:
    """`actor` (an Admin) lets `user` see `board`, in the role their account
    holds; the access and who gave it are in its history."""
    problems = board_access_problems(actor=actor, user=user, board=board, giving=True)
    if problems:
        raise ValidationError(problems)
    return BoardAccess.objects.create(user_id=user.pk, board_id=board.pk)


@transaction.atomic
def board_access_remove(*, actor: Any, user: Any, board: Board) -> None:
    """`actor` (an Admin) takes `board` away from `user`; the deletion and
    who made it are in the access's history."""
    problems = board_access_problems(actor=actor, user=user, board=board, giving=False)
    if problems:
        raise ValidationError(problems)
    for access in BoardAccess.objects.filter(user_id=user.pk, board_id=board.pk):
        access.delete()
