from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Assure"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the system checks)
        from core.lookups import register_lookups

        register_lookups()
