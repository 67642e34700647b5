"""Who may do what with an action, beyond what the board's rules say.

An action lead may see an action they lead on a board they were given, and
nothing else: the update rounds build on this rule (a lead answers only for
the actions it lets them see).
"""

from __future__ import annotations

from typing import Any

import rules

from board.rules import board_ids, is_action_lead


@rules.predicate
def leads_action(user: Any, action: Any) -> bool:
    """The person is the action's lead in Assure, and still on its board."""
    return (
        action is not None
        and user.is_authenticated
        and user.is_active
        and action.lead_account_id == user.pk
        and action.plan.board_id in board_ids(user)
    )


rules.add_perm("priorities.lead_action", is_action_lead & leads_action)
