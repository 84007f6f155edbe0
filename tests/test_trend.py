"""The trend judgement: property tests (hypothesis) and known cases."""

from hypothesis import assume, given
from hypothesis import strategies as st

from effekt.indicators.trend import MIN_VALUES, Judgement, judge

YEARS = st.integers(min_value=1990, max_value=2080)
VALUES = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def strictly_increasing(draw):
    n = draw(st.integers(min_value=2, max_value=25))
    start = draw(YEARS)
    steps = draw(st.lists(st.floats(min_value=0.01, max_value=1000), min_size=n, max_size=n))
    value, points = draw(VALUES), []
    for i, step in enumerate(steps):
        value += step
        points.append((start + i, value))
    return points


@given(strictly_increasing(), st.booleans())
def test_a_strictly_improving_series_is_never_judged_negative(points, higher_is_better):
    if not higher_is_better:
        points = [(year, -value) for year, value in points]  # falling is improving
    assert judge(points, higher_is_better=higher_is_better).judgement != Judgement.NEGATIVE


@given(st.lists(st.tuples(YEARS, VALUES), max_size=30, unique_by=lambda p: p[0]))
def test_flipping_the_desired_direction_flips_the_judgement(points):
    up = judge(points, higher_is_better=True).judgement
    down = judge(points, higher_is_better=False).judgement
    flipped = {
        Judgement.POSITIVE: Judgement.NEGATIVE,
        Judgement.NEGATIVE: Judgement.POSITIVE,
        Judgement.NO_CLEAR_TREND: Judgement.NO_CLEAR_TREND,
        Judgement.TOO_FEW: Judgement.TOO_FEW,
    }
    assert down == flipped[up]


@given(
    st.lists(st.tuples(YEARS, VALUES), max_size=MIN_VALUES - 1, unique_by=lambda p: p[0]),
    st.booleans(),
)
def test_too_few_values_say_so(points, higher_is_better):
    assert judge(points, higher_is_better=higher_is_better).judgement == Judgement.TOO_FEW


@given(
    st.lists(st.tuples(YEARS, VALUES), min_size=MIN_VALUES, max_size=30, unique_by=lambda p: p[0])
)
def test_missing_values_are_left_out_not_guessed(points):
    assume(len(points) >= MIN_VALUES)
    holes = [(year + 200, None) for year, _v in points]
    assert judge(points + holes, higher_is_better=True) == judge(points, higher_is_better=True)


def test_known_cases_and_the_sentence():
    rising = [(2010 + i, 50 + 2 * i) for i in range(8)]
    trend = judge(rising, higher_is_better=True)
    assert trend.judgement == Judgement.POSITIVE and round(trend.slope, 6) == 2
    assert "2010" in trend.sentence("%") and "2017" in trend.sentence("%")
    assert judge(rising, higher_is_better=False).judgement == Judgement.NEGATIVE
    noisy = [(2010, 5), (2011, 7), (2012, 4), (2013, 6), (2014, 5), (2015, 6)]
    assert judge(noisy, higher_is_better=True).judgement == Judgement.NO_CLEAR_TREND
    flat = [(2010 + i, 3) for i in range(6)]
    assert judge(flat, higher_is_better=True).judgement == Judgement.NO_CLEAR_TREND
    assert "5" in judge(rising[:3], higher_is_better=True).sentence()
