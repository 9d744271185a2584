"""Budget lines and spending. Other apps record their costs with `record_spending`."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnership.audit import record
from schools.models import PartnershipMembership

from ..models import BudgetLine, FundingYear, SpendingCategory, SpendingEntry
from ._common import as_money, require_open, year_containing


@transaction.atomic
def add_budget_line(*, funding_year: FundingYear, category: str, name: str, planned_amount, actor) -> BudgetLine:
    planned_amount = as_money(planned_amount, "planned amount", allow_zero=True)
    if category not in SpendingCategory.values:
        raise ValidationError("Choose a spending category from the list.")
    funding_year = FundingYear.objects.select_for_update().get(pk=funding_year.pk)
    require_open(funding_year, "a budget line")
    line = BudgetLine.objects.create(
        funding_year=funding_year,
        category=category,
        name=name.strip() or SpendingCategory(category).label,
        planned_amount=planned_amount,
    )
    record(
        actor=actor,
        verb="funding.budget_line.added",
        target=line,
        partnership=funding_year.partnership,
        data={"category": category, "planned": str(planned_amount)},
    )
    return line


@transaction.atomic
def update_budget_line(*, line: BudgetLine, planned_amount, actor) -> BudgetLine:
    planned_amount = as_money(planned_amount, "planned amount", allow_zero=True)
    line = BudgetLine.objects.select_for_update().select_related("funding_year__partnership").get(pk=line.pk)
    require_open(line.funding_year, "a budget change")
    before = line.planned_amount
    line.planned_amount = planned_amount
    line.save(update_fields=["planned_amount"])
    record(
        actor=actor,
        verb="funding.budget_line.changed",
        target=line,
        partnership=line.funding_year.partnership,
        data={"from": str(before), "to": str(planned_amount)},
    )
    return line


def record_spending(
    *,
    partnership,
    category: str,
    amount: Decimal,
    spent_on: date,
    description: str,
    supplier: str = "",
    school=None,
    source_ref: str = "",
    actor,
) -> SpendingEntry:
    """Files a cost in the funding year containing `spent_on`, on that year's budget line
    for the category (a line planned at £0.00 is created if the year has none).

    Idempotent for a non-empty `source_ref`: the entry already recorded with that reference
    is returned unchanged (even if it has since been voided). Raises ValidationError for an
    unknown category, an amount that is not a positive sum of pounds and pence, a date no
    funding year covers, a closed year, or a school outside the partnership."""
    source_ref = (source_ref or "").strip()
    if source_ref:
        existing = (
            SpendingEntry.objects.filter(source_ref=source_ref).select_related("budget_line__funding_year").first()
        )
        if existing is not None:
            if existing.budget_line.funding_year.partnership_id != partnership.pk:
                raise ValidationError(f"The reference {source_ref} is already used by another partnership.")
            return existing
    try:
        with transaction.atomic():
            return _record_spending(
                partnership=partnership,
                category=category,
                amount=amount,
                spent_on=spent_on,
                description=description,
                supplier=supplier,
                school=school,
                source_ref=source_ref,
                actor=actor,
            )
    except IntegrityError:
        # Two callers raced with the same reference: the other one won, and that entry stands.
        if source_ref:
            existing = SpendingEntry.objects.filter(source_ref=source_ref).first()
            if existing is not None:
                return existing
        raise


def _record_spending(
    *, partnership, category, amount, spent_on, description, supplier, school, source_ref, actor
) -> SpendingEntry:
    if category not in SpendingCategory.values:
        raise ValidationError(f"{category!r} is not a spending category.")
    amount = as_money(amount, "amount spent")
    if not (description or "").strip():
        raise ValidationError("Describe what the money was spent on.")
    if school is not None and not PartnershipMembership.objects.filter(partnership=partnership, school=school).exists():
        raise ValidationError(f"{school} is not a member of {partnership}.")
    year = year_containing(partnership, spent_on, lock=True)
    require_open(year, "spending")
    line = BudgetLine.objects.filter(funding_year=year, category=category).order_by("pk").first()
    if line is None:
        line = BudgetLine.objects.create(
            funding_year=year, category=category, name=SpendingCategory(category).label, planned_amount=Decimal("0.00")
        )
        record(
            actor=actor,
            verb="funding.budget_line.added",
            target=line,
            partnership=partnership,
            data={"category": category, "planned": "0.00", "automatic": True},
        )
    entry = SpendingEntry.objects.create(
        budget_line=line,
        category=category,
        amount=amount,
        spent_on=spent_on,
        description=description.strip()[:255],
        supplier=(supplier or "").strip()[:160],
        school=school,
        source_ref=source_ref,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        actor=actor,
        verb="funding.spending.recorded",
        target=entry,
        partnership=partnership,
        data={"amount": str(amount), "category": category, "spent_on": str(spent_on), "source_ref": source_ref},
    )
    return entry


@transaction.atomic
def void_spending_entry(*, entry: SpendingEntry, actor, reason: str) -> SpendingEntry:
    """Cancels an entry: it stays on record, marked void, and no longer counts."""
    if not (reason or "").strip():
        raise ValidationError("Say why the spending is being voided.")
    entry = (
        SpendingEntry.objects.select_for_update()
        .select_related("budget_line__funding_year__partnership")
        .get(pk=entry.pk)
    )
    if entry.is_void:
        return entry
    year = entry.budget_line.funding_year
    require_open(year, "a voided entry")
    entry.voided_at, entry.voided_by, entry.void_reason = timezone.now(), actor, reason.strip()[:255]
    entry.save(update_fields=["voided_at", "voided_by", "void_reason"])
    record(
        actor=actor,
        verb="funding.spending.voided",
        target=entry,
        partnership=year.partnership,
        data={"amount": str(entry.amount), "reason": entry.void_reason, "source_ref": entry.source_ref},
    )
    return entry


def void_spending(*, source_ref: str, actor, reason: str) -> SpendingEntry:
    """Voids the entry another app recorded with `source_ref` (e.g. a cancelled CPD event).
    Voiding twice is harmless. Raises ValidationError when no entry has the reference."""
    entry = SpendingEntry.objects.filter(source_ref=(source_ref or "").strip()).first() if source_ref else None
    if entry is None:
        raise ValidationError(f"No spending was recorded with the reference {source_ref!r}.")
    return void_spending_entry(entry=entry, actor=actor, reason=reason)
