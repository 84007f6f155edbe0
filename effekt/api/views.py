"""The REST API: the same reads as the pages, and writes through the same domain operations.

Every list is narrowed by the access policy exactly as the pages narrow theirs (visible_plans_q,
visible_reports_q), so an object the caller may not read is a 404 here as it is there. Writes ask
the policy first, as the pages do, then check the input's shape, then call the one domain
operation; whatever the operation refuses it explains (see exceptions.py).
"""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, pagination, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView

from effekt.followup import selectors as followup_selectors
from effekt.followup import services as followup_services
from effekt.followup.models import (
    AssignmentReport,
    Compilation,
    GoalAssessment,
    Report,
)
from effekt.goals import services as goals_services
from effekt.goals.models import Activity, Assignment, EffectGoal, Plan, StrategicGoal, Term
from effekt.indicators import services as indicator_services
from effekt.indicators.models import Indicator, KpiLink, Measurement, Series, Target
from effekt.organisations import access
from effekt.organisations.access import Action
from effekt.organisations.models import Organisation

from . import filters
from . import serializers as s
from .exceptions import JSONErrorMixin


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


def _errors(*codes):
    described = {
        400: "The input is not valid; `errors` gives the messages by field.",
        401: "No valid token (send `Authorization: Token <key>`).",
        403: "The access policy refuses; `detail` says why.",
        404: "No such object, or one the caller may not read.",
        409: "Someone else saved in the meantime; nothing was saved.",
        413: "The request body is too large.",
    }
    return {
        code: OpenApiResponse(s.Conflict if code == 409 else s.Error, description=described[code])
        for code in codes
    }


READ_ERRORS = _errors(400, 401, 404)
WRITE_ERRORS = _errors(400, 401, 403, 404, 413)


def _reads(serializer, summary, one, detail=None):
    """The schema of a list and its detail, with their error answers."""
    return extend_schema_view(
        list=extend_schema(summary=summary, responses={200: serializer(many=True), **READ_ERRORS}),
        retrieve=extend_schema(summary=one, responses={200: detail or serializer, **READ_ERRORS}),
    )


def count_of(queryset, field):
    """The number of rows of `queryset` whose `field` is the outer row: a subquery, so that a
    list counts its page's children in its own query, without fetching them."""
    rows = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class ReadOnly(JSONErrorMixin, viewsets.ReadOnlyModelViewSet):
    """The list shows summaries (`summary_serializer_class`, read by `list_queryset`), the
    detail everything nested in the object (`serializer_class`, `detail_queryset`); both start
    from what the caller may read (`visible`)."""

    lookup_value_converter = "int"
    pagination_class = Pagination
    summary_serializer_class = None  # None: the list shows what the detail shows

    def listing(self):
        return self.action == "list"

    def get_serializer_class(self):
        if self.listing() and self.summary_serializer_class is not None:
            return self.summary_serializer_class
        return self.serializer_class

    def visible(self):
        return self.queryset.all()

    def list_queryset(self, queryset):
        return queryset

    def detail_queryset(self, queryset):
        return queryset

    def get_queryset(self):
        queryset = self.visible()
        return self.list_queryset(queryset) if self.listing() else self.detail_queryset(queryset)


# --- the organisation and the council's level ----------------------------------------------


@_reads(s.OrganisationSerializer, "Organisations", "One organisation")
class OrganisationViewSet(ReadOnly):
    """The organisation tree, every node with its period of validity."""

    queryset = Organisation.objects.prefetch_related("predecessors").order_by("order", "name", "pk")
    serializer_class = s.OrganisationSerializer
    filterset_class = filters.OrganisationFilter


@_reads(s.TermSerializer, "Terms with their strategic goals", "One term")
class TermViewSet(ReadOnly):
    queryset = (
        Term.objects.select_related("vision")
        .prefetch_related(
            Prefetch("strategic_goals", queryset=StrategicGoal.objects.order_by("number", "pk"))
        )
        .order_by("-start_year", "pk")
    )
    serializer_class = s.TermSerializer
    filterset_class = filters.TermFilter


@_reads(s.AssignmentSerializer, "The council's assignments", "One assignment")
class AssignmentViewSet(ReadOnly):
    queryset = Assignment.objects.prefetch_related("recipients", "strategic_goals").order_by(
        "-year", "title", "pk"
    )
    serializer_class = s.AssignmentSerializer
    filterset_class = filters.AssignmentFilter


# --- plans and effect goals ----------------------------------------------------------------


def _effect_goal_contents():
    """What an effect goal's detail shows nested in it."""
    return (
        "strategic_goals",
        Prefetch(
            "activities",
            queryset=Activity.objects.select_related("responsible_unit").order_by(
                "start_date", "title", "pk"
            ),
        ),
        Prefetch("targets", queryset=Target.objects.order_by("indicator_id", "pk")),
    )


@_reads(
    s.PlanSummarySerializer,
    "Plans, with the number of their effect goals and activities",
    "One plan with its effect goals and activities",
    detail=s.PlanSerializer,
)
class PlanViewSet(ReadOnly):
    """Adopted plans, and the drafts of the caller's own organisations (all for the executive
    office, administrators and auditors)."""

    summary_serializer_class = s.PlanSummarySerializer
    serializer_class = s.PlanSerializer
    filterset_class = filters.PlanFilter

    def visible(self):
        return (
            Plan.objects.filter(access.visible_plans_q(self.request.user))
            .select_related("organisation")
            .order_by("-year", "organisation__order", "organisation__name", "pk")
        )

    def list_queryset(self, queryset):
        return queryset.defer("responsibility", "direction").annotate(
            effect_goal_count=count_of(EffectGoal.objects, "plan"),
            activity_count=count_of(Activity.objects, "effect_goal__plan"),
        )

    def detail_queryset(self, queryset):
        return queryset.prefetch_related(
            Prefetch(
                "effect_goals",
                queryset=EffectGoal.objects.prefetch_related(*_effect_goal_contents()).order_by(
                    "number", "pk"
                ),
            )
        )

    @extend_schema(
        summary="Adopt the plan",
        request=s.PlanAdoptInput,
        responses={200: s.PlanSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        plan = self.get_object()
        access.require(request.user, Action.ADOPT, plan)
        data = _valid(s.PlanAdoptInput, request)
        goals_services.plan_adopt(
            user=request.user,
            plan=plan,
            adopted_at=data.get("adopted_at"),
            reference=data["reference"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data)


@_reads(
    s.EffectGoalSummarySerializer,
    "Effect goals, with the number of their activities and targets",
    "One effect goal with its activities and targets",
    detail=s.EffectGoalInPlanSerializer,
)
class EffectGoalViewSet(ReadOnly):
    summary_serializer_class = s.EffectGoalSummarySerializer
    serializer_class = s.EffectGoalInPlanSerializer
    filterset_class = filters.EffectGoalFilter

    def visible(self):
        return (
            EffectGoal.objects.filter(access.visible_plans_q(self.request.user, "plan__"))
            .select_related("plan__organisation")
            .order_by(
                "-plan__year",
                "plan__organisation__order",
                "plan__organisation__name",
                "number",
                "pk",
            )
        )

    def list_queryset(self, queryset):
        return (
            queryset.defer("description", "plan__responsibility", "plan__direction")
            .prefetch_related(
                # the ids, as a list (a related manager per goal costs more than the query)
                Prefetch(
                    "strategic_goals",
                    queryset=StrategicGoal.objects.only("pk"),
                    to_attr="strategic_goal_list",
                )
            )
            .annotate(
                activity_count=count_of(Activity.objects, "effect_goal"),
                target_count=count_of(Target.objects, "effect_goal"),
            )
        )

    def detail_queryset(self, queryset):
        return queryset.prefetch_related(*_effect_goal_contents())


# --- follow-up -----------------------------------------------------------------------------


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def describe_conflict(obj):
    """An object as someone else saved it, for the body of a 409."""
    if isinstance(obj, Report):
        return {
            "object": "report",
            "id": obj.pk,
            "version": obj.version,
            "mission_results": obj.mission_results,
        }
    if isinstance(obj, GoalAssessment):
        return {
            "object": "goal_assessment",
            "id": obj.pk,
            "version": obj.version,
            **{
                name: getattr(obj, name)
                for name in ("assessment", "analysis", "reasons", "actions")
            },
        }
    if isinstance(obj, AssignmentReport):
        return {
            "object": "assignment_report",
            "id": obj.pk,
            "version": obj.version,
            "progress": obj.progress,
            "comment": obj.comment,
        }
    return {"id": obj.pk, "version": getattr(obj, "version", None)}


TEXT_ERRORS = {**WRITE_ERRORS, **_errors(409)}


@_reads(
    s.ReportSummarySerializer,
    "Follow-up reports, with the number of their rows",
    "One report with its assessments and assignments",
    detail=s.ReportSerializer,
)
class ReportViewSet(ReadOnly):
    """Accepted reports, and those of the caller's own organisations (all for the executive
    office, administrators and auditors). Texts are saved with the version last read: a save
    over someone else's newer text is refused with 409 and their text."""

    summary_serializer_class = s.ReportSummarySerializer
    serializer_class = s.ReportSerializer
    filterset_class = filters.ReportFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    describe_conflict = staticmethod(describe_conflict)

    def visible(self):
        return (
            Report.objects.filter(access.visible_reports_q(self.request.user))
            .select_related("organisation", "period__cycle")
            .order_by(
                "-period__cycle__year",
                "-period__ends_on",
                "organisation__order",
                "organisation__name",
                "pk",
            )
        )

    def list_queryset(self, queryset):
        return queryset.defer("mission_results", "return_comment").annotate(
            assessment_count=count_of(GoalAssessment.objects, "report"),
            assignment_report_count=count_of(AssignmentReport.objects, "report"),
        )

    def detail_queryset(self, queryset):
        return queryset.prefetch_related(
            Prefetch(
                "assessments",
                queryset=GoalAssessment.objects.select_related("effect_goal").order_by(
                    "effect_goal__number", "pk"
                ),
            ),
            Prefetch(
                "assignment_reports",
                queryset=AssignmentReport.objects.select_related("assignment").order_by(
                    "assignment__title", "pk"
                ),
            ),
        )

    def _fresh(self, report):
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(
        summary="Save the results of the whole mission",
        request=s.ReportTextsInput,
        responses={200: s.ReportSerializer, **TEXT_ERRORS},
    )
    def partial_update(self, request, pk=None):
        report = self.get_object()
        access.require(request.user, Action.CHANGE, report)
        data = _valid(s.ReportTextsInput, request)
        followup_services.report_save(
            user=request.user,
            report=report,
            mission_results=data["mission_results"],
            version=data["version"],
        )
        return self._fresh(report)

    def _row(self, report, model, row_id):
        return get_object_or_404(model, pk=row_id, report=report)

    @extend_schema(
        summary="Save the assessment of one effect goal",
        request=s.GoalAssessmentInput,
        responses={200: s.GoalAssessmentSerializer, **TEXT_ERRORS},
    )
    @action(detail=True, methods=["patch"], url_path="assessments/<int:row_id>")
    def assessment(self, request, pk=None, row_id=None):
        report = self.get_object()
        row = self._row(report, GoalAssessment, row_id)
        access.require(request.user, Action.CHANGE, report)
        data = _valid(s.GoalAssessmentInput, request)
        item = {"id": row.pk, "version": data["version"]}
        for name in ("assessment", "analysis", "reasons", "actions"):
            item[name] = data.get(name, getattr(row, name))
        followup_services.report_save(user=request.user, report=report, goals=[item])
        fresh = GoalAssessment.objects.select_related("effect_goal").get(pk=row.pk)
        return Response(s.GoalAssessmentSerializer(fresh).data)

    @extend_schema(
        summary="Save the report on one assignment",
        request=s.AssignmentReportInput,
        responses={200: s.AssignmentReportSerializer, **TEXT_ERRORS},
    )
    @action(detail=True, methods=["patch"], url_path="assignments/<int:row_id>")
    def assignment(self, request, pk=None, row_id=None):
        report = self.get_object()
        row = self._row(report, AssignmentReport, row_id)
        access.require(request.user, Action.CHANGE, report)
        data = _valid(s.AssignmentReportInput, request)
        item = {"id": row.pk, "version": data["version"]}
        for name in ("progress", "comment"):
            item[name] = data.get(name, getattr(row, name))
        followup_services.report_save(user=request.user, report=report, assignments=[item])
        fresh = AssignmentReport.objects.select_related("assignment").get(pk=row.pk)
        return Response(s.AssignmentReportSerializer(fresh).data)

    @extend_schema(
        summary="Submit the report to the executive office",
        request=None,
        responses={200: s.ReportSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        access.require(request.user, Action.SUBMIT, report)
        followup_services.report_submit(user=request.user, report=report)
        return self._fresh(report)

    @extend_schema(
        summary="Return the report to the board",
        request=s.ReturnInput,
        responses={200: s.ReportSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        report = self.get_object()
        access.require(request.user, Action.DECIDE, report)
        data = _valid(s.ReturnInput, request)
        followup_services.report_return(user=request.user, report=report, comment=data["comment"])
        return self._fresh(report)

    @extend_schema(
        summary="Accept the report",
        request=None,
        responses={200: s.ReportSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        report = self.get_object()
        access.require(request.user, Action.DECIDE, report)
        followup_services.report_accept(user=request.user, report=report)
        return self._fresh(report)


@_reads(
    s.CompilationSerializer,
    "Compilations",
    "One compilation, with its data (frozen once adopted)",
    detail=s.CompilationDetailSerializer,
)
class CompilationViewSet(ReadOnly):
    queryset = Compilation.objects.select_related("period__cycle").order_by(
        "-period__cycle__year", "-period__ends_on", "pk"
    )

    def list_queryset(self, queryset):
        return queryset.defer("snapshot")  # the whole adopted compilation: the detail's `data`

    serializer_class = s.CompilationSerializer
    filterset_class = filters.CompilationFilter

    def retrieve(self, request, pk=None):
        compilation = self.get_object()
        data = (
            compilation.snapshot
            if compilation.is_adopted
            else followup_selectors.compilation_data(compilation)
        )
        serializer = s.CompilationDetailSerializer(
            compilation, context={**self.get_serializer_context(), "compilation_data": data}
        )
        return Response(serializer.data)


# --- indicators ----------------------------------------------------------------------------


@_reads(
    s.IndicatorSummarySerializer,
    "Indicators, with the number of their series",
    "One indicator with its series, values and targets",
    detail=s.IndicatorSerializer,
)
class IndicatorViewSet(ReadOnly):
    queryset = Indicator.objects.order_by("council_number", "name", "pk")
    summary_serializer_class = s.IndicatorSummarySerializer
    serializer_class = s.IndicatorSerializer
    filterset_class = filters.IndicatorFilter

    def list_queryset(self, queryset):
        return queryset.defer("description").annotate(
            series_count=count_of(Series.objects, "indicator")
        )

    def detail_queryset(self, queryset):
        targets = Target.objects.filter(
            access.visible_plans_q(self.request.user, "effect_goal__plan__")
        ).order_by("effect_goal_id", "pk")
        return queryset.prefetch_related(
            Prefetch(
                "series",
                queryset=Series.objects.prefetch_related(
                    Prefetch("measurements", queryset=Measurement.objects.order_by("year", "pk"))
                ).order_by("role", "gender", "area_name", "pk"),
            ),
            Prefetch("kpi_links", queryset=KpiLink.objects.order_by("from_year", "pk")),
            Prefetch("targets", queryset=targets, to_attr="visible_targets"),
        )


class MeasurementView(JSONErrorMixin, generics.ListCreateAPIView):
    """The values of one series; POST enters or corrects the value of a year."""

    serializer_class = s.MeasurementSerializer
    pagination_class = Pagination

    def get_series(self):
        return get_object_or_404(Series.objects.select_related("indicator"), pk=self.kwargs["pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Measurement.objects.none()
        return Measurement.objects.filter(series=self.get_series()).order_by("year", "pk")

    @extend_schema(
        summary="Values of a series",
        responses={200: s.MeasurementSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Enter or correct the value of a year",
        request=s.MeasurementInput,
        responses={
            201: OpenApiResponse(s.MeasurementSerializer, description="A new value."),
            200: OpenApiResponse(s.MeasurementSerializer, description="A corrected value."),
            **WRITE_ERRORS,
        },
    )
    def post(self, request, *args, **kwargs):
        series = self.get_series()
        access.require(request.user, Action.CHANGE, series)
        data = _valid(s.MeasurementInput, request)
        existed = Measurement.objects.filter(series=series, year=data["year"]).exists()
        measurement = indicator_services.measurement_set(
            user=request.user,
            series=series,
            year=data["year"],
            value=data["value"],
            note=data["note"],
        )
        return Response(
            s.MeasurementSerializer(measurement).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


# --- the start of it all -------------------------------------------------------------------


class Root(JSONErrorMixin, APIRootView):
    """Effekt's REST API.

    Authenticate with a token: `Authorization: Token <key>`. An administrator creates tokens in
    the admin (Auth Token → Tokens). Every endpoint applies the same access policy as the pages.
    The OpenAPI schema is at /api/schema/.
    """

    permission_classes = [permissions.AllowAny]
    schema = None

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data = {
            "schema": reverse("api:schema", request=request),
            **response.data,
        }
        return response
