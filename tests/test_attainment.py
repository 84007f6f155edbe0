"""Attainment is computed in one place; its properties hold for any mix of assessments."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from effekt.followup import attainment
from effekt.followup.attainment import Counts, counts_of

ASSESSMENTS = st.sampled_from(["fulfilled", "partly", "not_fulfilled", ""])
MIXES = st.lists(ASSESSMENTS, max_size=60)


@given(MIXES)
def test_attainment_stays_within_bounds(mix):
    value = attainment.attainment(counts_of(mix))
    if value is None:
        assert all(a == "" for a in mix)
    else:
        assert 0 <= value <= 1


@given(MIXES)
def test_turning_not_fulfilled_into_fulfilled_never_lowers_it(mix):
    mix = [*mix, "not_fulfilled"]
    before = attainment.attainment(counts_of(mix))
    index = mix.index("not_fulfilled")
    after = attainment.attainment(counts_of([*mix[:index], "fulfilled", *mix[index + 1 :]]))
    assert after >= before
    assert after > before  # one more realised goal among the same assessed ones


@given(MIXES, st.sampled_from(["partly", "fulfilled"]))
def test_any_improvement_never_lowers_it(mix, better):
    mix = [*mix, "not_fulfilled"]
    index = mix.index("not_fulfilled")
    improved = [*mix[:index], better, *mix[index + 1 :]]
    assert attainment.attainment(counts_of(improved)) >= attainment.attainment(counts_of(mix))


@given(MIXES, st.integers(min_value=1, max_value=20))
def test_unassessed_goals_never_change_it(mix, extra):
    assert attainment.attainment(counts_of(mix)) == attainment.attainment(
        counts_of(mix + [""] * extra)
    )


@given(MIXES)
def test_counts_add_up_and_colour_is_known(mix):
    counts = counts_of(mix)
    assert counts.total == len(mix)
    assert counts.not_assessed == mix.count("")
    assert attainment.colour(attainment.attainment(counts)) in {"green", "yellow", "red", "none"}


def test_the_seed_rule_with_known_numbers():
    # Enköping 2017: 58 % fulfilled, 37 % partly, 5 % not → 76.5 %
    counts = Counts(fulfilled=58, partly=37, not_fulfilled=5)
    assert attainment.attainment(counts) == Fraction(765, 1000)
    assert str(attainment.percent(attainment.attainment(counts))) == "76.5"
    assert attainment.colour(attainment.attainment(counts)) == "green"
    assert attainment.colour(Fraction(60, 100)) == "yellow"
    assert attainment.colour(Fraction(599, 1000)) == "red"
    assert attainment.attainment(Counts(not_assessed=3)) is None
    assert attainment.colour(None) == "none"
