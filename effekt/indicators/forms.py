from django import forms
from django.db.models import Case, When
from django.utils.translation import gettext_lazy as _

from effekt.goals.models import YEAR_VALIDATORS

from .models import Indicator, Series, Target


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "description",
            "unit",
            "higher_is_better",
            "source",
            "council_number",
            "owner",
        ]


class KpiLinkForm(forms.Form):
    kpi_id = forms.RegexField(
        label=_("Kolada KPI"),
        regex=r"^[A-Za-z]\d{5}$",
        max_length=6,
        help_text=_("For example N15428."),
        error_messages={
            "invalid": _("A Kolada KPI id is a letter and five digits, for example N15428.")
        },
    )
    from_year = forms.IntegerField(label=_("From year"), required=False, validators=YEAR_VALIDATORS)
    to_year = forms.IntegerField(
        label=_("To year"),
        required=False,
        validators=YEAR_VALIDATORS,
        help_text=_("Leave empty while the KPI is still published."),
    )


class SeriesForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Series.Role.choices)
    area_code = forms.CharField(
        label=_("Kolada area id"),
        max_length=20,
        required=False,
        help_text=_(
            "0381 for Enköping, G37359 for a comparison group, 0000 for the whole country."
        ),
    )
    area_name = forms.CharField(label=_("Area"), max_length=200)
    gender = forms.ChoiceField(label=_("Gender"), choices=Series.Gender.choices)


class MeasurementForm(forms.Form):
    series = forms.ModelChoiceField(label=_("Series"), queryset=Series.objects.none())
    year = forms.IntegerField(label=_("Year"), validators=YEAR_VALIDATORS)
    value = forms.DecimalField(
        label=_("Value"),
        localize=True,
        max_digits=18,
        decimal_places=6,
        required=False,
        help_text=_("Leave empty to record that the value is missing."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        own_first = Case(
            When(role=Series.Role.OWN, then=0), When(role=Series.Role.COMPARISON, then=1), default=2
        )
        self.fields["series"].queryset = indicator.series.order_by(own_first, "gender", "area_name")


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["indicator", "baseline_value", "baseline_year", "target_value", "target_year"]
        localized_fields = ["baseline_value", "target_value"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Fill in the template. Nothing is imported if any row has a problem."),
    )
