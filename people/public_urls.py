"""The pages an invitation's link opens, before the person has an account."""

from django.urls import path

from people import accept_views

app_name = "invitations"

urlpatterns = [
    path("invitations/<str:token>/", accept_views.accept, name="accept"),
    path(
        "invitations/<str:token>/authenticator/",
        accept_views.authenticator,
        name="authenticator",
    ),
]
