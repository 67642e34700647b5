from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import views as core_views

admin.site.site_header = "Assure administration"
admin.site.site_title = "Assure administration"

urlpatterns = [
    path("", include("board.site_urls")),
    path("", include("core.urls")),
    path(
        "accounts/login/",
        core_views.SignInView.as_view(),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("people.public_urls")),
    path("boards/<slug:board>/", include("board.urls")),
    path("boards/<slug:board>/", include("outbox.urls")),
    path("boards/<slug:board>/", include("people.urls")),
    path("boards/<slug:board>/", include("priorities.urls")),
    path("boards/<slug:board>/", include("indicators.urls")),
    path("boards/<slug:board>/", include("training.urls")),
    path("boards/<slug:board>/", include("reviews.urls")),
    path("boards/<slug:board>/", include("audits.urls")),
    path("boards/<slug:board>/", include("reports.urls")),
    path("public/", include("reports.public_urls")),
    path("admin/", admin.site.urls),
]
