from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "board"
    verbose_name = "Boards"

    def ready(self) -> None:
        # The board's own importers register themselves (board.importing).
        from board import attendance_import, seat_import  # noqa: F401
