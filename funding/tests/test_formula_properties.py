"""The formula on its own: pure functions, checked for any set of schools and inputs."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from funding.formula import PENNY, FormulaError, FormulaSpec, SchoolInput, SizeBand, calculate

pennies = st.integers(min_value=0, max_value=5_000_000).map(lambda p: Decimal(p) / 100)
weights = st.sampled_from(
    [Decimal("0.5"), Decimal("0.75"), Decimal("1"), Decimal("1.25"), Decimal("1.5"), Decimal("2")]
)


@st.composite
def school_sets(draw):
    pupils = draw(st.lists(st.integers(min_value=0, max_value=2500), min_size=1, max_size=30))
    urns = draw(
        st.lists(
            st.integers(min_value=100000, max_value=999999), min_size=len(pupils), max_size=len(pupils), unique=True
        )
    )
    phases = draw(
        st.lists(
            st.sampled_from(["Primary", "Secondary", "Not applicable"]), min_size=len(pupils), max_size=len(pupils)
        )
    )
    specials = draw(st.lists(st.booleans(), min_size=len(pupils), max_size=len(pupils)))
    return [
        SchoolInput(key=i, urn=urn, name=f"School {i}", pupils=p, phase=phase, is_special=special)
        for i, (p, urn, phase, special) in enumerate(zip(pupils, urns, phases, specials, strict=True))
    ]


@st.composite
def weightings(draw):
    return {
        "phase_weights": draw(st.dictionaries(st.sampled_from(["Primary", "Secondary"]), weights, max_size=2)),
        "special_weight": draw(st.none() | weights),
        "size_bands": draw(
            st.sampled_from([(), (SizeBand(0, 150, Decimal("1.5")), SizeBand(151, None, Decimal("1")))])
        ),
    }


def limits(draw_floor, draw_cap):
    floor, cap = draw_floor, draw_cap
    if floor is not None and cap is not None and floor > cap:
        floor, cap = cap, floor
    return floor, cap


def assert_lines_explain_the_total(result, spec):
    assert sum(line.amount for line in result.lines) == result.total
    for line in result.lines:
        assert line.amount == line.amount.quantize(PENNY)
        assert line.amount == line.rounded_down + line.rounding_adjustment
        assert line.rounding_adjustment in (Decimal("0"), PENNY)
        assert abs(line.amount - line.exact_amount) < PENNY
        if spec.floor is not None:
            assert line.amount >= spec.floor
        if spec.cap is not None:
            assert line.amount <= spec.cap


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    schools=school_sets(),
    lump=st.integers(min_value=0, max_value=200_000).map(lambda p: Decimal(p) / 100),
    rate=st.integers(min_value=0, max_value=10_000_000).map(lambda p: Decimal(p) / 10000),
    extra=weightings(),
    floor=st.none() | pennies,
    cap=st.none() | pennies,
)
def test_with_fixed_rates_the_parts_add_up_exactly_to_the_total_for_any_schools(schools, lump, rate, extra, floor, cap):
    floor, cap = limits(floor, cap)
    spec = FormulaSpec(lump_sum=lump, per_pupil_rate=rate, floor=floor, cap=cap, **extra)
    result = calculate(schools, spec)
    assert_lines_explain_the_total(result, spec)
    assert abs(result.total - sum(line.exact_amount for line in result.lines)) <= PENNY / 2 + Decimal("0.00001") * len(
        schools
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    schools=school_sets(),
    lump=st.integers(min_value=0, max_value=200_000).map(lambda p: Decimal(p) / 100),
    total=st.integers(min_value=1, max_value=20_000_000).map(lambda p: Decimal(p) / 100),
    extra=weightings(),
    floor=st.none() | pennies,
    cap=st.none() | pennies,
)
def test_with_a_fixed_total_the_solved_parts_add_up_exactly_or_the_formula_is_refused(
    schools, lump, total, extra, floor, cap
):
    floor, cap = limits(floor, cap)
    spec = FormulaSpec(lump_sum=lump, total=total, floor=floor, cap=cap, **extra)
    try:
        result = calculate(schools, spec)
    except FormulaError as error:
        assert "cannot be met" in str(error)
        return
    assert result.total == total
    assert result.per_pupil_rate >= 0
    assert_lines_explain_the_total(result, spec)


@settings(max_examples=60, deadline=None)
@given(
    schools=school_sets(), total=st.integers(min_value=100_000, max_value=10_000_000).map(lambda p: Decimal(p) / 100)
)
def test_a_school_with_more_weighted_pupils_never_pays_less_than_one_with_fewer(schools, total):
    assume(any(s.pupils for s in schools))
    result = calculate(schools, FormulaSpec(lump_sum=Decimal("0"), total=total))
    ordered = sorted(result.lines, key=lambda line: line.weighted_pupils)
    for smaller, larger in zip(ordered, ordered[1:], strict=False):
        assert larger.amount >= smaller.amount - PENNY


def test_leftover_pennies_go_to_the_largest_remainders_and_ties_to_the_lowest_urn():
    schools = [SchoolInput(key=i, urn=urn, name=str(urn), pupils=1) for i, urn in enumerate([300, 100, 200])]
    result = calculate(schools, FormulaSpec(total=Decimal("100.00")))
    # £33.333... each: one penny left over, to the lowest URN.
    assert {line.urn: line.amount for line in result.lines} == {
        100: Decimal("33.34"),
        200: Decimal("33.33"),
        300: Decimal("33.33"),
    }


def test_a_total_below_the_lump_sums_is_refused_with_a_clear_message():
    schools = [SchoolInput(key=i, urn=100 + i, name=f"S{i}", pupils=100) for i in range(3)]
    with pytest.raises(FormulaError, match=r"cannot be met: the lump sums and floors alone come to £1,500.00"):
        calculate(schools, FormulaSpec(lump_sum=Decimal("500"), total=Decimal("1000.00")))


def test_a_total_above_what_the_caps_allow_is_refused_with_a_clear_message():
    schools = [SchoolInput(key=i, urn=100 + i, name=f"S{i}", pupils=100) for i in range(3)]
    with pytest.raises(FormulaError, match=r"the most the formula can raise is £6,000.00"):
        calculate(schools, FormulaSpec(lump_sum=Decimal("500"), total=Decimal("7000.00"), cap=Decimal("2000.00")))


def test_no_schools_and_negative_inputs_are_refused():
    with pytest.raises(FormulaError, match="no schools"):
        calculate([], FormulaSpec(total=Decimal("100.00")))
    school = [SchoolInput(key=1, urn=1, name="A", pupils=10)]
    with pytest.raises(FormulaError, match="lump sum cannot be negative"):
        calculate(school, FormulaSpec(lump_sum=Decimal("-1"), total=Decimal("100.00")))
    with pytest.raises(FormulaError, match="per-pupil rate cannot be negative"):
        calculate(school, FormulaSpec(per_pupil_rate=Decimal("-1")))


def test_weightings_multiply_the_per_pupil_part_and_say_why():
    schools = [
        SchoolInput(key=1, urn=1, name="High", pupils=100, phase="Secondary"),
        SchoolInput(key=2, urn=2, name="Special", pupils=100, phase="Not applicable", is_special=True),
    ]
    spec = FormulaSpec(
        lump_sum=Decimal("100"),
        per_pupil_rate=Decimal("10"),
        phase_weights={"Secondary": Decimal("1.2")},
        special_weight=Decimal("1.5"),
    )
    high, special = calculate(schools, spec).lines
    assert high.amount == Decimal("1300.00") and high.weight_reasons == ("Secondary phase × 1.2",)
    assert special.amount == Decimal("1600.00") and special.weight_reasons == ("special school × 1.5",)


def test_a_phase_weighting_matches_the_phase_whatever_its_case():
    school = [SchoolInput(key=1, urn=1, name="High", pupils=10, phase="Secondary")]
    spec = FormulaSpec(per_pupil_rate=Decimal("10"), phase_weights={"secondary": Decimal("2")})
    assert calculate(school, spec).lines[0].amount == Decimal("200.00")
