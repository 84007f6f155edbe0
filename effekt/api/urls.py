"""The REST API under /api/: the routed endpoints, the schema and the documentation."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework import routers

from . import views
from .exceptions import not_found

app_name = "api"

DESCRIPTION = """Goal-based governance and follow-up: the goal chain, follow-up and indicators.

**Authentication.** Send a token in every request: `Authorization: Token <key>`. Tokens are
created by an administrator in the admin (Auth Token → Tokens), one per user; the API then acts
as that user, with exactly the permissions the user has on the pages.

**What you see.** Lists are narrowed by the same access policy as the pages: adopted plans and
accepted reports for everyone, drafts only for the organisation's own users and for the executive
office, administrators and auditors. An object you may not read answers 404.

**Writing.** Values of indicator series, report texts and the workflow of reports (submit,
return, accept) and plans (adopt) go through the same domain operations as the pages, with the
same checks and change history. Refusals are JSON with a `detail` sentence in the language asked
for (`Accept-Language`, Swedish by default); bad input is a 400 with `errors` by field and changes
nothing. Texts are saved with the `version` last read: a save over someone else's newer text is a
409 with their text.

**Lists** show summaries: each item's key fields, counts of what it contains (effect goals,
activities, series…) and the `url` of its detail, which shows the whole object with everything
nested in it. Lists are paginated (`page`, `page_size` up to 200) and filtered by year, term and
organisation where these apply."""

SCHEMA_SETTINGS = {
    "DESCRIPTION": DESCRIPTION,
    "COMPONENT_SPLIT_PATCH": False,  # a PATCH body here has required fields (the version)
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "effekt.api.schema.inputs_are_closed",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DraftOrAdoptedEnum": "effekt.goals.models.Plan.Status",
        "ReportStatusEnum": "effekt.followup.models.Report.Status",
    },
}


class Router(routers.DefaultRouter):
    APIRootView = views.Root
    include_format_suffixes = False


router = Router(use_regex_path=False)
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("terms", views.TermViewSet, basename="term")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("effect-goals", views.EffectGoalViewSet, basename="effect-goal")
router.register("reports", views.ReportViewSet, basename="report")
router.register("compilations", views.CompilationViewSet, basename="compilation")
router.register("indicators", views.IndicatorViewSet, basename="indicator")

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(custom_settings=SCHEMA_SETTINGS),
        name="schema",
    ),
    # The browsable API's index (self-contained: Swagger UI and Redoc would load from a CDN).
    path("docs/", router.get_api_root_view(), name="docs"),
    path(
        "indicators/series/<int:pk>/measurements/",
        views.MeasurementView.as_view(),
        name="series-measurements",
    ),
    *router.urls,
    re_path(r"^.*$", not_found),
]
