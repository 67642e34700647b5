from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    name = "priorities"
    verbose_name = "Action plans"

    def ready(self) -> None:
        # The action tracker importer registers itself with board.importing.
        from priorities import tracker_import  # noqa: F401
