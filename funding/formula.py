"""The common funding formula, as pure functions on plain data (no ORM), so it can be
property-tested and so every figure it produces can be explained line by line.

A school's contribution is

    amount = lump sum + per-pupil rate x pupils x weighting

kept between the floor and the cap when they are set. The weighting multiplies the
per-pupil part only and is the product of every weighting that applies to the school (its
phase, being a special school, its size band). The formula runs in one of two modes:

- fixed rates: the per-pupil rate is given; the total is whatever the parts add up to,
  rounded to the penny;
- fixed total: the total to raise is given and the per-pupil rate is solved so the
  (floored and capped) amounts add up to it. The sum is piecewise linear and never
  decreasing in the rate, so it is solved exactly between the rates where a school reaches
  its floor or its cap. A total that lump sums, floors and caps make unreachable is refused.

Rounding (ROUNDING_RULE): every exact amount is rounded down to the penny; the pennies left
over go one each to the schools with the largest remainders, ties to the lowest URN. The
rounded parts therefore always add up exactly to the total, and no part is more than a
penny away from its exact amount.
"""

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal, localcontext

PENNY = Decimal("0.01")
ONE = Decimal("1")
ZERO = Decimal("0")
RATE_PLACES = Decimal("0.0000000001")  # the solved per-pupil rate is kept to 10 decimal places
EXACT_PLACES = Decimal("0.000001")  # exact amounts are kept to a millionth of a pound
PRECISION = 50

ROUNDING_RULE = (
    "Each amount is rounded down to the penny; the pennies left over go one each to the schools "
    "with the largest remainders, ties to the lowest URN, so the contributions add up exactly to the total."
)


class FormulaError(ValueError):
    """The inputs cannot produce contributions; the message says why, for the person who set them."""


@dataclass(frozen=True)
class SchoolInput:
    key: int  # the caller's id for the school
    urn: int
    name: str
    pupils: int
    phase: str = ""
    is_special: bool = False


@dataclass(frozen=True)
class SizeBand:
    """Schools with min_pupils <= pupils <= max_pupils (no upper bound when None)."""

    min_pupils: int
    max_pupils: int | None
    weight: Decimal

    def contains(self, pupils: int) -> bool:
        return pupils >= self.min_pupils and (self.max_pupils is None or pupils <= self.max_pupils)

    @property
    def label(self) -> str:
        upper = f"{self.max_pupils}" if self.max_pupils is not None else "or more"
        return (
            f"{self.min_pupils}–{upper} pupils" if self.max_pupils is not None else f"{self.min_pupils} {upper} pupils"
        )


@dataclass(frozen=True)
class FormulaSpec:
    lump_sum: Decimal = ZERO
    per_pupil_rate: Decimal | None = None  # fixed rates mode
    total: Decimal | None = None  # fixed total mode: the rate is solved
    phase_weights: dict[str, Decimal] = field(default_factory=dict)
    special_weight: Decimal | None = None
    size_bands: tuple[SizeBand, ...] = ()
    floor: Decimal | None = None
    cap: Decimal | None = None

    @property
    def solves_rate(self) -> bool:
        return self.total is not None


@dataclass(frozen=True)
class Weighting:
    weight: Decimal
    reasons: tuple[str, ...]  # e.g. ("Secondary phase × 1.2", "special school × 1.5")


@dataclass(frozen=True)
class Line:
    """One school's calculation, every step kept so the figure can be explained."""

    key: int
    urn: int
    name: str
    pupils: int
    lump_sum: Decimal
    per_pupil_rate: Decimal
    weight: Decimal
    weight_reasons: tuple[str, ...]
    weighted_pupils: Decimal  # pupils x weighting
    per_pupil_amount: Decimal  # rate x weighted pupils (exact, 6 dp)
    before_limits: Decimal  # lump sum + per-pupil amount (exact, 6 dp)
    limit_applied: str  # "", "floor" or "cap"
    exact_amount: Decimal  # after floor and cap, before rounding (6 dp)
    rounded_down: Decimal  # exact amount rounded down to the penny
    rounding_adjustment: Decimal  # 0.00 or 0.01
    amount: Decimal  # the contribution


@dataclass(frozen=True)
class Result:
    lines: tuple[Line, ...]
    total: Decimal
    per_pupil_rate: Decimal
    rate_was_solved: bool
    rounding_rule: str = ROUNDING_RULE

    @property
    def by_key(self) -> dict[int, Line]:
        return {line.key: line for line in self.lines}


def _money(value, what: str, *, allow_none: bool = True) -> Decimal | None:
    if value is None:
        if allow_none:
            return None
        raise FormulaError(f"Give the {what}.")
    value = Decimal(value)
    if not value.is_finite():
        raise FormulaError(f"The {what} must be a number.")
    if value < 0:
        raise FormulaError(f"The {what} cannot be negative.")
    if value != value.quantize(PENNY):
        raise FormulaError(f"The {what} must be in pounds and pence (two decimal places).")
    return value


def weighting_for(school: SchoolInput, spec: FormulaSpec) -> Weighting:
    weight, reasons = ONE, []
    # Phases are matched without regard to case: "secondary" weights GIAS's "Secondary".
    phase = school.phase.casefold()
    phase_weight = next((w for name, w in spec.phase_weights.items() if name.casefold() == phase), None)
    if phase_weight is not None and phase_weight != ONE:
        weight *= phase_weight
        reasons.append(f"{school.phase} phase × {phase_weight.normalize():f}")
    if school.is_special and spec.special_weight is not None and spec.special_weight != ONE:
        weight *= spec.special_weight
        reasons.append(f"special school × {spec.special_weight.normalize():f}")
    for band in spec.size_bands:
        if band.contains(school.pupils):
            if band.weight != ONE:
                weight *= band.weight
                reasons.append(f"size band {band.label} × {band.weight.normalize():f}")
            break  # the first band that contains the school applies
    return Weighting(weight, tuple(reasons))


def validate(schools: list[SchoolInput], spec: FormulaSpec) -> None:
    if not schools:
        raise FormulaError("There are no schools to share the contributions between.")
    urns = [school.urn for school in schools]
    if len(set(urns)) != len(urns):
        raise FormulaError("Each school may appear only once.")
    for school in schools:
        if school.pupils < 0:
            raise FormulaError(f"{school.name} has a negative pupil count.")
    _money(spec.lump_sum, "lump sum", allow_none=False)
    _money(spec.floor, "floor")
    _money(spec.cap, "cap")
    if (spec.per_pupil_rate is None) == (spec.total is None):
        raise FormulaError("Give either a per-pupil rate or a total to raise, not both.")
    if spec.per_pupil_rate is not None and (not Decimal(spec.per_pupil_rate).is_finite() or spec.per_pupil_rate < 0):
        raise FormulaError("The per-pupil rate cannot be negative.")
    if spec.total is not None:
        _money(spec.total, "total to raise")
    if spec.floor is not None and spec.cap is not None and spec.floor > spec.cap:
        raise FormulaError("The floor cannot be higher than the cap.")
    weights = [*spec.phase_weights.values(), *(band.weight for band in spec.size_bands)]
    if spec.special_weight is not None:
        weights.append(spec.special_weight)
    if any(not Decimal(w).is_finite() or w <= 0 for w in weights):
        raise FormulaError("Every weighting must be more than zero.")


def _clamp(value: Decimal, spec: FormulaSpec) -> tuple[Decimal, str]:
    if spec.floor is not None and value < spec.floor:
        return spec.floor, "floor"
    if spec.cap is not None and value > spec.cap:
        return spec.cap, "cap"
    return value, ""


def _sum_at(rate: Decimal, slopes: list[Decimal], spec: FormulaSpec) -> Decimal:
    return sum((_clamp(spec.lump_sum + rate * slope, spec)[0] for slope in slopes), ZERO)


def solve_rate(slopes: list[Decimal], spec: FormulaSpec) -> Decimal:
    """The per-pupil rate at which the floored and capped amounts add up to spec.total.

    `slopes` are the schools' weighted pupils. The sum is piecewise linear in the rate, with
    corners where a school leaves its floor or reaches its cap, so we find the piece that
    holds the total and solve that straight line exactly."""
    total = spec.total
    lowest = _sum_at(ZERO, slopes, spec)
    if total < lowest:
        raise FormulaError(
            f"The total of £{total:,.2f} cannot be met: the lump sums and floors alone come to £{lowest:,.2f}. "
            "Raise the total, or lower the lump sum or the floor."
        )
    if total == lowest:
        return ZERO
    growing = [s for s in slopes if s > 0]
    if not growing:
        raise FormulaError(
            f"The total of £{total:,.2f} cannot be met: no school has any pupils, so a per-pupil rate adds nothing."
        )
    if spec.cap is not None:
        highest = sum(
            (spec.cap if s > 0 else _clamp(spec.lump_sum, spec)[0] for s in slopes),
            ZERO,
        )
        if total > highest:
            raise FormulaError(
                f"The total of £{total:,.2f} cannot be met: with every school at the cap of £{spec.cap:,.2f} "
                f"the most the formula can raise is £{highest:,.2f}. Lower the total or raise the cap."
            )
    corners = set()
    for slope in growing:
        if spec.floor is not None and spec.floor > spec.lump_sum:
            corners.add((spec.floor - spec.lump_sum) / slope)
        if spec.cap is not None and spec.cap > spec.lump_sum:
            corners.add((spec.cap - spec.lump_sum) / slope)
    low_rate, low_sum = ZERO, lowest
    for corner in sorted(c for c in corners if c > 0):
        corner_sum = _sum_at(corner, slopes, spec)
        if corner_sum >= total:
            # Linear between low_rate and corner.
            return low_rate + (total - low_sum) * (corner - low_rate) / (corner_sum - low_sum)
        low_rate, low_sum = corner, corner_sum
    # Past the last corner the sum grows by the weighted pupils of the schools not at a cap.
    slope_now = _sum_at(low_rate + ONE, slopes, spec) - low_sum
    if slope_now <= 0:
        raise FormulaError(f"The total of £{total:,.2f} cannot be met with these caps.")
    return low_rate + (total - low_sum) / slope_now


def allocate_pennies(exact: list[tuple[int, Decimal]], total: Decimal) -> list[Decimal]:
    """Rounds (urn, exact amount) pairs to pennies that add up to `total` exactly, by
    ROUNDING_RULE. Returns the adjustment (in pounds) for each pair, in the given order."""
    floors = [amount.quantize(PENNY, rounding=ROUND_DOWN) for _, amount in exact]
    left_over = int((total - sum(floors, ZERO)) / PENNY)
    adjustments = [ZERO] * len(exact)
    if not exact or left_over == 0:
        return adjustments
    step = PENNY if left_over > 0 else -PENNY
    # Largest remainder first (smallest first when taking pennies back); ties to the lowest URN.
    order = sorted(
        range(len(exact)),
        key=lambda i: ((-1 if left_over > 0 else 1) * (exact[i][1] - floors[i]), exact[i][0]),
    )
    for n in range(abs(left_over)):
        adjustments[order[n % len(order)]] += step
    return adjustments


def calculate(schools: list[SchoolInput], spec: FormulaSpec) -> Result:
    """Every school's contribution, line by line. Raises FormulaError with a plain message."""
    validate(schools, spec)
    with localcontext(Context(prec=PRECISION)):
        weightings = [weighting_for(school, spec) for school in schools]
        slopes = [Decimal(school.pupils) * w.weight for school, w in zip(schools, weightings, strict=True)]
        rate = solve_rate(slopes, spec) if spec.solves_rate else Decimal(spec.per_pupil_rate)
        exact_amounts, limits = [], []
        for slope in slopes:
            amount, limit = _clamp(spec.lump_sum + rate * slope, spec)
            exact_amounts.append(amount)
            limits.append(limit)
        total = spec.total if spec.solves_rate else sum(exact_amounts, ZERO).quantize(PENNY, rounding=ROUND_HALF_UP)
        adjustments = allocate_pennies(
            [(school.urn, amount) for school, amount in zip(schools, exact_amounts, strict=True)], total
        )
        lines = []
        for school, w, slope, amount, limit, adjustment in zip(
            schools, weightings, slopes, exact_amounts, limits, adjustments, strict=True
        ):
            rounded_down = amount.quantize(PENNY, rounding=ROUND_DOWN)
            per_pupil_amount = rate * slope
            lines.append(
                Line(
                    key=school.key,
                    urn=school.urn,
                    name=school.name,
                    pupils=school.pupils,
                    lump_sum=spec.lump_sum,
                    per_pupil_rate=rate.quantize(RATE_PLACES),
                    weight=w.weight,
                    weight_reasons=w.reasons,
                    weighted_pupils=slope,
                    per_pupil_amount=per_pupil_amount.quantize(EXACT_PLACES),
                    before_limits=(spec.lump_sum + per_pupil_amount).quantize(EXACT_PLACES),
                    limit_applied=limit,
                    exact_amount=amount.quantize(EXACT_PLACES),
                    rounded_down=rounded_down,
                    rounding_adjustment=adjustment,
                    amount=rounded_down + adjustment,
                )
            )
    return Result(
        lines=tuple(lines), total=total, per_pupil_rate=rate.quantize(RATE_PLACES), rate_was_solved=spec.solves_rate
    )
