"""Funding objects for tests, built through the services so they are what a user makes."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from funding import services
from funding.models import Formula, FundingYear, GrantCondition, SpendingCategory
from partnership.tests.factories import PartnershipFactory


class FundingYearFactory(DjangoModelFactory):
    class Meta:
        model = FundingYear

    partnership = factory.SubFactory(PartnershipFactory)
    label = "2026/27"
    start = date(2026, 4, 1)
    end = date(2027, 3, 31)


class FormulaFactory(DjangoModelFactory):
    class Meta:
        model = Formula

    partnership = factory.SubFactory(PartnershipFactory)
    name = "Lump sum and per pupil"
    mode = Formula.Mode.FIXED_TOTAL
    lump_sum = Decimal("500.00")
    total = Decimal("10000.00")


@dataclass
class Funding:
    year: FundingYear
    formula: Formula
    round: object
    contribution: object  # world.school's
    other_contribution: object  # world.other_school's
    grant: object  # held back until a manual condition is met
    entry: object  # a spending entry


def build_funding(world) -> Funding:
    """A 2026/27 year for world.partnership with an issued round for its two schools, a
    held grant and some spending; and a year with a round for the other partnership."""
    coordinator = world.user("coordinator")
    year = FundingYearFactory(partnership=world.partnership)
    formula = FormulaFactory(partnership=world.partnership)
    contribution_round = services.create_round(
        partnership=world.partnership,
        funding_year=year,
        formula=formula,
        census_date=date(2026, 1, 15),
        members_on=date(2026, 4, 1),
        name="Contributions 2026/27",
        actor=coordinator,
    )
    services.issue_round(contribution_round=contribution_round, actor=coordinator)
    grant = services.add_grant(
        partnership=world.partnership,
        funding_year=year,
        name="Local match funding",
        amount=Decimal("3000.00"),
        condition=GrantCondition.MANUAL,
        condition_detail="When the LA confirms its match",
        actor=coordinator,
    )
    entry = services.record_spending(
        partnership=world.partnership,
        category=SpendingCategory.COMMISSIONED_SERVICE,
        amount=Decimal("1200.00"),
        spent_on=date(2026, 6, 1),
        description="Improvement partner, summer visits",
        supplier="North West Learning Ltd",
        actor=coordinator,
    )
    contributions = {c.school_id: c for c in contribution_round.contributions.all()}
    return Funding(
        year=year,
        formula=formula,
        round=contribution_round,
        contribution=contributions[world.school.pk],
        other_contribution=contributions[world.other_school.pk],
        grant=grant,
        entry=entry,
    )


def make_current(year) -> None:
    """Moves a funding year's dates to the financial year (April to March) holding today, for
    tests of what is shown "now" (dashboards, charges dated today), whatever today is."""
    from django.utils import timezone

    today = timezone.localdate()
    first = today.year if today.month >= 4 else today.year - 1
    year.start, year.end = date(first, 4, 1), date(first + 1, 3, 31)
    year.save(update_fields=["start", "end"])
