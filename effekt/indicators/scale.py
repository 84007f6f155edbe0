"""The generated municipality's indicators (see effekt/core/scale.py).

The council's ten indicators (from Kolada) and about 660 measures kept by the organisations
(by hand), each with the municipality's, a comparison group's and the country's series over 20
years: about 2,000 series and 40,000 values at scale 1. Every third effect goal of every plan
has a target on one of its organisation's measures.
"""

import datetime
from decimal import Decimal

from django.conf import settings

from .models import Indicator, KpiLink, Measurement, Series, Target

SERIES_YEARS = 20
COUNCIL_INDICATORS = 10
MEASURES = 657
AREAS = (
    (Series.Role.COMPARISON, "G37359", "Liknande kommuner"),
    (Series.Role.COUNTRY, "0000", "Riket"),
)
UNITS = ("%", "antal", "kr", "dagar", "index")


def _indicators(gen):
    council = [
        Indicator(
            name=f"Kommunindikator {gen.words(2, 4)}",
            unit=gen.rng.choice(UNITS),
            higher_is_better=gen.rng.random() < 0.8,
            source=Indicator.Source.KOLADA,
            council_number=number,
        )
        for number in range(1, COUNCIL_INDICATORS + 1)
    ]
    owners = gen.planning_organisations
    measures = [
        Indicator(
            name=f"Andel {gen.words(2, 5)} {n + 1}",
            unit=gen.rng.choice(UNITS),
            higher_is_better=gen.rng.random() < 0.7,
            source=Indicator.Source.MANUAL,
            owner=owners[n % len(owners)],
        )
        for n in range(gen.scaled(MEASURES))
    ]
    indicators = gen.bulk(Indicator, [*council, *measures])
    gen.bulk(
        KpiLink,
        [
            KpiLink(indicator=indicator, kpi_id=f"N{10000 + indicator.council_number}")
            for indicator in council
        ],
    )
    return indicators


def _series(gen, indicators):
    series = []
    for indicator in indicators:
        series.append(
            Series(
                indicator=indicator,
                role=Series.Role.OWN,
                area_code=settings.EFFEKT_MUNICIPALITY_CODE,
                area_name=settings.EFFEKT_MUNICIPALITY_NAME,
            )
        )
        series += [
            Series(indicator=indicator, role=role, area_code=code, area_name=name)
            for role, code, name in AREAS
        ]
    gen.bulk(Series, series)
    fetched = datetime.datetime(gen.last_year, 3, 1, tzinfo=datetime.UTC)
    values = []
    for line in series:
        kolada = line.indicator.source == Indicator.Source.KOLADA
        value = gen.rng.uniform(20, 80)
        for year in range(gen.last_year - SERIES_YEARS, gen.last_year):
            value = min(100.0, max(0.0, value + gen.rng.uniform(-3, 4)))
            values.append(
                Measurement(
                    series=line,
                    year=year,
                    value=Decimal(f"{value:.1f}"),
                    source=line.indicator.source,
                    kpi_id=f"N{10000 + line.indicator.council_number}" if kolada else "",
                    fetched_at=fetched if kolada else None,
                )
            )
    gen.bulk(Measurement, values)
    gen.history(
        values,
        organisation_of=lambda value: value.series.indicator.owner_id,
        created=lambda value: datetime.date(value.year + 1, 3, 1),
        changes=(0, 1),
    )


def _targets(gen, indicators):
    owned = {}
    for indicator in indicators:
        owned.setdefault(indicator.owner_id, []).append(indicator)
    targets = []
    for (organisation_id, year), plan in gen.plans.items():
        choices = owned.get(organisation_id) or owned[None]
        for goal in gen.effect_goals[plan.pk][::3]:
            targets.append(
                Target(
                    effect_goal=goal,
                    indicator=gen.rng.choice(choices),
                    baseline_value=Decimal(gen.rng.randint(20, 60)),
                    baseline_year=year - 1,
                    target_value=Decimal(gen.rng.randint(60, 90)),
                    target_year=year,
                )
            )
    gen.bulk(Target, targets)


def generate(gen):
    gen.report("Indicators and their series…")
    indicators = _indicators(gen)
    _series(gen, indicators)
    _targets(gen, indicators)
