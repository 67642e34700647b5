from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/invitations/<int:invitation>/", views.invitation, name="invitation"),
    path(
        "people/invitations/<int:invitation>/send-again/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "people/invitations/<int:invitation>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
]
