"""Demo indicators: the council's ten with the Kolada KPIs proposed in shared/kolada/README.md,
and the measures of Socialnämnden's real 2019 effect goals.

No real Kolada values for Enköping were available offline, so the demo series are made up
(marked "Demovärde" in their note and entered as by hand) except the few figures Enköping itself
published, which are marked as such. `manage.py kolada --user …` replaces them with Kolada's.
Everything goes through the domain operations, as the executive office and the board would.
"""

from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from effekt.goals.models import EffectGoal
from effekt.organisations.models import Organisation

from . import services
from .models import Indicator, Measurement, Series, Target

COMPARISON = ("G37359", "Liknande kommuner, övergripande, Enköping")
COUNTRY = ("0000", "Riket")
DEMO_NOTE = "Demovärde (påhittat) – hämta från Kolada för riktiga värden"

# number, name, unit, higher is better, [(kpi, title, from, to)], start value, yearly change
COUNCIL = [
    (
        1,
        "Utvecklande skola",
        "%",
        True,
        [
            (
                "N15428",
                "Elever i åk 9 som är behöriga till yrkesprogram, hemkommun, andel (%)",
                None,
                None,
            )
        ],
        84.0,
        0.6,
    ),
    (
        2,
        "Minskat utanförskap",
        "%",
        False,
        [
            (
                "N31807",
                "Invånare som någon gång under året erhållit ekonomiskt bistånd, andel (%) av befolkningen",
                None,
                None,
            )
        ],
        4.6,
        -0.12,
    ),
    (
        3,
        "Mer demokrati",
        "%",
        True,
        [("N05401", "Valdeltagande i senaste kommunalvalet, andel (%)", None, None)],
        82.0,
        0.3,
    ),
    (
        4,
        "Tryggare vardag",
        "index",
        True,
        [
            ("U00405", "Nöjd Region-Index – Trygghet (-2020)", None, 2019),
            ("N00610", "Trygg utomhus när det är mörkt", 2020, None),
        ],
        58.0,
        0.1,
    ),
    (
        5,
        "Nöjdare näringsliv",
        "NKI",
        True,
        [
            ("U07451", "Företagsklimat Insikt – Totalt NKI (gammal definition, -2024)", None, 2023),
            ("U07453", "Företagsklimat Insikt – Totalt NKI (ny definition)", 2024, None),
        ],
        63.0,
        1.1,
    ),
    (
        6,
        "Bättre bemötande",
        "index",
        True,
        [
            ("U00400", "Nöjd Medborgar-Index – Bemötande, tillgänglighet (-2020)", None, 2019),
            ("N00640", "Bra bemötande vid kontakt med tjänsteperson", 2020, None),
        ],
        60.0,
        0.0,
    ),
    (
        7,
        "Utveckla hela kommunen",
        "%",
        True,
        [("N01963", "Befolkningsförändring sedan föregående år, procent", None, None)],
        1.1,
        0.05,
    ),
    (
        8,
        "Ökad turism",
        "nätter/inv.",
        True,
        [("N45850", "Gästnätter, antal nätter, totalt per invånare", None, None)],
        2.1,
        0.04,
    ),
    (
        9,
        "Större miljöansvar",
        "%",
        True,
        [
            ("U00437", "Miljöbilar i kommunorganisationen, andel (%) (-2020)", None, 2019),
            ("U00502", "Fossiloberoende fordon i kommunorganisationen, andel (%)", 2020, None),
        ],
        31.0,
        3.5,
    ),
    (
        10,
        "Nöjdare Enköping",
        "index",
        True,
        [
            ("U00402", "Nöjd Region-Index – Helheten (-2020)", None, 2019),
            ("N00667", "Kommunen är en bra plats att bo och leva på", 2020, None),
        ],
        60.0,
        0.4,
    ),
]
YEARS = range(2010, 2020)

# Socialnämnden 2019 (enkoping.md §6, real): measure, unit, higher is better, KPI, baseline, target
SOCIAL_MEASURES = [
    (
        "Andelen personer som inte är aktuella för försörjningsstöd igen",
        "Ej återaktualiserade vuxna med försörjningsstöd ett år efter avslut",
        "%",
        True,
        "U31462",
        62,
        74,
    ),
    (
        "Antalet placeringar i privata familjehem ska minska",
        "Årsplaceringar i privata familjehem",
        "antal",
        False,
        "",
        8,
        7,
    ),
    (
        "Fler invånare ska uppleva att deras situation har förbättrats",
        "Brukare som upplever att situationen har förbättrats",
        "%",
        True,
        "",
        81,
        84,
    ),
]


def already_loaded() -> bool:
    return Indicator.objects.exists()


def _user(username):
    return get_user_model().objects.get(username=username)


def _demo_value(start, change, index, wobble):
    return Decimal(str(round(start + change * index + wobble[index % len(wobble)], 2)))


def load(report: Callable[[str], None] = lambda message: None) -> dict:
    office, social = _user("demo-kontoret"), _user("demo-social")
    wobble = [0.0, 0.4, -0.3, 0.2, -0.1, 0.3, -0.4, 0.1, 0.0, 0.2]
    with transaction.atomic():
        report("Indicators: the council's ten…")
        for number, name, unit, higher, kpis, start, change in COUNCIL:
            indicator = services.indicator_save(
                user=office,
                data={
                    "name": name,
                    "unit": unit,
                    "higher_is_better": higher,
                    "source": Indicator.Source.KOLADA,
                    "council_number": number,
                },
            )
            for kpi_id, title, first, last in kpis:
                services.kpi_link_save(
                    user=office,
                    indicator=indicator,
                    kpi_id=kpi_id,
                    kpi_title=title,
                    from_year=first,
                    to_year=last,
                )
            comparison = services.series_add(
                user=office,
                indicator=indicator,
                role=Series.Role.COMPARISON,
                area_code=COMPARISON[0],
                area_name=COMPARISON[1],
            )
            country = services.series_add(
                user=office,
                indicator=indicator,
                role=Series.Role.COUNTRY,
                area_code=COUNTRY[0],
                area_name=COUNTRY[1],
            )
            own = indicator.series.get(role=Series.Role.OWN)
            years = list(YEARS) if number != 3 else [2010, 2014, 2018]  # elections only
            for index, year in enumerate(years):
                for series, shift in ((own, 0.0), (comparison, 0.8), (country, 1.5)):
                    services.measurement_set(
                        user=office,
                        series=series,
                        year=year,
                        value=_demo_value(
                            start + shift, change * (0.6 if shift else 1), index, wobble
                        ),
                        note=DEMO_NOTE,
                    )
        report("Indicators: Socialnämnden's measures…")
        sn = Organisation.objects.get(name="Socialnämnden")
        for goal_start, name, unit, higher, kpi_id, baseline, target in SOCIAL_MEASURES:
            indicator = services.indicator_save(
                user=social,
                data={
                    "name": name,
                    "unit": unit,
                    "higher_is_better": higher,
                    "owner": sn,
                    "source": Indicator.Source.KOLADA if kpi_id else Indicator.Source.MANUAL,
                },
            )
            if kpi_id:
                services.kpi_link_save(
                    user=office, indicator=indicator, kpi_id=kpi_id, to_year=2023
                )
            services.measurement_set(
                user=social,
                series=indicator.series.get(),
                year=2018,
                value=Decimal(baseline),
                note="Uppgift från Socialnämndens plan 2019",
            )
            goal = (
                EffectGoal.objects.filter(
                    plan__organisation=sn, plan__year=2019, title__startswith=goal_start[:40]
                )
                .select_related("plan")
                .first()
            )
            if goal is not None and not goal.plan.is_adopted:
                services.target_save(
                    user=social,
                    effect_goal=goal,
                    data={
                        "indicator": indicator,
                        "baseline_value": Decimal(baseline),
                        "baseline_year": 2018,
                        "target_value": Decimal(target),
                        "target_year": 2019,
                    },
                )
    return {
        str(Indicator._meta.verbose_name_plural): Indicator.objects.count(),
        str(Measurement._meta.verbose_name_plural): Measurement.objects.count(),
        str(Target._meta.verbose_name_plural): Target.objects.count(),
    }
