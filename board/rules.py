"""Who may do what with a board's pages.

- Anyone signed in and given the board (Board.users) may see its home page;
  partners see only what is published there.
- Chairs and business managers of the board read all of its records.
- Business managers of the board change them.
- Admins read every board and manage users and fixtures in the Django admin.
"""

from __future__ import annotations

from typing import Any

import rules

from core import roles


def board_ids(user: Any) -> frozenset[int]:
    """The ids of the boards a user was given, read once per request."""
    cached = getattr(user, "_assure_board_ids", None)
    if cached is None:
        cached = (
            frozenset(user.boards.values_list("id", flat=True))
            if user.is_authenticated
            else frozenset()
        )
        user._assure_board_ids = cached
    return cached


def role_names(user: Any) -> frozenset[str]:
    cached = getattr(user, "_assure_roles", None)
    if cached is None:
        cached = (
            frozenset(user.groups.values_list("name", flat=True))
            if user.is_authenticated
            else frozenset()
        )
        user._assure_roles = cached
    return cached


@rules.predicate
def is_admin(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or roles.ADMIN in role_names(user)))


@rules.predicate
def is_business_manager(user: Any) -> bool:
    return roles.BUSINESS_MANAGER in role_names(user)


@rules.predicate
def is_chair(user: Any) -> bool:
    return roles.INDEPENDENT_CHAIR in role_names(user)


@rules.predicate
def is_partner(user: Any) -> bool:
    return roles.PARTNER in role_names(user)


@rules.predicate
def on_board(user: Any, board: Any) -> bool:
    return board is not None and board.pk in board_ids(user)


has_a_role = is_business_manager | is_chair | is_partner

can_see_board = (on_board & has_a_role) | is_admin
can_read_records = (on_board & (is_business_manager | is_chair)) | is_admin
can_edit_records = on_board & is_business_manager

rules.add_perm("board.see_board", can_see_board)
rules.add_perm("board.read_records", can_read_records)
rules.add_perm("board.edit_records", can_edit_records)
