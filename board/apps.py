from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "board"
    verbose_name = "Boards"

    def ready(self) -> None:
        # The board's own importers register themselves (board.importing).
        from board import attendance_import, seat_import  # noqa: F401

    def fixtures_loaded(self) -> None:
        """Fixtures write seats and contributions without the services: put
        the agencies they name on their boards' lists (core.fixtures)."""
        from board.services import board_agencies_fill

        board_agencies_fill()
