from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.register, name="register"),
    path("reviews/new/", views.review_edit, name="review_create"),
    path("reviews/record/", views.record, name="record"),
    path("reviews/record/export.<str:fmt>", views.record_export, name="record_export"),
    path("reviews/read-records/", views.read_records, name="read_records"),
    path("reviews/read-records/retention/", views.read_retention, name="read_retention"),
    path("reviews/<slug:review>/", views.review, name="review"),
    path("reviews/<slug:review>/edit/", views.review_edit, name="review_edit"),
    path("reviews/<slug:review>/read-records/", views.read_records, name="review_read_records"),
    path("reviews/<slug:review>/steps/<slug:step>/", views.step_edit, name="step"),
    path("reviews/<slug:review>/publication/", views.publication, name="publication"),
    path(
        "reviews/<slug:review>/recommendations/new/",
        views.recommendation_create,
        name="recommendation_create",
    ),
    path(
        "reviews/<slug:review>/recommendations/<int:number>/new-action/",
        views.recommendation_action,
        name="recommendation_action",
    ),
]
