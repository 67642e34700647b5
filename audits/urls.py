from django.urls import path

from audits import views

app_name = "audits"

urlpatterns = [
    path("audits/", views.audits, name="audits"),
    path("audits/add/", views.audit_edit, name="audit_create"),
    path("audits/<slug:audit>/", views.audit_detail, name="audit"),
    path("audits/<slug:audit>/edit/", views.audit_edit, name="audit_edit"),
    path("audits/<slug:audit>/findings/add/", views.finding_add, name="finding_add"),
    path(
        "audits/<slug:audit>/findings/<int:position>/action/",
        views.finding_action,
        name="finding_action",
    ),
    path("section-11/", views.rounds, name="rounds"),
    path("section-11/<slug:round>/", views.round_detail, name="round"),
    path("section-11/<slug:round>/record/", views.return_record, name="return_record"),
    path("section-11/<slug:round>/returns/<slug:agency>/", views.return_detail, name="return"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/<slug:inspection>/", views.inspection_detail, name="inspection"),
]
