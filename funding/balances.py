"""Balances, always derived from entries: nothing here is stored.

Every function runs a fixed number of queries, however many schools, payments or
entries there are."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from .models import BudgetLine, Contribution, ContributionRound, Grant, Payment, SpendingEntry

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")


def pennies(value) -> Decimal:
    """A database sum as pounds and pence (SQLite returns sums with long tails; None is £0.00)."""
    return ZERO if value is None else Decimal(value).quantize(PENNY)


@dataclass
class SchoolBalance:
    contribution: Contribution
    paid: Decimal
    payments: int

    @property
    def due(self) -> Decimal:
        return self.contribution.amount

    @property
    def outstanding(self) -> Decimal:
        """What is still owed; negative when the school has paid more (in credit)."""
        return self.contribution.amount - self.paid

    @property
    def status(self) -> str:
        if self.paid == 0:
            return "Unpaid" if self.due > 0 else "Nothing due"
        if self.outstanding > 0:
            return "Part paid"
        return "Paid" if self.outstanding == 0 else "Overpaid"


@dataclass
class RoundBalances:
    rows: list[SchoolBalance]

    @property
    def due(self) -> Decimal:
        return sum((row.due for row in self.rows), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((row.paid for row in self.rows), ZERO)

    @property
    def outstanding(self) -> Decimal:
        return sum((max(row.outstanding, ZERO) for row in self.rows), ZERO)

    @property
    def net_outstanding(self) -> Decimal:
        return self.due - self.paid

    @property
    def in_credit(self) -> Decimal:
        return sum((max(-row.outstanding, ZERO) for row in self.rows), ZERO)


def paid_by_school(contribution_round, school_ids=None) -> dict[int, tuple[Decimal, int]]:
    payments = Payment.objects.filter(round=contribution_round)
    if school_ids is not None:
        payments = payments.filter(school_id__in=school_ids)
    return {
        row["school_id"]: (pennies(row["total"]), row["n"])
        for row in payments.values("school_id").annotate(total=Sum("amount"), n=Count("pk"))
    }


def round_balances(contribution_round: ContributionRound, *, school_ids=None) -> RoundBalances:
    contributions = Contribution.objects.filter(round=contribution_round, is_current=True).order_by("school_name")
    if school_ids is not None:
        contributions = contributions.filter(school_id__in=school_ids)
    paid = paid_by_school(contribution_round, school_ids)
    return RoundBalances(
        [SchoolBalance(c, *paid.get(c.school_id, (ZERO, 0))) for c in contributions.select_related("confirmed_by")]
    )


@dataclass
class LineSummary:
    line: BudgetLine
    spent: Decimal
    entries: int

    @property
    def remaining(self) -> Decimal:
        return self.line.planned_amount - self.spent


@dataclass
class YearSummary:
    contributions_due: Decimal = ZERO
    contributions_paid: Decimal = ZERO
    grants_released: Decimal = ZERO
    grants_held: Decimal = ZERO
    planned: Decimal = ZERO
    spent: Decimal = ZERO
    lines: list[LineSummary] = field(default_factory=list)

    @property
    def income(self) -> Decimal:
        return self.contributions_paid + self.grants_released

    @property
    def balance(self) -> Decimal:
        return self.income - self.spent

    @property
    def remaining_budget(self) -> Decimal:
        return self.planned - self.spent

    @property
    def contributions_outstanding(self) -> Decimal:
        return self.contributions_due - self.contributions_paid


def years_summary(year_ids, *, until=None, with_lines: bool = False) -> dict[int, YearSummary]:
    """Summaries of several funding years in five queries. `until` (a date) counts only
    payments, releases and spending on or before it (for a report at the end of a term)."""
    year_ids = list(year_ids)
    summaries = {year_id: YearSummary() for year_id in year_ids}
    if not year_ids:
        return summaries
    due = (
        Contribution.objects.filter(
            round__funding_year_id__in=year_ids, round__status=ContributionRound.Status.ISSUED, is_current=True
        )
        .values("round__funding_year_id")
        .annotate(total=Sum("amount"))
    )
    for row in due:
        summaries[row["round__funding_year_id"]].contributions_due = pennies(row["total"])
    payments = Payment.objects.filter(round__funding_year_id__in=year_ids)
    if until is not None:
        payments = payments.filter(paid_on__lte=until)
    for row in payments.values("round__funding_year_id").annotate(total=Sum("amount")):
        summaries[row["round__funding_year_id"]].contributions_paid = pennies(row["total"])
    released = Q(released_on__isnull=False) if until is None else Q(released_on__lte=until)
    grants = (
        Grant.objects.filter(funding_year_id__in=year_ids)
        .values("funding_year_id")
        .annotate(released=Sum("amount", filter=released), held=Sum("amount", filter=~released))
    )
    for row in grants:
        summaries[row["funding_year_id"]].grants_released = pennies(row["released"])
        summaries[row["funding_year_id"]].grants_held = pennies(row["held"])
    spent_filter = Q(entries__voided_at__isnull=True)
    if until is not None:
        spent_filter &= Q(entries__spent_on__lte=until)
    lines = (
        BudgetLine.objects.filter(funding_year_id__in=year_ids)
        .annotate(spent=Sum("entries__amount", filter=spent_filter), n=Count("entries", filter=spent_filter))
        .order_by("funding_year_id", "category", "pk")
    )
    for line in lines:
        summary = summaries[line.funding_year_id]
        spent = pennies(line.spent)
        summary.planned += line.planned_amount
        summary.spent += spent
        if with_lines:
            summary.lines.append(LineSummary(line, spent, line.n))
    return summaries


def year_summary(year, **kwargs) -> YearSummary:
    return years_summary([year.pk], with_lines=True, **kwargs)[year.pk]


def live_spending_total(year) -> Decimal:
    return pennies(SpendingEntry.objects.live().filter(budget_line__funding_year=year).aggregate(t=Sum("amount"))["t"])
