from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("switch-board/", views.switch_board, name="switch_board"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
