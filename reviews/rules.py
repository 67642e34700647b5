"""Who may see the record of who read a board's case reviews: the board's
business manager and the Admin. A chair reads the reviews but not who else
read them (403); a partner, or anyone else the board's pages do not exist
for, gets 404 from board.access.get_board_or_404 before this is asked. The
rule names the roles that may, so any other role (an action lead) may not."""

from __future__ import annotations

import rules

from board.rules import is_admin, is_business_manager, on_board

can_see_read_records = (on_board & is_business_manager) | is_admin

rules.add_perm("reviews.see_read_records", can_see_read_records)
