from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("uppfoljning/", views.cycle_list, name="cycle_list"),
    path("uppfoljning/status/", views.status_board, name="status_board"),
    path("uppfoljning/<int:year>/", views.cycle_detail, name="cycle_detail"),
    path("uppfoljning/perioder/<int:pk>/", views.period_detail, name="period_detail"),
    path("uppfoljning/perioder/<int:pk>/andra/", views.period_edit, name="period_edit"),
    path("uppfoljning/perioder/<int:pk>/paminn/", views.send_reminders, name="send_reminders"),
    path(
        "uppfoljning/perioder/<int:period_pk>/organisationer/<int:organisation_pk>/",
        views.report_start,
        name="report_start",
    ),
    path("uppfoljning/steg/<int:pk>/andra/", views.step_edit, name="step_edit"),
    path("uppfoljning/rapporter/<int:pk>/", views.report_detail, name="report_detail"),
    path("uppfoljning/rapporter/<int:pk>/andra/", views.report_edit, name="report_edit"),
    path("uppfoljning/rapporter/<int:pk>/skicka/", views.report_submit, name="report_submit"),
    path("uppfoljning/rapporter/<int:pk>/returnera/", views.report_return, name="report_return"),
    path("uppfoljning/rapporter/<int:pk>/godkann/", views.report_accept, name="report_accept"),
    path(
        "uppfoljning/sammanstallningar/<int:pk>/",
        views.compilation_detail,
        name="compilation_detail",
    ),
    path(
        "uppfoljning/sammanstallningar/<int:pk>/andra/",
        views.compilation_edit,
        name="compilation_edit",
    ),
    path(
        "uppfoljning/sammanstallningar/<int:pk>/anta/",
        views.compilation_adopt,
        name="compilation_adopt",
    ),
    path(
        "uppfoljning/sammanstallningar/<int:pk>/rapporter/<int:report_id>/",
        views.compilation_report,
        name="compilation_report",
    ),
    path("offentligt/", views.public_index, name="public_index"),
    path("offentligt/<int:year>/<slug:kind>/", views.public_compilation, name="public_compilation"),
    path(
        "offentligt/<int:year>/<slug:kind>/<int:report_id>/",
        views.public_report,
        name="public_report",
    ),
]
