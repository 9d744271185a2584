"""Funding years and formulas."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.audit import record

from ..models import Formula, FormulaWeighting, FundingSettings, FundingYear

FORMULA_FIELDS = [
    "name",
    "mode",
    "lump_sum",
    "per_pupil_rate",
    "total",
    "special_school_weight",
    "floor",
    "cap",
    "notes",
]


def _year_bounds(start_year: int, start_month: int) -> tuple[date, date, str]:
    start = date(start_year, start_month, 1)
    end = date(start_year + 1, start_month, 1) - timedelta(days=1)
    label = str(start_year) if start_month == 1 else f"{start_year}/{(start_year + 1) % 100:02d}"
    return start, end, label


@transaction.atomic
def set_year_start_month(*, partnership, month: int, actor) -> FundingSettings:
    if not 1 <= int(month) <= 12:
        raise ValidationError("Choose a month from January to December.")
    funding_settings = FundingSettings.for_partnership(partnership)
    funding_settings.year_start_month = int(month)
    funding_settings.save(update_fields=["year_start_month"])
    record(actor=actor, verb="funding.settings.changed", target=partnership, data={"year_start_month": int(month)})
    return funding_settings


@transaction.atomic
def create_funding_year(*, partnership, start_year: int, actor) -> FundingYear:
    """The funding year starting in `start_year`, in the partnership's start month
    (1 April by default: the LA financial year)."""
    month = FundingSettings.for_partnership(partnership).year_start_month
    start, end, label = _year_bounds(int(start_year), month)
    overlapping = FundingYear.objects.filter(partnership=partnership, start__lte=end, end__gte=start).first()
    if overlapping is not None:
        raise ValidationError(
            f"{overlapping} ({overlapping.start:%-d %B %Y} to {overlapping.end:%-d %B %Y}) already covers part of "
            "these dates."
        )
    year = FundingYear.objects.create(partnership=partnership, label=label, start=start, end=end)
    record(actor=actor, verb="funding.year.created", target=year, data={"start": str(start), "end": str(end)})
    return year


@transaction.atomic
def close_funding_year(*, year: FundingYear, actor) -> FundingYear:
    year = FundingYear.objects.select_for_update().get(pk=year.pk)
    if not year.is_closed:
        year.is_closed, year.closed_at = True, timezone.now()
        year.save(update_fields=["is_closed", "closed_at"])
        record(actor=actor, verb="funding.year.closed", target=year)
    return year


@transaction.atomic
def reopen_funding_year(*, year: FundingYear, actor) -> FundingYear:
    year = FundingYear.objects.select_for_update().get(pk=year.pk)
    if year.is_closed:
        year.is_closed, year.closed_at = False, None
        year.save(update_fields=["is_closed", "closed_at"])
        record(actor=actor, verb="funding.year.reopened", target=year)
    return year


def _check_formula(fields: dict) -> None:
    mode = fields.get("mode")
    if mode == Formula.Mode.FIXED_RATES and fields.get("per_pupil_rate") is None:
        raise ValidationError("Give the amount per pupil for a formula with fixed rates.")
    if mode == Formula.Mode.FIXED_TOTAL and fields.get("total") is None:
        raise ValidationError("Give the total to raise for a formula with a fixed total.")
    floor, cap = fields.get("floor"), fields.get("cap")
    if floor is not None and cap is not None and floor > cap:
        raise ValidationError("The floor cannot be higher than the cap.")
    for key in ("lump_sum", "per_pupil_rate", "total", "floor", "cap"):
        if fields.get(key) is not None and fields[key] < 0:
            raise ValidationError(f"The {Formula._meta.get_field(key).verbose_name} cannot be negative.")


@transaction.atomic
def create_formula(*, partnership, actor, **fields) -> Formula:
    _check_formula(fields)
    formula = Formula.objects.create(
        partnership=partnership, **{k: fields.get(k) for k in FORMULA_FIELDS if k in fields}
    )
    record(actor=actor, verb="funding.formula.created", target=formula, data={"mode": formula.mode})
    return formula


@transaction.atomic
def update_formula(*, formula: Formula, actor, **fields) -> Formula:
    _check_formula(fields)
    formula = Formula.objects.select_for_update().get(pk=formula.pk)
    changed = {}
    for key in FORMULA_FIELDS:
        if key in fields and getattr(formula, key) != fields[key]:
            changed[key] = str(fields[key])
            setattr(formula, key, fields[key])
    formula.save()
    record(actor=actor, verb="funding.formula.changed", target=formula, data=changed)
    return formula


@transaction.atomic
def add_weighting(
    *, formula: Formula, kind: str, weight, phase: str = "", min_pupils=None, max_pupils=None, actor
) -> FormulaWeighting:
    if weight is None or weight <= 0:
        raise ValidationError("A weighting must be more than zero.")
    if kind == FormulaWeighting.Kind.PHASE:
        if not phase.strip():
            raise ValidationError("Name the phase the weighting applies to.")
        if formula.weightings.filter(kind=kind, phase__iexact=phase.strip()).exists():
            raise ValidationError(f"The formula already weights the {phase.strip()} phase.")
        min_pupils = max_pupils = None
    elif kind == FormulaWeighting.Kind.SIZE_BAND:
        if min_pupils is None:
            raise ValidationError("Give the smallest number of pupils in the size band.")
        if max_pupils is not None and max_pupils < min_pupils:
            raise ValidationError("The largest number of pupils cannot be below the smallest.")
        for band in formula.weightings.filter(kind=kind):
            band_max = band.max_pupils if band.max_pupils is not None else float("inf")
            new_max = max_pupils if max_pupils is not None else float("inf")
            if min_pupils <= band_max and band.min_pupils <= new_max:
                raise ValidationError(f"The size band overlaps another one ({band}).")
        phase = ""
    else:
        raise ValidationError("Choose a kind of weighting.")
    weighting = FormulaWeighting.objects.create(
        formula=formula, kind=kind, phase=phase.strip(), min_pupils=min_pupils, max_pupils=max_pupils, weight=weight
    )
    record(
        actor=actor,
        verb="funding.formula.weighting_added",
        target=formula,
        partnership=formula.partnership,
        data={"weighting": str(weighting)},
    )
    return weighting


@transaction.atomic
def remove_weighting(*, weighting: FormulaWeighting, actor) -> None:
    formula = weighting.formula
    description = str(weighting)
    weighting.delete()
    record(
        actor=actor,
        verb="funding.formula.weighting_removed",
        target=formula,
        partnership=formula.partnership,
        data={"weighting": description},
    )
