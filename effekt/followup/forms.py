from django import forms
from django.utils.translation import gettext_lazy as _

from effekt.goals.forms import DateInput

from .models import Assessment, AssignmentProgress


class CycleForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    interim_ends_on = forms.DateField(
        label=_("The interim period ends"),
        widget=DateInput,
        required=False,
        help_text=_("Between 30 June and 31 August. Leave empty for 31 August."),
    )
    interim_deadline = forms.DateField(
        label=_("Deadline for interim reports"),
        widget=DateInput,
        required=False,
        help_text=_("Leave empty for two weeks after the period ends."),
    )
    annual_deadline = forms.DateField(
        label=_("Deadline for annual reports"),
        widget=DateInput,
        required=False,
        help_text=_("Leave empty for 15 February the year after."),
    )


class PeriodForm(forms.Form):
    ends_on = forms.DateField(label=_("Period ends"), widget=DateInput)
    deadline = forms.DateField(label=_("Submission deadline"), widget=DateInput)


class StepForm(forms.Form):
    starts_on = forms.DateField(label=_("Starts"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends"), widget=DateInput)


class VersionedForm(forms.Form):
    """A form for one versioned row: the version the editor saw travels with the input."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class GoalAssessmentForm(VersionedForm):
    assessment = forms.ChoiceField(
        label=_("Assessment"),
        choices=[("", _("Not assessed yet")), *Assessment.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    analysis = forms.CharField(
        label=_("Analysis of the effects"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=20000,
    )
    reasons = forms.CharField(
        label=_("Reasons it is not fulfilled"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
    )
    actions = forms.CharField(
        label=_("Actions taken or planned"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A draft may be saved half done; these two are needed before the report is submitted.
        for name in ("assessment", "analysis"):
            self.fields[name].needed_later = True
        self.fields["assessment"].help_text = _("Needed before the report is submitted.")
        self.fields["analysis"].help_text = _(
            "What effect has the work had for residents, and why? Needed before the report is "
            "submitted."
        )
        self.fields["reasons"].help_text = _("Needed when the goal is not fulfilled.")
        self.fields["actions"].help_text = _("Needed when the goal is not fulfilled.")


class AssignmentReportForm(VersionedForm):
    progress = forms.ChoiceField(label=_("Progress"), choices=AssignmentProgress.choices)
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
    )


class MissionForm(VersionedForm):
    mission_results = forms.CharField(
        label=_("Results of the whole mission"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=50000,
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What needs to be completed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("The board sees this comment when it opens the report."),
    )


class CompilationForm(VersionedForm):
    overall_analysis = forms.CharField(
        label=_("Overall analysis"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    green_threshold = forms.DecimalField(
        label=_("Green from (%)"), min_value=0, max_value=100, decimal_places=1
    )
    yellow_threshold = forms.DecimalField(
        label=_("Yellow from (%)"), min_value=0, max_value=100, decimal_places=1
    )


class AnalysisForm(VersionedForm):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=20000
    )


class AdoptForm(forms.Form):
    adopted_on = forms.DateField(label=_("Adopted by the council on"), widget=DateInput)
    minutes_paragraph = forms.CharField(
        label=_("Paragraph in the minutes"), max_length=50, help_text=_("For example KF § 45.")
    )
    case_number = forms.CharField(
        label=_("Case number"), max_length=50, help_text=_("For example KS2018/123.")
    )
