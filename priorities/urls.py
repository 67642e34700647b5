from django.urls import path

from priorities import indicator_views, lead_views, views

app_name = "priorities"

urlpatterns = [
    path("plans/", views.plans, name="plans"),
    path("actions/", views.actions, name="actions"),
    path("plans/<slug:plan>/", views.plan, name="plan"),
    path("plans/<slug:plan>/export.<str:fmt>", views.plan_export, name="plan_export"),
    path("plans/<slug:plan>/import/", views.plan_import, name="plan_import"),
    path(
        "plans/<slug:plan>/import/confirm/", views.plan_import_confirm, name="plan_import_confirm"
    ),
    path("plans/<slug:plan>/new-action/", views.action_create, name="action_create"),
    path("plans/<slug:plan>/actions/<str:ref>/", views.action, name="action"),
    path("plans/<slug:plan>/actions/<str:ref>/edit/", views.action_edit, name="action_edit"),
    path("plans/<slug:plan>/actions/<str:ref>/assess/", views.assess, name="assess"),
    path("my-actions/", lead_views.lead_home, name="lead_home"),
    path("my-actions/<slug:plan>/<str:ref>/", lead_views.lead_action, name="lead_action"),
    path("indicators/import/", indicator_views.statistics_import, name="statistics_import"),
    path(
        "indicators/import/confirm/",
        indicator_views.statistics_import_confirm,
        name="statistics_import_confirm",
    ),
    path("indicators/neighbours/", indicator_views.neighbours, name="neighbours"),
    path("indicators/<slug:indicator>/", indicator_views.indicator, name="indicator"),
    path(
        "indicators/<slug:indicator>/export.<str:fmt>",
        indicator_views.indicator_export,
        name="indicator_export",
    ),
    path("indicators/<slug:indicator>/values/new/", indicator_views.value_add, name="value_add"),
    path(
        "indicators/<slug:indicator>/values/<int:value>/edit/",
        indicator_views.value_edit,
        name="value_edit",
    ),
]
