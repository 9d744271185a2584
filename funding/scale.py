"""Funding at scale (`seed_scale`): per partnership a funding year for each seeded academic
year (the LA financial year, April to March; the past ones closed), a fixed-total formula
with phase weightings, and for the current year an issued contribution round whose lines
come from the formula's own calculation (so they add up to the round's total), payments
(most schools paid in full, some in part), a grant, budget lines and spending."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from partnership.scale import ScaleContext
from partnership.scale.schools import census_dates

from . import formula as calc
from .models import (
    BudgetLine,
    Contribution,
    ContributionRound,
    Formula,
    FormulaWeighting,
    FundingYear,
    Grant,
    Payment,
    SpendingEntry,
)
from .models.spending import SpendingCategory
from .services.contributions import _snapshot

PER_SCHOOL = Decimal("1500")  # the total to raise is about this much per member school
LUMP_SUM = Decimal("250.00")
PHASE_WEIGHTS = {"Secondary": Decimal("1.2"), "Nursery": Decimal("0.8")}
BUDGET = [
    (SpendingCategory.CPD, "CPD programme", Decimal("0.35")),
    (SpendingCategory.STAFFING, "Partnership coordinator", Decimal("0.30")),
    (SpendingCategory.SCHOOL_TO_SCHOOL_SUPPORT, "School-to-school support", Decimal("0.15")),
    (SpendingCategory.SUPPLY_COVER, "Supply cover for network meetings", Decimal("0.10")),
    (SpendingCategory.COMMISSIONED_SERVICE, "Commissioned services", Decimal("0.10")),
]


def _year_bounds(start_year: int) -> tuple[date, date, str]:
    return date(start_year, 4, 1), date(start_year + 1, 3, 31), f"{start_year}/{(start_year + 1) % 100:02d}"


def seed(context: ScaleContext) -> None:
    from schools.models import School

    rng = context.rng
    today = context.today
    partnerships = [p for p in context.partnership_ids if context.schools_of.get(p)]
    years = [y for y in context.years if _year_bounds(y)[0] <= today]
    censuses = census_dates(context.years, today)
    census = censuses[-1] if censuses else today
    school_rows = {
        row["pk"]: row
        for row in School.objects.filter(pk__in=context.school_ids).values(
            "pk", "urn", "name", "phase", "type_of_establishment", "number_of_pupils", "pupils_counted_on"
        )
    }
    n = len(partnerships)
    year_ids = iter(context.reserve_ids(FundingYear, n * len(years)))
    formula_ids = iter(context.reserve_ids(Formula, n))
    weighting_ids = iter(context.reserve_ids(FormulaWeighting, n * len(PHASE_WEIGHTS)))
    round_ids = iter(context.reserve_ids(ContributionRound, n))
    contribution_ids = iter(context.reserve_ids(Contribution, 2 * len(context.school_ids)))
    payment_ids = iter(context.reserve_ids(Payment, 2 * len(context.school_ids)))
    grant_ids = iter(context.reserve_ids(Grant, n * len(years)))
    line_ids = iter(context.reserve_ids(BudgetLine, n * len(years) * len(BUDGET)))
    entry_ids = iter(context.reserve_ids(SpendingEntry, n * len(years) * len(BUDGET) * 13))
    rows = {m: [] for m in (FundingYear, Formula, FormulaWeighting, ContributionRound, Contribution, Payment)}
    rows |= {Grant: [], BudgetLine: [], SpendingEntry: []}
    for partnership in partnerships:
        coordinator = context.users_of[partnership]["coordinator"]
        members = [school_rows[s] for s in context.schools_of[partnership] if s in school_rows]
        total = (PER_SCHOOL * len(members)).quantize(calc.PENNY)
        formula = next(formula_ids)
        rows[Formula].append(
            {
                "id": formula,
                "partnership_id": partnership,
                "name": "Partnership formula",
                "mode": Formula.Mode.FIXED_TOTAL,
                "lump_sum": LUMP_SUM,
                "total": total,
            }
        )
        for phase, weight in PHASE_WEIGHTS.items():
            rows[FormulaWeighting].append(
                {
                    "id": next(weighting_ids),
                    "formula_id": formula,
                    "kind": FormulaWeighting.Kind.PHASE,
                    "phase": phase,
                    "weight": weight,
                }
            )
        current_year = None
        for start_year in years:
            start, end, label = _year_bounds(start_year)
            year = next(year_ids)
            closed = end < today
            rows[FundingYear].append(
                {
                    "id": year,
                    "partnership_id": partnership,
                    "label": label,
                    "start": start,
                    "end": end,
                    "is_closed": closed,
                    "closed_at": timezone.make_aware(datetime.combine(end + timedelta(days=20), time(12)))
                    if closed
                    else None,
                }
            )
            current_year = year
            income = total + _grant(rows, grant_ids, partnership, year, start, len(members), coordinator)
            _budget(rows, line_ids, entry_ids, rng, year, start, min(end, today), income, coordinator)
        added = _round(rows, round_ids, contribution_ids, partnership, current_year, formula, members)
        rows[ContributionRound][-1] |= {"census_date": census, "members_on": census, "created_by_id": coordinator}
        _pay(rows, added, payment_ids, rng, census, today, coordinator)
    for model, its_rows in rows.items():
        context.bulk_insert(model, its_rows)


def _grant(rows, ids, partnership, year, start, schools, coordinator) -> Decimal:
    amount = Decimal(5000 + 400 * schools).quantize(calc.PENNY)
    rows[Grant].append(
        {
            "id": next(ids),
            "partnership_id": partnership,
            "funding_year_id": year,
            "name": "Partnership premium",
            "kind": Grant.Kind.PARTNERSHIP_PREMIUM,
            "funder": "The local authority",
            "amount": amount,
            "released_on": start + timedelta(days=30),
            "released_by_id": coordinator,
        }
    )
    return amount


def _budget(rows, line_ids, entry_ids, rng, year, start, until, income, coordinator):
    """Budget lines sharing out the year's income; about one spending entry a month on each,
    never more than it planned."""
    for category, name, share in BUDGET:
        line = next(line_ids)
        planned = (income * share).quantize(calc.PENNY)
        rows[BudgetLine].append(
            {"id": line, "funding_year_id": year, "category": category, "name": name, "planned_amount": planned}
        )
        monthly = (planned / 12).quantize(calc.PENNY)
        day = start + timedelta(days=14)
        while day <= until and monthly > 0:
            rows[SpendingEntry].append(
                {
                    "id": next(entry_ids),
                    "budget_line_id": line,
                    "category": category,
                    "amount": (monthly * Decimal(rng.randint(70, 100)) / 100).quantize(calc.PENNY),
                    "spent_on": day,
                    "description": f"{name}: {day:%B %Y}",
                    "supplier": "Partnership supplier",
                    "recorded_by_id": coordinator,
                }
            )
            day += timedelta(days=30)


def _round(rows, round_ids, contribution_ids, partnership, year, formula, members) -> list[dict]:
    spec = calc.FormulaSpec(lump_sum=LUMP_SUM, total=(PER_SCHOOL * len(members)), phase_weights=PHASE_WEIGHTS)
    inputs = [
        calc.SchoolInput(
            key=s["pk"],
            urn=s["urn"],
            name=s["name"],
            pupils=s["number_of_pupils"] or 0,
            phase=s["phase"],
            is_special="special" in (s["type_of_establishment"] or "").lower(),
        )
        for s in members
    ]
    result = calc.calculate(inputs, spec)
    pk = next(round_ids)
    snapshot_formula = Formula(pk=formula, name="Partnership formula", mode=Formula.Mode.FIXED_TOTAL)
    rows[ContributionRound].append(
        {
            "id": pk,
            "partnership_id": partnership,
            "funding_year_id": year,
            "formula_id": formula,
            "name": "Contributions for the year",
            "status": ContributionRound.Status.ISSUED,
            "mode": Formula.Mode.FIXED_TOTAL,
            "lump_sum": LUMP_SUM,
            "per_pupil_rate": result.per_pupil_rate,
            "total": result.total,
            "formula_snapshot": _snapshot(snapshot_formula, spec),
            "rounding_rule": result.rounding_rule,
        }
    )
    by_key = {s["pk"]: s for s in members}
    added = []
    for line in result.lines:
        school = by_key[line.key]
        added.append(
            {
                "id": next(contribution_ids),
                "round_id": pk,
                "school_id": line.key,
                "school_name": line.name,
                "urn": line.urn,
                "phase": school["phase"],
                "is_special": "special" in (school["type_of_establishment"] or "").lower(),
                "pupils": line.pupils,
                "pupils_counted_on": school["pupils_counted_on"],
                "pupils_source": "School record (Get Information About Schools)",
                "lump_sum": line.lump_sum,
                "per_pupil_rate": line.per_pupil_rate,
                "weight": line.weight,
                "weight_reasons": list(line.weight_reasons),
                "weighted_pupils": line.weighted_pupils,
                "per_pupil_amount": line.per_pupil_amount,
                "before_limits": line.before_limits,
                "limit_applied": line.limit_applied,
                "exact_amount": line.exact_amount,
                "rounded_down": line.rounded_down,
                "rounding_adjustment": line.rounding_adjustment,
                "calculated_amount": line.amount,
                "amount": line.amount,
            }
        )
    rows[Contribution] += added
    return added


def _pay(rows, contributions, payment_ids, rng, census, today, coordinator):
    """The round just added: issued after the census, most schools paid in full, some in part."""
    the_round = rows[ContributionRound][-1]
    issued = census + timedelta(days=14)
    the_round |= {
        "issued_at": timezone.make_aware(datetime.combine(issued, time(9))),
        "due_on": issued + timedelta(days=60),
    }
    for contribution in contributions:
        share = rng.choices([Decimal(1), Decimal("0.5"), Decimal(0)], [70, 10, 20])[0]
        amount = (contribution["amount"] * share).quantize(calc.PENNY)
        if amount <= 0:
            continue
        paid_on = min(today, issued + timedelta(days=rng.randint(5, 60)))
        rows[Payment].append(
            {
                "id": next(payment_ids),
                "round_id": the_round["id"],
                "school_id": contribution["school_id"],
                "amount": amount,
                "paid_on": paid_on,
                "reference": f"BACS {contribution['urn']}",
                "recorded_by_id": coordinator,
            }
        )


def current_round(target) -> list:
    """Bench page arguments: the partnership's latest contribution round."""
    pk = (
        ContributionRound.objects.filter(partnership=target.partnership)
        .order_by("-census_date", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return [pk]


def head_statement(target) -> list:
    """Bench page arguments: the head's school's statement in the latest round."""
    return [*current_round(target), target.school.pk if target.school else None]
