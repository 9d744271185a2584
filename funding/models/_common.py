"""Shared pieces of the funding models."""

from decimal import Decimal

from django.core.validators import MinValueValidator

from partnership.permissions import has_role, visible_partnership_ids

PENNY = Decimal("0.01")
MONEY = {"max_digits": 12, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0.00"))]


def _reads_all(user, partnership_id) -> bool:
    return has_role(user, partnership_id, "coordinator", "la_officer")


def _full_view_partnership_ids(user) -> list[int]:
    """Partnerships where the user sees every school's money: coordinators and LA officers."""
    return [pid for pid in visible_partnership_ids(user) if _reads_all(user, pid)]
