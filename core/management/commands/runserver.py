"""Django's runserver, refusing to start without a SECRET_KEY when DEBUG is
off, as the WSGI and ASGI entry points do."""

from typing import Any

from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand

from core.startup import refuse_to_serve_without_a_secret_key


class Command(RunserverCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        refuse_to_serve_without_a_secret_key()
        super().handle(*args, **options)
