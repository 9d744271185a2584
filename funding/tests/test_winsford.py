"""The fifteen Winsford schools: a chosen total is shared exactly, and every statement
explains its figure, even after the pupil numbers change."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funding import services
from funding.models import Contribution, Formula, FormulaWeighting
from funding.tests.factories import FundingYearFactory
from schools import demo as schools_demo
from schools.models import PupilCount

pytestmark = pytest.mark.django_db


@pytest.fixture
def winsford_round(world):
    schools = schools_demo.seed(world.partnership, {})
    coordinator = world.user("coordinator")
    year = FundingYearFactory(partnership=world.partnership)
    formula = services.create_formula(
        partnership=world.partnership,
        actor=coordinator,
        name="Winsford common formula",
        mode=Formula.Mode.FIXED_TOTAL,
        lump_sum=Decimal("500.00"),
        total=Decimal("60000.00"),
        special_school_weight=Decimal("1.5"),
        floor=Decimal("1500.00"),
        cap=Decimal("12000.00"),
    )
    services.add_weighting(
        formula=formula, kind=FormulaWeighting.Kind.PHASE, phase="Secondary", weight=Decimal("0.8"), actor=coordinator
    )
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
    return contribution_round, schools


def test_the_fifteen_winsford_schools_contributions_add_up_exactly_to_the_chosen_total(winsford_round):
    contribution_round, schools = winsford_round
    contributions = list(Contribution.objects.filter(round=contribution_round, is_current=True))
    winsford = [c for c in contributions if c.school_id in {s.pk for s in schools.values()}]
    assert len(winsford) == 15
    # world's two test schools are members too: all seventeen share the £60,000.
    assert sum(c.amount for c in contributions) == Decimal("60000.00") == contribution_round.total
    for c in contributions:
        assert c.amount == c.rounded_down + c.rounding_adjustment
        assert abs(c.amount - c.exact_amount) < Decimal("0.01")
        assert Decimal("1500.00") <= c.amount <= Decimal("12000.00")
    high = next(c for c in contributions if c.school_name == "Winsford High School Federation")
    assert high.limit_applied == "cap" and high.amount == Decimal("12000.00")
    assert high.weight_reasons == ["Secondary phase × 0.8"]
    oaklands = next(c for c in contributions if c.school_name == "Oaklands School")
    assert oaklands.is_special and oaklands.weight_reasons == ["special school × 1.5"]
    assert oaklands.weighted_pupils == Decimal("144")  # 96 pupils × 1.5


def test_each_statement_explains_its_figure_line_by_line(winsford_round, client, world):
    contribution_round, schools = winsford_round
    client.force_login(world.user("coordinator"))
    for school in schools.values():
        contribution = Contribution.objects.get(round=contribution_round, school=school, is_current=True)
        html = client.get(reverse("funding:statement", args=[contribution_round.pk, school.pk])).content.decode()
        pupils = f"{contribution.pupils:,} pupils counted on 15 January 2026"
        assert pupils in html
        assert f"£{contribution_round.per_pupil_rate}" in html  # the solved rate, to 10 places
        assert "£500.00" in html  # the lump sum
        assert f"£{contribution.amount:,.2f}" in html
        assert "largest remainders, ties to the lowest URN" in html
        if contribution.limit_applied == "cap":
            assert "Above the cap of £12,000.00, so the cap applies" in html


def test_a_statement_still_explains_the_figure_after_pupil_numbers_change(winsford_round, client, world):
    contribution_round, schools = winsford_round
    darnhall = schools["Darnhall Primary School"]
    before = Contribution.objects.get(round=contribution_round, school=darnhall, is_current=True)
    PupilCount.objects.filter(school=darnhall).update(pupils=999)
    darnhall.number_of_pupils = 999
    darnhall.save()
    client.force_login(world.user("coordinator"))
    html = client.get(reverse("funding:statement", args=[contribution_round.pk, darnhall.pk])).content.decode()
    # 999 appears nowhere as a figure (a money input's max="9999999.99" is not one).
    assert "412 pupils counted on 15 January 2026" in html and not re.search(r"(?<![\d.])999(?![\d.])", html)
    assert f"£{before.amount:,.2f}" in html
