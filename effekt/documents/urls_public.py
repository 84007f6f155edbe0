"""Public pages and open data (no sign-in), and the signed-in Excel exports.

The addresses are stable: they are published, linked and used by programs. Change none of them.
"""

from django.urls import path, register_converter

from . import excel_export, public


class PeriodKindConverter:
    """The period kinds as they read in public addresses (effekt.followup.views.KIND_SLUGS)."""

    regex = "delarsrapport|arsredovisning"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PeriodKindConverter, "effekt_period_kind")


def _data(route, view, name, formats=("csv", "json")):
    """`route`.csv and `route`.json, named `name`_csv and `name`_json."""
    return [path(f"{route}.{fmt}", view, {"fmt": fmt}, name=f"{name}_{fmt}") for fmt in formats]


app_name = "public"

urlpatterns = [
    path("offentligt/planer/", public.plan_list, name="plan_list"),
    path(
        "offentligt/planer/<int:year>/<int:organisation_id>/",
        public.plan_detail,
        name="plan_detail",
    ),
    path("offentligt/indikatorer/", public.indicator_list, name="indicator_list"),
    path("offentligt/indikatorer/<int:pk>/", public.indicator_detail, name="indicator_detail"),
    path("offentligt/data/", public.open_data, name="open_data"),
    *_data("offentligt/data/planer", public.plans_data, "plans"),
    *_data("offentligt/data/effektmal", public.effect_goals_data, "effect_goals", ("csv",)),
    *_data("offentligt/data/aktiviteter", public.activities_data, "activities", ("csv",)),
    *_data("offentligt/data/indikatorer", public.indicators_data, "indicators"),
    *_data("offentligt/data/indikatortrender", public.trends_data, "trends", ("csv",)),
    *_data("offentligt/data/sammanstallningar", public.compilations_data, "compilations"),
    *_data(
        "offentligt/data/sammanstallningar/<int:year>/<effekt_period_kind:kind>",
        public.compilation_data,
        "compilation",
    ),
    *_data(
        "offentligt/data/sammanstallningar/<int:year>/<effekt_period_kind:kind>-maluppfyllelse",
        public.attainment_data,
        "attainment",
        ("csv",),
    ),
    # Excel exports: signed in, and only what the user may read (urls_documents.py belongs to
    # the Word and PDF documents).
    path("malkedja/export.xlsx", excel_export.goal_chain_xlsx, name="goal_chain_xlsx"),
    path(
        "uppfoljning/perioder/<int:pk>/bedomningar.xlsx",
        excel_export.period_assessments_xlsx,
        name="period_assessments_xlsx",
    ),
    path("indikatorer/export.xlsx", excel_export.indicators_xlsx, name="indicators_xlsx"),
    path("indikatorer/<int:pk>/serier.xlsx", excel_export.indicator_xlsx, name="indicator_xlsx"),
]
