from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("indikatorer/", views.overview, name="overview"),
    path("indikatorer/ny/", views.indicator_edit, name="indicator_create"),
    path("indikatorer/mall.xlsx", views.excel_template, name="excel_template"),
    path("indikatorer/import/", views.excel_import, name="excel_import"),
    path("indikatorer/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indikatorer/<int:pk>/andra/", views.indicator_edit, name="indicator_edit"),
    path("indikatorer/<int:pk>/varden/nytt/", views.measurement_add, name="measurement_add"),
    path("indikatorer/<int:pk>/serier/ny/", views.series_add, name="series_add"),
    path("indikatorer/<int:pk>/kolada/", views.kpi_link_add, name="kpi_link_add"),
    path("indikatorer/<int:pk>/hamta/", views.kolada_fetch, name="kolada_fetch"),
    path("effektmal/<int:goal_pk>/matt/nytt/", views.target_edit, name="target_create"),
    path("matt/<int:pk>/andra/", views.target_edit, name="target_edit"),
]
