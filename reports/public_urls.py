"""The public pages: a board's published reports and scorecards for anyone,
without signing in, when the board has turned its public page on. These
addresses are stable; a version's files never change at theirs."""

from django.urls import URLPattern, path

from reports.views import public

app_name = "public"

urlpatterns: list[URLPattern] = [
    path("<slug:board>/", public.public_board, name="board"),
    path(
        "<slug:board>/annual-reports/<str:year>/v<int:version>/<str:fmt>",
        public.public_snapshot_file,
        name="snapshot_file",
    ),
    path(
        "<slug:board>/scorecards/<int:document>/<str:fmt>",
        public.public_scorecard_file,
        name="scorecard_file",
    ),
]
