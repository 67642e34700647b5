from django.urls import path

from core import health, views

app_name = "core"

urlpatterns = [
    path("health/", health.health, name="health"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/two-factor/code/", views.two_factor_code, name="two_factor_code"),
    path("accounts/two-factor/set-up/", views.two_factor_set_up, name="two_factor_set_up"),
    path(
        "accounts/two-factor/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
]
