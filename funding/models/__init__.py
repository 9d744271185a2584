"""Pooled funding: funding years, the common formula, contribution rounds, payments, grants,
budget lines and spending.

Money is Decimal to the penny everywhere. No balance is stored: what a school owes, what
the partnership holds and what is left of a budget line are always sums of entries
(see the querysets and `funding.balances`)."""

from ._common import MONEY, NON_NEGATIVE, PENNY
from .contributions import Contribution, ContributionQuerySet, ContributionRound, Payment, StatementJob
from .formulas import Formula, FormulaWeighting
from .grants import Grant, GrantCondition
from .spending import BudgetLine, SpendingCategory, SpendingEntry
from .years import FundingSettings, FundingYear

__all__ = [
    "MONEY",
    "NON_NEGATIVE",
    "PENNY",
    "BudgetLine",
    "Contribution",
    "ContributionQuerySet",
    "ContributionRound",
    "Formula",
    "FormulaWeighting",
    "FundingSettings",
    "FundingYear",
    "Grant",
    "GrantCondition",
    "Payment",
    "SpendingCategory",
    "SpendingEntry",
    "StatementJob",
]
