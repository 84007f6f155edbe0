"""What the API shows (read-only serializers over prefetched trees) and what it accepts (inputs
that only check shape; the domain operations decide everything else)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from effekt.core.forms import COMMENT, LONG_TEXT, SHORT_TEXT, TEXT
from effekt.followup.models import (
    Assessment,
    AssignmentProgress,
    AssignmentReport,
    Compilation,
    GoalAssessment,
    Period,
    Report,
)
from effekt.goals.models import (
    Activity,
    Assignment,
    EffectGoal,
    Plan,
    StrategicGoal,
    Term,
    Vision,
)
from effekt.indicators.models import Indicator, KpiLink, Measurement, Series, Target
from effekt.organisations.models import Organisation

from .fields import MAX_INT, Choice, Input, Text

# --- reading -------------------------------------------------------------------------------
#
# Lists show summaries: each item with its id, its key fields, counts of what it contains and
# the `url` of its detail, which shows the whole object with everything nested in it.


class DetailUrl(serializers.HyperlinkedIdentityField):
    """The address of an object's detail, reversed once per response and then filled with each
    object's id (reversing it for every object costs about a millisecond per page of 50)."""

    MARK = "2147483647"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.around_id = None

    def get_url(self, obj, view_name, request, format):
        if obj.pk is None:
            return None
        if self.around_id is None:
            url = self.reverse(view_name, kwargs={"pk": self.MARK}, request=request, format=format)
            self.around_id = url.split(self.MARK)
        before, after = self.around_id
        return f"{before}{obj.pk}{after}"


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class Ids(serializers.Field):
    """The ids of a list of objects prefetched into a list (`Prefetch(..., to_attr=...)`)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return [obj.pk for obj in value]


def detail_url(name):
    return DetailUrl(view_name=f"api:{name}-detail", help_text="The address of the full object.")


def count(what):
    return serializers.IntegerField(read_only=True, help_text=f"The number of {what}.")


def summary_fields(detail, leave_out, counts):
    """A detail's fields without its long texts and nested lists, with the counts instead."""
    return [name for name in detail.Meta.fields if name not in leave_out] + counts


class OrganisationSerializer(serializers.ModelSerializer):
    url = detail_url("organisation")
    predecessors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "url",
            "name",
            "short_name",
            "kind",
            "parent",
            "valid_from",
            "valid_to",
            "predecessors",
            "order",
        ]


class VisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vision
        fields = ["id", "name", "text", "horizon_year"]


class StrategicGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategicGoal
        fields = ["id", "number", "title", "description"]


class TermSerializer(serializers.ModelSerializer):
    url = detail_url("term")
    vision = VisionSerializer(read_only=True, allow_null=True)
    strategic_goals = StrategicGoalSerializer(many=True, read_only=True)

    class Meta:
        model = Term
        fields = [
            "id",
            "url",
            "name",
            "start_year",
            "end_year",
            "description",
            "vision",
            "strategic_goals",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    url = detail_url("assignment")
    recipients = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    strategic_goals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "url",
            "term",
            "year",
            "title",
            "description",
            "recipients",
            "strategic_goals",
            "earmarked_amount",
            "deadline",
            "decision_reference",
        ]


class ActivitySerializer(serializers.ModelSerializer):
    responsible_unit_name = serializers.CharField(source="responsible_unit.name", read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "description",
            "responsible_unit",
            "responsible_unit_name",
            "start_date",
            "end_date",
            "predecessor",
        ]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = [
            "id",
            "effect_goal",
            "indicator",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
        ]


class EffectGoalSerializer(serializers.ModelSerializer):
    strategic_goals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    activities = ActivitySerializer(many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = EffectGoal
        fields = [
            "id",
            "number",
            "title",
            "description",
            "strategic_goals",
            "predecessor",
            "activities",
            "targets",
        ]


class InPlan(serializers.Serializer):
    """The plan an effect goal belongs to, for an effect goal shown on its own."""

    plan = serializers.IntegerField(source="plan_id", read_only=True)
    organisation = serializers.IntegerField(source="plan.organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="plan.organisation.name", read_only=True)
    year = serializers.IntegerField(source="plan.year", read_only=True)
    plan_status = serializers.CharField(source="plan.status", read_only=True)

    FIELDS = ["plan", "organisation", "organisation_name", "year", "plan_status"]


class EffectGoalInPlanSerializer(InPlan, EffectGoalSerializer):
    """An effect goal on its own: with the plan it belongs to."""

    url = detail_url("effect-goal")

    class Meta(EffectGoalSerializer.Meta):
        fields = ["id", "url", *InPlan.FIELDS, *EffectGoalSerializer.Meta.fields[1:]]


class EffectGoalSummarySerializer(EffectGoalInPlanSerializer):
    """An effect goal in a list: its activities and targets counted, not shown."""

    strategic_goals = Ids(source="strategic_goal_list")
    activity_count = count("activities")
    target_count = count("targets (an indicator's value to reach)")

    class Meta(EffectGoalInPlanSerializer.Meta):
        fields = summary_fields(
            EffectGoalInPlanSerializer,
            ("description", "activities", "targets"),
            ["activity_count", "target_count"],
        )


class PlanSerializer(serializers.ModelSerializer):
    url = detail_url("plan")
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    effect_goals = EffectGoalSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "url",
            "organisation",
            "organisation_name",
            "year",
            "status",
            "responsibility",
            "direction",
            "predecessor",
            "adopted_at",
            "adoption_reference",
            "effect_goals",
        ]


class PlanSummarySerializer(PlanSerializer):
    """A plan in a list: its effect goals and activities counted, not shown."""

    effect_goal_count = count("effect goals")
    activity_count = count("activities under the effect goals")

    class Meta(PlanSerializer.Meta):
        fields = summary_fields(
            PlanSerializer,
            ("responsibility", "direction", "effect_goals"),
            ["effect_goal_count", "activity_count"],
        )


class PeriodSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="cycle.year", read_only=True)

    class Meta:
        model = Period
        fields = ["id", "kind", "year", "ends_on", "deadline"]


class GoalAssessmentSerializer(serializers.ModelSerializer):
    effect_goal_number = serializers.IntegerField(source="effect_goal.number", read_only=True)
    effect_goal_title = serializers.CharField(source="effect_goal.title", read_only=True)

    class Meta:
        model = GoalAssessment
        fields = [
            "id",
            "effect_goal",
            "effect_goal_number",
            "effect_goal_title",
            "assessment",
            "analysis",
            "reasons",
            "actions",
            "version",
        ]


class AssignmentReportSerializer(serializers.ModelSerializer):
    assignment_title = serializers.CharField(source="assignment.title", read_only=True)

    class Meta:
        model = AssignmentReport
        fields = ["id", "assignment", "assignment_title", "progress", "comment", "version"]


class ReportSerializer(serializers.ModelSerializer):
    url = detail_url("report")
    period = PeriodSerializer(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    assessments = GoalAssessmentSerializer(many=True, read_only=True)
    assignment_reports = AssignmentReportSerializer(many=True, read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "url",
            "period",
            "organisation",
            "organisation_name",
            "plan",
            "status",
            "mission_results",
            "return_comment",
            "submitted_at",
            "decided_at",
            "version",
            "assessments",
            "assignment_reports",
        ]


class ReportSummarySerializer(ReportSerializer):
    """A report in a list: its texts left out, its rows counted."""

    assessment_count = count("effect goals the report assesses (one row each)")
    assignment_report_count = count("assignments reported on")

    class Meta(ReportSerializer.Meta):
        fields = summary_fields(
            ReportSerializer,
            ("mission_results", "return_comment", "assessments", "assignment_reports"),
            ["assessment_count", "assignment_report_count"],
        )


class CompilationSerializer(serializers.ModelSerializer):
    url = detail_url("compilation")
    period = PeriodSerializer(read_only=True)

    class Meta:
        model = Compilation
        fields = [
            "id",
            "url",
            "period",
            "status",
            "overall_analysis",
            "green_threshold",
            "yellow_threshold",
            "adopted_on",
            "minutes_paragraph",
            "case_number",
            "version",
        ]


class CompilationDetailSerializer(CompilationSerializer):
    frozen = serializers.BooleanField(
        source="is_adopted",
        read_only=True,
        help_text="True when `data` is the version the council adopted, frozen at adoption.",
    )
    data = serializers.SerializerMethodField(
        help_text="Everything the compilation shows: the adopted version once adopted, "
        "otherwise today's data (adopted plans and accepted reports only)."
    )

    class Meta(CompilationSerializer.Meta):
        fields = [*CompilationSerializer.Meta.fields, "frozen", "data"]

    def get_data(self, compilation) -> dict:
        return self.context["compilation_data"]


class MeasurementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measurement
        fields = [
            "id",
            "series",
            "year",
            "value",
            "source",
            "kpi_id",
            "fetched_at",
            "note",
            "updated_at",
        ]


class SeriesSerializer(serializers.ModelSerializer):
    measurements = MeasurementSerializer(many=True, read_only=True)

    class Meta:
        model = Series
        fields = ["id", "role", "area_code", "area_name", "gender", "measurements"]


class KpiLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = KpiLink
        fields = ["kpi_id", "kpi_title", "from_year", "to_year"]


class IndicatorSerializer(serializers.ModelSerializer):
    url = detail_url("indicator")
    kpi_links = KpiLinkSerializer(many=True, read_only=True)
    series = SeriesSerializer(many=True, read_only=True)
    targets = TargetSerializer(
        many=True,
        read_only=True,
        source="visible_targets",
        help_text="The effect goals' targets for this indicator, in the plans the caller may read.",
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "url",
            "name",
            "description",
            "unit",
            "higher_is_better",
            "source",
            "owner",
            "council_number",
            "kpi_links",
            "series",
            "targets",
        ]


class IndicatorSummarySerializer(IndicatorSerializer):
    """An indicator in a list: its series counted; values and targets on the detail."""

    series_count = count("series (areas and genders)")

    class Meta(IndicatorSerializer.Meta):
        fields = summary_fields(
            IndicatorSerializer, ("description", "kpi_links", "series", "targets"), ["series_count"]
        )


# --- writing -------------------------------------------------------------------------------

YEAR = {"min_value": 1990, "max_value": 2100}
NOTE = Measurement._meta.get_field("note").max_length
VERSION = {
    "min_value": 1,
    "max_value": MAX_INT,
    "help_text": "The version you loaded. If someone else has saved since, nothing is saved and "
    "the answer is 409 with their text.",
}


class MeasurementInput(Input):
    year = serializers.IntegerField(**YEAR)
    value = serializers.DecimalField(
        max_digits=18,
        decimal_places=6,
        allow_null=True,
        help_text="The value; null records that it is missing.",
    )
    note = Text(max_length=NOTE, required=False, allow_blank=True, default="")


class ReportTextsInput(Input):
    mission_results = Text(max_length=LONG_TEXT, allow_blank=True)
    version = serializers.IntegerField(**VERSION)


class GoalAssessmentInput(Input):
    """Fields left out keep their saved value."""

    version = serializers.IntegerField(**VERSION)
    assessment = Choice(
        choices=Assessment.choices,
        required=False,
        allow_blank=True,
        help_text="Empty: not assessed yet.",
    )
    analysis = Text(max_length=TEXT, required=False, allow_blank=True)
    reasons = Text(max_length=SHORT_TEXT, required=False, allow_blank=True)
    actions = Text(max_length=SHORT_TEXT, required=False, allow_blank=True)


class AssignmentReportInput(Input):
    """Fields left out keep their saved value."""

    version = serializers.IntegerField(**VERSION)
    progress = Choice(choices=AssignmentProgress.choices, required=False)
    comment = Text(max_length=SHORT_TEXT, required=False, allow_blank=True)


class ReturnInput(Input):
    comment = Text(
        max_length=COMMENT, allow_blank=True, help_text="What the board needs to complete."
    )


class PlanAdoptInput(Input):
    adopted_at = serializers.DateField(required=False, help_text="Today when left out.")
    reference = Text(
        max_length=Plan._meta.get_field("adoption_reference").max_length,
        line=True,
        required=False,
        allow_blank=True,
        default="",
    )


class Error(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in the caller's language.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="The messages by input field (non_field_errors: about the input as a whole).",
    )


class Conflict(serializers.Serializer):
    detail = serializers.CharField()
    conflicts = serializers.ListField(
        child=serializers.DictField(),
        help_text="The objects as someone else saved them, with their current version.",
    )
