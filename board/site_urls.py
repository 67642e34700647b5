"""Pages outside any one board: the list of a person's boards and the switcher."""

from django.urls import path

from board import setup_views, views

app_name = "site"

urlpatterns = [
    path("", views.site_home, name="home"),
    path("boards/new/", setup_views.board_create, name="board_create"),
    path("switch-board/", views.switch_board, name="switch_board"),
]
