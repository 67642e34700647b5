from django.urls import path

from indicators import target_views, views

app_name = "indicators"

urlpatterns = [
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/new/", views.indicator_edit, name="indicator_create"),
    path(
        "plans/<slug:plan>/priorities/<int:number>/indicators/",
        views.priority_indicators,
        name="priority_indicators",
    ),
    path("indicators/import/", views.statistics_import, name="statistics_import"),
    path(
        "indicators/import/confirm/",
        views.statistics_import_confirm,
        name="statistics_import_confirm",
    ),
    path(
        "indicators/import/<int:job>/",
        views.statistics_import_status,
        name="statistics_import_status",
    ),
    path("indicators/neighbours/", views.neighbours, name="neighbours"),
    path("indicators/<slug:indicator>/", views.indicator, name="indicator"),
    path("indicators/<slug:indicator>/edit/", views.indicator_edit, name="indicator_edit"),
    path(
        "indicators/<slug:indicator>/export.<str:fmt>",
        views.indicator_export,
        name="indicator_export",
    ),
    path("indicators/<slug:indicator>/values/new/", views.value_add, name="value_add"),
    path("indicators/<slug:indicator>/targets/new/", target_views.target_add, name="target_add"),
    path(
        "indicators/<slug:indicator>/targets/<str:year>/edit/",
        target_views.target_edit,
        name="target_edit",
    ),
    path(
        "indicators/<slug:indicator>/targets/<str:year>/remove/",
        target_views.target_remove,
        name="target_remove",
    ),
    path(
        "indicators/<slug:indicator>/values/<int:value>/edit/",
        views.value_edit,
        name="value_edit",
    ),
]
