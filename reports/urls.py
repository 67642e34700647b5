from django.urls import URLPattern, path

from reports.views import scorecard

app_name = "reports"

urlpatterns: list[URLPattern] = [
    path("scorecard/", scorecard.scorecard, name="scorecard"),
]
