from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Assure"

    def ready(self) -> None:
        from core import (
            checks,  # noqa: F401  (registers the system checks)
            data_version,
        )
        from core.lookups import register_lookups

        register_lookups()
        pre_migrate.connect(
            data_version.pause_before_migrate, sender=self, dispatch_uid="assure-data-version-pause"
        )
        post_migrate.connect(
            data_version.install_after_migrate,
            sender=self,
            dispatch_uid="assure-data-version-triggers",
        )
