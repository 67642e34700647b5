from django.urls import path

from board import views

app_name = "board"

urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.members, name="members"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting>/attendance/", views.attendance, name="attendance"),
    path("budget/", views.budget, name="budget"),
    path("risks/", views.risks, name="risks"),
    path("risks/new/", views.risk_edit, name="risk_create"),
    path("risks/<str:ref>/", views.risk_detail, name="risk"),
    path("risks/<str:ref>/edit/", views.risk_edit, name="risk_edit"),
]
