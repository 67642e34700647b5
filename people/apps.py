from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People and invitations"

    def ready(self) -> None:
        from outbox import links
        from people.tokens import invitation_link

        links.register("invitation", invitation_link)
