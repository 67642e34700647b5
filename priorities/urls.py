from django.urls import path

from priorities import lead_views, setup_views, views
from priorities.rounds import views as round_views

app_name = "priorities"

urlpatterns = [
    path("plans/", views.plans, name="plans"),
    path("actions/", views.actions, name="actions"),
    path("plans/new/", setup_views.plan_create, name="plan_create"),
    path("plans/<slug:plan>/", views.plan, name="plan"),
    path("plans/<slug:plan>/edit/", setup_views.plan_edit, name="plan_edit"),
    path("plans/<slug:plan>/priorities/new/", setup_views.priority_edit, name="priority_create"),
    path("plans/<slug:plan>/priorities/<int:number>/", setup_views.priority, name="priority"),
    path(
        "plans/<slug:plan>/priorities/<int:number>/edit/",
        setup_views.priority_edit,
        name="priority_edit",
    ),
    path(
        "plans/<slug:plan>/priorities/<int:number>/move/",
        setup_views.priority_move,
        name="priority_move",
    ),
    path("plans/<slug:plan>/export.<str:fmt>", views.plan_export, name="plan_export"),
    path("plans/<slug:plan>/close/", views.plan_close, name="plan_close"),
    path("plans/<slug:plan>/reopen/", views.plan_reopen, name="plan_reopen"),
    path("plans/<slug:plan>/extend/", views.plan_extend, name="plan_extend"),
    path("plans/<slug:plan>/period/", views.plan_period, name="plan_period"),
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
    # Update rounds: the manager's and chair's pages, the lead's, the evidence files.
    path("rounds/", round_views.rounds, name="rounds"),
    path("rounds/new/", round_views.round_open, name="round_open"),
    path("rounds/<int:round>/", round_views.round_detail, name="round"),
    path("rounds/<int:round>/accept-all/", round_views.round_accept_all, name="round_accept_all"),
    path("rounds/<int:round>/close/", round_views.round_close, name="round_close"),
    path(
        "rounds/<int:round>/proposals/<int:proposal>/",
        round_views.proposal_review,
        name="proposal",
    ),
    path(
        "rounds/<int:round>/proposals/<int:proposal>/accept/",
        round_views.proposal_accept,
        name="proposal_accept",
    ),
    path(
        "rounds/<int:round>/proposals/<int:proposal>/return/",
        round_views.proposal_return,
        name="proposal_return",
    ),
    path("evidence/<int:file>/", round_views.evidence_file, name="evidence_file"),
    path("my-updates/<int:round>/", round_views.lead_request, name="lead_request"),
    path(
        "my-updates/<int:round>/<slug:plan>/<str:ref>/",
        round_views.lead_proposal,
        name="lead_proposal",
    ),
]
