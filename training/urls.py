from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("training/", views.training, name="training"),
    path("training/export.<str:fmt>", views.training_export, name="export"),
    path("training/stated/", views.stated_figure_record, name="stated_figure_record"),
    path("training/record/", views.figures_record, name="figures_record"),
]
