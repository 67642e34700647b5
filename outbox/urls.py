from django.urls import path

from outbox import views

app_name = "outbox"

urlpatterns = [
    path("messages/", views.message_list, name="messages"),
    path("messages/<int:message>/", views.message, name="message"),
    path("messages/<int:message>/try-again/", views.message_retry, name="message_retry"),
]
