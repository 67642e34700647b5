from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits and inspections"

    def board_agency_uses(self, *, board: Any, agency: Any, year: Any) -> list[Any]:
        """The board's audits and Section 11 returns that still use the
        agency, so it stays on the board's list (board.agency_uses)."""
        from audits.selectors import audits_using_agency

        return audits_using_agency(board=board, agency=agency, year=year)
