from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def board_agency_uses(self, *, board: Any, agency: Any, year: Any) -> list[Any]:
        """The board's courses of this year on that count the agency's
        delegates, so it stays on the board's list (board.agency_uses)."""
        from training.selectors import courses_counting_agency

        return courses_counting_agency(board=board, agency=agency, year=year)
