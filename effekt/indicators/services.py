"""Domain operations on indicators: definitions, series, measurements by hand and targets.
(Kolada and Excel imports are in kolada.py and excel.py and call the same checks.)"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from effekt.core.services import create_audited, delete_audited, update_audited
from effekt.organisations import access
from effekt.organisations.access import Action

from .models import Indicator, KpiLink, Measurement, Series, Target


def indicator_save(*, user, indicator=None, data):
    access.require(user, Action.CHANGE if indicator else Action.CREATE, indicator or Indicator)
    # The indicator as it will be saved must be the user's to change too: a board's editor
    # neither makes measures for another organisation nor turns one into a council indicator.
    access.require(
        user,
        Action.CHANGE,
        Indicator(
            owner=data["owner"] if "owner" in data else getattr(indicator, "owner", None),
            council_number=data.get("council_number", getattr(indicator, "council_number", None)),
        ),
    )
    if indicator is None:
        indicator = create_audited(user=user, obj=Indicator(**data))
        create_audited(
            user=user,
            obj=Series(
                indicator=indicator,
                role=Series.Role.OWN,
                area_code=_own_code(),
                area_name=_own_name(),
            ),
        )
        return indicator
    return update_audited(user=user, obj=indicator, data=data)


def _own_code():
    return settings.EFFEKT_MUNICIPALITY_CODE


def _own_name():
    return settings.EFFEKT_MUNICIPALITY_NAME


def kpi_link_save(*, user, indicator, kpi_id, kpi_title="", from_year=None, to_year=None):
    access.require(user, Action.CHANGE, indicator)
    kpi_id = (kpi_id or "").strip().upper()
    if from_year and to_year and to_year < from_year:
        raise ValidationError({"to_year": _("The last year must not be before the first year.")})
    for link in indicator.kpi_links.exclude(kpi_id=kpi_id):
        overlaps = (from_year is None or link.to_year is None or from_year <= link.to_year) and (
            to_year is None or link.from_year is None or to_year >= link.from_year
        )
        if overlaps:
            raise ValidationError(
                {"from_year": _("The years overlap those of %(kpi)s.") % {"kpi": link}}
            )
    link = indicator.kpi_links.filter(kpi_id=kpi_id).first()
    data = {"kpi_title": kpi_title, "from_year": from_year, "to_year": to_year}
    if link is None:
        return create_audited(user=user, obj=KpiLink(indicator=indicator, kpi_id=kpi_id, **data))
    return update_audited(user=user, obj=link, data=data)


def series_add(*, user, indicator, role, area_code, area_name, gender=Series.Gender.TOTAL):
    access.require(user, Action.CHANGE, indicator)
    return create_audited(
        user=user,
        obj=Series(
            indicator=indicator,
            role=role,
            area_code=area_code.strip(),
            area_name=area_name.strip(),
            gender=gender,
        ),
    )


def series_delete(*, user, series):
    access.require(user, Action.DELETE, series)
    delete_audited(user=user, obj=series)


@transaction.atomic
def measurement_set(*, user, series, year, value, note="", source=Indicator.Source.MANUAL):
    """Enter or correct one value (follow-up is continuous: any time). None clears it."""
    access.require(user, Action.CHANGE, series)
    existing = Measurement.objects.filter(series=series, year=year).first()
    data = {"value": value, "note": note, "source": source}
    if existing is None:
        return create_audited(user=user, obj=Measurement(series=series, year=year, **data))
    return update_audited(user=user, obj=existing, data={**data, "kpi_id": "", "fetched_at": None})


def measurement_delete(*, user, measurement):
    access.require(user, Action.DELETE, measurement)
    delete_audited(user=user, obj=measurement)


def _check_target(data):
    base_year, target_year = data.get("baseline_year"), data.get("target_year")
    if base_year and target_year and target_year < base_year:
        raise ValidationError(
            {"target_year": _("The target year must not be before the starting year.")}
        )
    if (data.get("baseline_value") is None) != (base_year is None):
        raise ValidationError(
            {"baseline_year": _("Give both the starting value and its year, or neither.")}
        )


def target_save(*, user, effect_goal=None, target=None, data):
    goal = target.effect_goal if target else effect_goal
    access.require(user, Action.CHANGE, goal)
    _check_target(data)
    if target is None:
        return create_audited(user=user, obj=Target(effect_goal=goal, **data))
    return update_audited(user=user, obj=target, data=data)


def target_delete(*, user, target):
    access.require(user, Action.CHANGE, target.effect_goal)
    delete_audited(user=user, obj=target)
