"""Forms parse and present input; the domain operations in services.py decide and save."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from effekt.organisations.models import Organisation

from .models import Activity, Assignment, EffectGoal, Plan, StrategicGoal, Term, Vision


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VisionForm(forms.ModelForm):
    class Meta:
        model = Vision
        fields = ["name", "horizon_year", "text"]


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = ["start_year", "end_year", "name", "vision", "description"]
        help_texts = {"name": _("Optional, for example “Samhällsbygget Enköping”.")}


class StrategicGoalForm(forms.ModelForm):
    class Meta:
        model = StrategicGoal
        fields = ["number", "title", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Leave empty to number it after the last goal.")


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = [
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
        widgets = {
            "recipients": forms.CheckboxSelectMultiple,
            "strategic_goals": forms.CheckboxSelectMultiple,
            "deadline": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = Organisation.objects.with_plans().filter(
            valid_to__isnull=True
        ) | Organisation.objects.filter(
            pk__in=self.instance.recipients.all() if self.instance.pk else []
        )
        self.fields["strategic_goals"].queryset = StrategicGoal.objects.select_related("term")
        self.fields["strategic_goals"].required = False


class PlanCreateForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[org.pk for org in organisations]
        )


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["responsibility", "direction"]
        widgets = {
            "responsibility": forms.Textarea(attrs={"rows": 6}),
            "direction": forms.Textarea(attrs={"rows": 8}),
        }


class PlanAdoptForm(forms.Form):
    adopted_at = forms.DateField(label=_("Adopted on"), widget=DateInput)
    reference = forms.CharField(
        label=_("Decision reference"),
        required=False,
        max_length=200,
        help_text=_("For example the board's paragraph in the minutes."),
    )


class PlanReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=400,
        help_text=_("Recorded in the plan's history."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CopyForwardForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation next year"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Only needed when the organisation has been merged or split."),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(pk=plan.organisation_id)
            | plan.organisation.successors.all()
        )


class EffectGoalForm(forms.ModelForm):
    class Meta:
        model = EffectGoal
        fields = ["title", "description", "strategic_goals"]
        widgets = {"strategic_goals": forms.CheckboxSelectMultiple}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        term = Term.objects.covering(plan.year).first()
        self.fields["strategic_goals"].queryset = (
            term.strategic_goals.all() if term else StrategicGoal.objects.none()
        )
        self.fields["strategic_goals"].help_text = (
            _("The strategic goals of the term %(term)s that this effect goal breaks down.")
            % {"term": term}
            if term
            else _("No term covers this year yet.")
        )


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["title", "description", "responsible_unit", "start_date", "end_date"]
        widgets = {"start_date": DateInput, "end_date": DateInput}

    def __init__(self, *args, plan, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Organisation.objects.valid_in_year(plan.year).filter(
            Q(kind__in=Organisation.OPERATING_KINDS) | Q(pk=plan.organisation_id)
        )
        if units is not None:
            queryset = queryset.filter(pk__in=units)
        self.fields["responsible_unit"].queryset = queryset


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
