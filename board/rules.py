"""Who may do what with a board's pages.

- Anyone signed in and given the board (Board.users) may see its home page;
  partners see only what is published there.
- Chairs and business managers of the board read all of its records.
- Business managers of the board change them.
- Admins read every board and manage users and fixtures in the Django admin.
- Action leads see none of the board's pages: only the actions they lead,
  on pages of their own (priorities.lead_views), so every other board page
  answers them 404.
- Business managers invite action leads and partners to their boards;
  Admins invite anyone to any board (people.rules says whom).
"""

from __future__ import annotations

from typing import Any

import rules

from core import roles


def _once(user: Any, attribute: str, relation: str, column: str) -> frozenset[Any]:
    """A set read from one of the user's relations once per request and kept
    on the user object, since every permission check on a page needs it."""
    cached = getattr(user, attribute, None)
    if cached is None:
        values = (
            getattr(user, relation).values_list(column, flat=True) if user.is_authenticated else ()
        )
        cached = frozenset(values)
        setattr(user, attribute, cached)
    return cached


def board_ids(user: Any) -> frozenset[int]:
    """The ids of the boards a user was given."""
    return _once(user, "_assure_board_ids", "boards", "id")


def role_names(user: Any) -> frozenset[str]:
    return _once(user, "_assure_roles", "groups", "name")


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
def is_action_lead(user: Any) -> bool:
    return roles.ACTION_LEAD in role_names(user)


@rules.predicate
def on_board(user: Any, board: Any) -> bool:
    return board is not None and board.pk in board_ids(user)


has_a_role = is_business_manager | is_chair | is_partner

can_see_board = (on_board & has_a_role) | is_admin
can_read_records = (on_board & (is_business_manager | is_chair)) | is_admin
can_edit_records = on_board & is_business_manager
can_lead_actions = on_board & is_action_lead
can_invite_people = (on_board & is_business_manager) | is_admin

rules.add_perm("board.see_board", can_see_board)
rules.add_perm("board.read_records", can_read_records)
rules.add_perm("board.edit_records", can_edit_records)
rules.add_perm("board.lead_actions", can_lead_actions)
rules.add_perm("board.invite_people", can_invite_people)
# Adding boards, changing their details and who may see them: the Admin's.
rules.add_perm("board.manage_boards", is_admin)
