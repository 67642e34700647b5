from django.urls import URLPattern, path

from reports.views import dashboard, scorecard

app_name = "reports"

urlpatterns: list[URLPattern] = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("scorecard/", scorecard.scorecard, name="scorecard"),
]
