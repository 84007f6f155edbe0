"""Pages of indicators: the council's ten, one indicator with its chart and numbers, entering
values, the Excel template and import, and fetching from Kolada."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from effekt.core.views import form_page
from effekt.goals.models import EffectGoal
from effekt.organisations import access
from effekt.organisations.access import Action

from . import charts, selectors, services
from .forms import ImportForm, IndicatorForm, KpiLinkForm, MeasurementForm, SeriesForm, TargetForm
from .models import Indicator, KoladaFetch, Target


def _chart(view, chart_id, small=False):
    lines = [(str(s.series), [(y, v) for y, v, _m in s.points]) for s in view.series]
    latest = view.own.latest if view.own else None
    description = view.trend.sentence(view.indicator.unit)
    if latest and latest[1] is not None:
        value = formats.number_format(latest[1], decimal_pos=1, use_l10n=True)
        description = _("Latest value %(value)s (%(year)s). %(trend)s") % {
            "value": f"{value} {view.indicator.unit}".strip(),
            "year": latest[0],
            "trend": description,
        }
    targets = [] if small else [(t.target_year, t.target_value) for t in view.targets]
    return charts.line_chart(
        chart_id=chart_id,
        title=str(view.indicator),
        description=description,
        lines=lines,
        unit=view.indicator.unit,
        targets=targets,
        breaks=view.own.breaks if view.own else (),
    )


@login_required
def overview(request):
    views = selectors.council_indicators(request.user)
    return render(
        request,
        "indicators/overview.html",
        {
            "rows": [(v, _chart(v, f"chart-{v.indicator.pk}", small=True)) for v in views],
            "others": selectors.other_indicators(),
            "may_create": access.can(request.user, Action.CREATE, Indicator),
            "last_fetch": KoladaFetch.objects.filter(finished_at__isnull=False, error="").first(),
        },
    )


@login_required
def indicator_detail(request, pk):
    try:
        view = selectors.indicator_view(pk, request.user)
    except Indicator.DoesNotExist as exc:
        raise Http404 from exc
    years = view.years
    table = [
        (
            series_view,
            [dict((y, (v, m)) for y, v, m in series_view.points).get(year) for year in years],
        )
        for series_view in view.series
    ]
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "view": view,
            "chart": _chart(view, "chart"),
            "years": years,
            "table": table,
            "may_change": access.can(request.user, Action.CHANGE, view.indicator),
            "kolada_sources": sorted(
                {m.fetched_at for s in view.series for _y, _v, m in s.points if m.fetched_at}
            ),
        },
    )


@login_required
def indicator_edit(request, pk=None):
    indicator = get_object_or_404(Indicator, pk=pk) if pk else None
    access.require(
        request.user, Action.CHANGE if indicator else Action.CREATE, indicator or Indicator
    )
    form = IndicatorForm(request.POST or None, instance=indicator)
    return form_page(
        request,
        form=form,
        save=lambda data: services.indicator_save(
            user=request.user, indicator=indicator, data=data
        ),
        title=_("Change indicator") if indicator else _("New indicator"),
        success_message=_("The indicator has been saved."),
        cancel_url=indicator.get_absolute_url() if indicator else reverse("indicators:overview"),
    )


def _indicator_for_change(request, pk):
    indicator = get_object_or_404(Indicator, pk=pk)
    access.require(request.user, Action.CHANGE, indicator)
    return indicator


@login_required
def measurement_add(request, pk):
    indicator = _indicator_for_change(request, pk)
    form = MeasurementForm(request.POST or None, indicator=indicator)
    return form_page(
        request,
        form=form,
        save=lambda data: services.measurement_set(user=request.user, **data),
        title=_("Enter a value"),
        success_message=_("The value has been saved."),
        cancel_url=indicator.get_absolute_url(),
        success_url=indicator.get_absolute_url(),
        context={"context_line": str(indicator)},
    )


@login_required
def series_add(request, pk):
    indicator = _indicator_for_change(request, pk)
    form = SeriesForm(request.POST or None)
    return form_page(
        request,
        form=form,
        save=lambda data: services.series_add(user=request.user, indicator=indicator, **data),
        title=_("Add a series"),
        success_message=_("The series has been added."),
        cancel_url=indicator.get_absolute_url(),
        success_url=indicator.get_absolute_url(),
        context={"context_line": str(indicator)},
    )


@login_required
def kpi_link_add(request, pk):
    indicator = _indicator_for_change(request, pk)
    form = KpiLinkForm(request.POST or None)
    return form_page(
        request,
        form=form,
        save=lambda data: services.kpi_link_save(user=request.user, indicator=indicator, **data),
        title=_("Feed from a Kolada KPI"),
        success_message=_("The KPI has been saved. Fetch from Kolada to get its values."),
        cancel_url=indicator.get_absolute_url(),
        success_url=indicator.get_absolute_url(),
        context={
            "context_line": str(indicator),
            "intro": _(
                "When Kolada retires a KPI and replaces it, add the new one from the year it starts: the indicator keeps one series and the break is shown."
            ),
        },
    )


@login_required
@require_POST
def kolada_fetch(request, pk):
    from .kolada import KoladaError, fetch_summary, kolada_import

    indicator = _indicator_for_change(request, pk)
    try:
        fetch = kolada_import(user=request.user, indicators=[indicator])
    except (KoladaError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, fetch_summary(fetch))
    return redirect(indicator)


@login_required
def excel_template(request):
    from .excel import template_workbook

    indicators = [i for i in Indicator.objects.all() if access.can(request.user, Action.CHANGE, i)]
    response = HttpResponse(
        template_workbook(indicators),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="matvarden.xlsx"'
    return response


@login_required
def excel_import(request):
    from .excel import import_workbook

    if not access.can(request.user, Action.CREATE, Indicator):
        raise access.PermissionDenied(_("You do not have permission to do this."))
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = import_workbook(user=request.user, file=form.cleaned_data["file"])
        except ValidationError as error:
            problems = getattr(error, "problems", None) or [("", "", "", m) for m in error.messages]
        else:
            messages.success(
                request,
                _("The file has been imported: %(created)s new and %(updated)s changed values.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("indicators:overview")
    return render(
        request,
        "indicators/import.html",
        {"form": form, "problems": problems},
        status=400 if request.method == "POST" else 200,
    )


def _goal_for_change(request, goal):
    if not access.can(request.user, Action.VIEW, goal):
        raise Http404  # as on the effect goal's page: a draft of another organisation is not there
    access.require(request.user, Action.CHANGE, goal)
    return goal


@login_required
def target_edit(request, goal_pk=None, pk=None):
    target = (
        get_object_or_404(Target.objects.select_related("effect_goal__plan"), pk=pk) if pk else None
    )
    goal = _goal_for_change(
        request,
        target.effect_goal
        if target
        else get_object_or_404(EffectGoal.objects.select_related("plan__organisation"), pk=goal_pk),
    )
    form = TargetForm(request.POST or None, instance=target)
    return form_page(
        request,
        form=form,
        save=lambda data: services.target_save(
            user=request.user, effect_goal=goal, target=target, data=data
        ),
        title=_("Change the measure") if target else _("Add a measure"),
        success_message=_("The measure has been saved."),
        cancel_url=goal.get_absolute_url(),
        success_url=goal.get_absolute_url(),
        context={
            "context_line": str(goal),
            "intro": _(
                "An indicator with a target, for example from 62 per cent in 2018 to 74 per cent in 2019."
            ),
        },
    )
