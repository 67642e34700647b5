"""Who may invite whom.

An Admin invites any of Assure's roles to any board (an Admin manages every
board). A business manager invites action leads and partners to their own
boards, and never an Admin, a business manager, a chair or a superuser. An
invitation is managed (sent again, cancelled) by whoever could have sent it,
and only for an account they may manage (board.accounts.users_managed_by), so
nobody takes over an account with more rights than their own.
"""

from __future__ import annotations

from typing import Any

from board.accounts import user_may_manage
from board.rules import is_admin
from core import roles


def roles_invitable(*, actor: Any, board: Any) -> tuple[str, ...]:
    if not actor.is_authenticated or not actor.is_active:
        return ()
    if is_admin(actor):
        return roles.ALL
    if actor.has_perm("board.edit_records", board):
        return roles.INVITED_BY_BUSINESS_MANAGERS
    return ()


def may_invite(*, actor: Any, board: Any, role: str) -> bool:
    return role in roles_invitable(actor=actor, board=board)


def may_manage_invitation(*, actor: Any, invitation: Any) -> bool:
    return may_invite(actor=actor, board=invitation.board, role=invitation.role) and (
        user_may_manage(actor=actor, user=invitation.user)
    )
