"""What the API shows (read-only serializers over prefetched trees) and what it accepts (inputs
that only check shape; the domain operations decide everything else)."""

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


class OrganisationSerializer(serializers.ModelSerializer):
    predecessors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
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
    vision = VisionSerializer(read_only=True, allow_null=True)
    strategic_goals = StrategicGoalSerializer(many=True, read_only=True)

    class Meta:
        model = Term
        fields = [
            "id",
            "name",
            "start_year",
            "end_year",
            "description",
            "vision",
            "strategic_goals",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    recipients = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    strategic_goals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
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


class EffectGoalInPlanSerializer(EffectGoalSerializer):
    """An effect goal on its own: with the plan it belongs to."""

    plan = serializers.IntegerField(source="plan_id", read_only=True)
    organisation = serializers.IntegerField(source="plan.organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="plan.organisation.name", read_only=True)
    year = serializers.IntegerField(source="plan.year", read_only=True)
    plan_status = serializers.CharField(source="plan.status", read_only=True)

    class Meta(EffectGoalSerializer.Meta):
        fields = [
            "id",
            "plan",
            "organisation",
            "organisation_name",
            "year",
            "plan_status",
            *EffectGoalSerializer.Meta.fields[1:],
        ]


class PlanSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    effect_goals = EffectGoalSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
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
    period = PeriodSerializer(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    assessments = GoalAssessmentSerializer(many=True, read_only=True)
    assignment_reports = AssignmentReportSerializer(many=True, read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
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


class CompilationSerializer(serializers.ModelSerializer):
    period = PeriodSerializer(read_only=True)

    class Meta:
        model = Compilation
        fields = [
            "id",
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
