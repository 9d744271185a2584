"""Helpers shared by the funding services."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from partnership.templatetags.portal import money

from ..models import PENNY, FundingYear


def as_money(value, what: str, *, allow_zero: bool = False) -> Decimal:
    """A positive amount in pounds and pence, or a ValidationError that says what is wrong."""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(f"The {what} must be an amount in pounds and pence.") from None
    if not amount.is_finite():
        raise ValidationError(f"The {what} must be an amount in pounds and pence.")
    if amount < 0:
        raise ValidationError(f"The {what} cannot be negative.")
    if amount == 0 and not allow_zero:
        raise ValidationError(f"The {what} must be more than £0.00.")
    if amount != amount.quantize(PENNY):
        raise ValidationError(f"The {what} must be in pounds and pence (two decimal places).")
    return amount.quantize(PENNY)


def require_open(year: FundingYear, doing: str) -> None:
    if year.is_closed:
        raise ValidationError(f"{year} is closed, so {doing} cannot be recorded in it. Reopen the year first.")


def year_containing(partnership, day: date, *, lock: bool = False) -> FundingYear:
    years = FundingYear.objects.filter(partnership=partnership).containing(day)
    if lock:
        years = years.select_for_update()
    year = years.first()
    if year is None:
        raise ValidationError(f"No funding year covers {day:%-d %B %Y}. Add the funding year first.")
    return year


def pounds(value) -> str:
    return money(value)
