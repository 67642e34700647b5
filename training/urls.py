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
    path("training/import/columns/", views.training_import_columns, name="import_columns"),
    path("training/import/confirm/", views.training_import_confirm, name="import_confirm"),
    path("training/courses/", views.courses, name="courses"),
    path("training/courses.<str:fmt>", views.courses_export, name="courses_export"),
    path("training/courses/add/", views.course_edit, name="course_create"),
    path("training/courses/<int:course>/", views.course_edit, name="course_edit"),
    path("training/courses/<int:course>/remove/", views.course_remove, name="course_remove"),
    path("training/figures.<str:fmt>", views.training_import_layout, name="import_layout"),
]
