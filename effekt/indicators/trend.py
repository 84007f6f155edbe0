"""The trend judgement of a series, in the indicator's desired direction.

Robust and conservative: the Mann–Kendall test (Kendall's tau of value against year) decides
whether there is a monotonic trend at all; the Theil–Sen estimator gives its size per year. With
fewer than MIN_VALUES values the answer is "too few values", never a guess.
"""

import math
from dataclasses import dataclass
from enum import StrEnum

from django.utils import formats
from django.utils.translation import gettext as _
from scipy import stats

MIN_VALUES = 5
SIGNIFICANCE = 0.05


class Judgement(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    NO_CLEAR_TREND = "none"
    TOO_FEW = "too_few"


@dataclass(frozen=True)
class Trend:
    judgement: Judgement
    n: int
    slope: float | None = None  # change per year, in the series' unit
    p_value: float | None = None
    first_year: int | None = None
    last_year: int | None = None

    @property
    def label(self) -> str:
        return {
            Judgement.POSITIVE: _("Positive trend"),
            Judgement.NEGATIVE: _("Negative trend"),
            Judgement.NO_CLEAR_TREND: _("No clear trend"),
            Judgement.TOO_FEW: _("Too few values"),
        }[self.judgement]

    def sentence(self, unit: str = "") -> str:
        """A plain Swedish (or English) sentence explaining the judgement."""
        if self.judgement == Judgement.TOO_FEW:
            return _("There are %(n)s values; at least %(min)s are needed to judge a trend.") % {
                "n": self.n,
                "min": MIN_VALUES,
            }
        change = formats.number_format(abs(self.slope or 0), decimal_pos=2, use_l10n=True)
        unit = f" {unit}" if unit else ""
        direction = _("risen") if (self.slope or 0) >= 0 else _("fallen")
        p = (
            "< " + formats.number_format(0.001, decimal_pos=3, use_l10n=True)
            if self.p_value < 0.001
            else "= " + formats.number_format(self.p_value, decimal_pos=3, use_l10n=True)
        )
        values = {
            "direction": direction,
            "change": change,
            "unit": unit,
            "first": self.first_year,
            "last": self.last_year,
            "n": self.n,
            "p": p,
        }
        if self.judgement == Judgement.NO_CLEAR_TREND:
            return (
                _(
                    "The %(n)s values from %(first)s to %(last)s show no clear direction: the changes "
                    "are within what chance could give (p %(p)s)."
                )
                % values
            )
        if self.judgement == Judgement.POSITIVE:
            return (
                _(
                    "The value has %(direction)s by about %(change)s%(unit)s a year from %(first)s to "
                    "%(last)s, in the desired direction; the trend is clear (p %(p)s)."
                )
                % values
            )
        return (
            _(
                "The value has %(direction)s by about %(change)s%(unit)s a year from %(first)s to "
                "%(last)s, against the desired direction; the trend is clear (p %(p)s)."
            )
            % values
        )


def judge(points, *, higher_is_better: bool) -> Trend:
    """`points`: (year, value) pairs; values may be None (left out)."""
    clean = sorted((int(year), float(value)) for year, value in points if value is not None)
    clean = [(y, v) for y, v in clean if math.isfinite(v)]
    n = len(clean)
    if n < MIN_VALUES:
        return Trend(Judgement.TOO_FEW, n)
    years = [y for y, _v in clean]
    values = [v for _y, v in clean]
    first, last = years[0], years[-1]
    if len(set(values)) == 1:
        return Trend(Judgement.NO_CLEAR_TREND, n, 0.0, 1.0, first, last)
    tau, p_value = stats.kendalltau(years, values)
    slope = float(stats.theilslopes(values, years).slope)
    if math.isnan(tau) or math.isnan(p_value) or p_value >= SIGNIFICANCE or tau == 0:
        return Trend(Judgement.NO_CLEAR_TREND, n, slope, _finite(p_value), first, last)
    improving = (tau > 0) == higher_is_better
    judgement = Judgement.POSITIVE if improving else Judgement.NEGATIVE
    return Trend(judgement, n, slope, float(p_value), first, last)


def _finite(value):
    return 1.0 if value is None or math.isnan(value) else float(value)
