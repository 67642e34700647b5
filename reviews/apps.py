from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Case reviews"

    def board_agency_uses(self, *, board: Any, agency: Any, year: Any) -> list[Any]:
        """The board's recommendations that still name the agency, so it
        stays on the board's list (board.agency_uses)."""
        from reviews.selectors import recommendations_naming_agency

        return recommendations_naming_agency(board=board, agency=agency, year=year)
