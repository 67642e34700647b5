from django.urls import URLPattern, path

from reports.views import annual, dashboard, public, scorecard, scorecard_pdf, setup

app_name = "reports"

urlpatterns: list[URLPattern] = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("setup/", setup.setup, name="setup"),
    path("annual-reports/", annual.annual_reports, name="annual_reports"),
    path("annual-reports/new/", annual.annual_report_create, name="annual_report_create"),
    path("annual-reports/<str:year>/", annual.annual_report, name="annual_report"),
    path(
        "annual-reports/<str:year>/preview/",
        annual.annual_report_preview,
        name="annual_report_preview",
    ),
    path(
        "annual-reports/<str:year>/settings/",
        annual.annual_report_settings,
        name="annual_report_settings",
    ),
    path(
        "annual-reports/<str:year>/sections/<slug:kind>/",
        annual.section_edit,
        name="section_edit",
    ),
    path(
        "annual-reports/<str:year>/sections/<slug:kind>/include/",
        annual.section_include,
        name="section_include",
    ),
    path(
        "annual-reports/<str:year>/sections/<slug:kind>/leave-out/",
        annual.section_leave_out,
        name="section_leave_out",
    ),
    path(
        "annual-reports/<str:year>/sections/<slug:kind>/move/",
        annual.section_move,
        name="section_move",
    ),
    path(
        "annual-reports/<str:year>/approve/",
        annual.annual_report_approve,
        name="annual_report_approve",
    ),
    path(
        "annual-reports/<str:year>/publish/",
        annual.annual_report_publish,
        name="annual_report_publish",
    ),
    path(
        "annual-reports/<str:year>/correct/",
        annual.annual_report_correct,
        name="annual_report_correct",
    ),
    path(
        "annual-reports/<str:year>/correct/cancel/",
        annual.annual_report_correction_cancel,
        name="annual_report_correction_cancel",
    ),
    path("annual-reports/<str:year>/sent/", annual.annual_report_sent, name="annual_report_sent"),
    path(
        "annual-reports/<str:year>/builds/<int:build>/",
        annual.annual_report_build,
        name="annual_report_build",
    ),
    path(
        "annual-reports/<str:year>/v<int:version>/<str:fmt>",
        annual.snapshot_file,
        name="snapshot_file",
    ),
    path("public-page/", public.public_page, name="public_page"),
    path("scorecard/", scorecard.scorecard, name="scorecard"),
    path("scorecard/pdf/", scorecard_pdf.scorecard_documents, name="scorecard_documents"),
    path(
        "scorecard/pdf/<int:document>/",
        scorecard_pdf.scorecard_document,
        name="scorecard_document",
    ),
    path(
        "scorecard/pdf/<int:document>/publish/",
        scorecard_pdf.scorecard_document_publish,
        name="scorecard_document_publish",
    ),
    path(
        "scorecard/pdf/<int:document>/<str:fmt>",
        scorecard_pdf.scorecard_document_file,
        name="scorecard_document_file",
    ),
]
