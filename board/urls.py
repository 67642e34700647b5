from django.urls import path

from board import key_views, setup_views, views

app_name = "board"

urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.members, name="members"),
    path("members/seats/", views.member_list, name="member_list"),
    path("members/new/", views.member_edit, name="member_create"),
    path("members/<int:member>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:member>/end/", views.member_end, name="member_end"),
    path("members/<int:member>/successor/", views.member_succeed, name="member_succeed"),
    path("settings/", setup_views.board_edit, name="board_edit"),
    path("access/", setup_views.board_access, name="access"),
    path("access/<int:user>/remove/", setup_views.board_access_remove, name="access_remove"),
    path("agencies/", setup_views.agency_list, name="agency_list"),
    path("agencies/new/", setup_views.agency_edit, name="agency_create"),
    path("agencies/<slug:agency>/edit/", setup_views.agency_edit, name="agency_edit"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_edit, name="group_create"),
    path("groups/<slug:group>/edit/", views.group_edit, name="group_edit"),
    path("groups/<slug:group>/main/", views.group_main, name="group_main"),
    path("years/", views.year_list, name="year_list"),
    path("years/new/", views.year_create, name="year_create"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting>/attendance/", views.attendance, name="attendance"),
    path("meetings/attendance.<str:fmt>", views.attendance_export, name="attendance_export"),
    path("attendance-key/", key_views.attendance_key, name="attendance_key"),
    path("attendance-key/new/", key_views.attendance_mark_edit, name="attendance_mark_create"),
    path(
        "attendance-key/<slug:key>/edit/",
        key_views.attendance_mark_edit,
        name="attendance_mark_edit",
    ),
    path(
        "attendance-key/<slug:key>/retire/",
        key_views.attendance_mark_retire,
        name="attendance_mark_retire",
    ),
    path(
        "attendance-key/<slug:key>/delete/",
        key_views.attendance_mark_delete,
        name="attendance_mark_delete",
    ),
    path(
        "attendance-key/<slug:key>/move/",
        key_views.attendance_mark_move,
        name="attendance_mark_move",
    ),
    path("budget/", views.budget, name="budget"),
    path("budget/contributions/", views.contribution_list, name="contribution_list"),
    path("budget/contributions/new/", views.contribution_edit, name="contribution_create"),
    path(
        "budget/contributions/<int:contribution>/edit/",
        views.contribution_edit,
        name="contribution_edit",
    ),
    path(
        "budget/contributions/<int:contribution>/remove/",
        views.contribution_remove,
        name="contribution_remove",
    ),
    path("budget/<str:year>/total/", views.published_total_edit, name="published_total"),
    path("logo/", views.logo_edit, name="logo"),
    path("logo/remove/", views.logo_remove, name="logo_remove"),
    path("logo.png", views.logo_image, name="logo_image"),
    path("risks/", views.risks, name="risks"),
    path("risks/new/", views.risk_edit, name="risk_create"),
    path("risks/<str:ref>/", views.risk_detail, name="risk"),
    path("risks/<str:ref>/edit/", views.risk_edit, name="risk_edit"),
]
