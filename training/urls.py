from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("training/", views.training, name="training"),
    path("training/export.<str:fmt>", views.training_export, name="export"),
    path("training/stated/", views.stated_figure_record, name="stated_figure_record"),
    path("training/record/", views.figures_record, name="figures_record"),
    path("training/impact/", views.impact_record, name="impact_record"),
    path("training/import/", views.training_import, name="import"),
    path("training/import/confirm/", views.training_import_confirm, name="import_confirm"),
    path("training/figures.<str:fmt>", views.training_import_layout, name="import_layout"),
]
