"""Goal attainment, computed in one place.

The seed: the more effect goals that are fulfilled, the more the strategic goal has been
realised. Fulfilled counts 1, partly fulfilled ½, not fulfilled 0, over the assessed goals only;
unassessed goals are shown apart and never counted as failures.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

WEIGHTS = {"fulfilled": Fraction(1), "partly": Fraction(1, 2), "not_fulfilled": Fraction(0)}

DEFAULT_GREEN = Decimal("75")  # Upplevelsenämnden's scale: green ≥ 75 %, yellow 60–74 %, red below
DEFAULT_YELLOW = Decimal("60")


@dataclass(frozen=True)
class Counts:
    fulfilled: int = 0
    partly: int = 0
    not_fulfilled: int = 0
    not_assessed: int = 0

    @property
    def assessed(self) -> int:
        return self.fulfilled + self.partly + self.not_fulfilled

    @property
    def total(self) -> int:
        return self.assessed + self.not_assessed

    def add(self, assessment: str | None) -> "Counts":
        field = assessment if assessment in WEIGHTS else "not_assessed"
        return Counts(**{**self.__dict__, field: getattr(self, field) + 1})


def counts_of(assessments) -> Counts:
    result = Counts()
    for assessment in assessments:
        result = result.add(assessment)
    return result


def attainment(counts: Counts) -> Fraction | None:
    """Share of the assessed effect goals realised, between 0 and 1; None if none is assessed."""
    if counts.assessed == 0:
        return None
    score = (
        counts.fulfilled * WEIGHTS["fulfilled"]
        + counts.partly * WEIGHTS["partly"]
        + counts.not_fulfilled * WEIGHTS["not_fulfilled"]
    )
    return score / counts.assessed


def percent(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(Decimal("0.1"))


def colour(value: Fraction | None, green=DEFAULT_GREEN, yellow=DEFAULT_YELLOW) -> str:
    """'green', 'yellow', 'red', or 'none' when nothing is assessed."""
    pct = percent(value)
    if pct is None:
        return "none"
    if pct >= green:
        return "green"
    if pct >= yellow:
        return "yellow"
    return "red"
