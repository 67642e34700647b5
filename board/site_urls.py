"""Pages outside any one board: the list of a person's boards and the switcher."""

from django.urls import path

from board import views

app_name = "site"

urlpatterns = [
    path("", views.site_home, name="home"),
    path("switch-board/", views.switch_board, name="switch_board"),
]
