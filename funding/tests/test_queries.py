"""List pages and the report section run a fixed number of queries, however many rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding import services
from funding.models import FormulaWeighting, GrantCondition
from funding.tests.factories import FormulaFactory
from schools.tests.factories import MembershipFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def grow(world, funding, n=6):
    """More of everything: schools, a bigger round with payments, spending, grants, formulas."""
    coordinator = world.user("coordinator")
    for _ in range(n):
        MembershipFactory(partnership=world.partnership, school=SchoolFactory())
    bigger = services.create_round(
        partnership=world.partnership,
        funding_year=funding.year,
        formula=funding.formula,
        census_date=date(2026, 1, 15),
        members_on=date(2026, 4, 1),
        name="Bigger round",
        actor=coordinator,
    )
    services.issue_round(contribution_round=bigger, actor=coordinator)
    for contribution in bigger.contributions.all():
        for day in (1, 2):
            services.record_payment(
                contribution_round=bigger,
                school=contribution.school_id,
                amount=Decimal("10.00"),
                paid_on=date(2026, 5, day),
                reference=f"R{contribution.pk}-{day}",
                actor=coordinator,
            )
    for i in range(n):
        category = ["cpd", "supply_cover", "intensive_support", "other"][i % 4]
        services.record_spending(
            partnership=world.partnership,
            category=category,
            amount=Decimal("25.00"),
            spent_on=date(2026, 6, 1 + i),
            description=f"Entry {i}",
            school=world.school if category == "intensive_support" else None,
            actor=coordinator,
        )
        services.add_grant(
            partnership=world.partnership,
            funding_year=funding.year,
            name=f"Grant {i}",
            amount=Decimal("100.00"),
            school=world.other_school,
            condition=GrantCondition.BUSINESS_PLAN_APPROVED if i % 2 else GrantCondition.NONE,
            actor=coordinator,
        )
        formula = FormulaFactory(partnership=world.partnership, name=f"Formula {i}")
        FormulaWeighting.objects.create(formula=formula, kind="phase", phase="Primary", weight=Decimal("1.1"))
    return bigger


def count(client, url) -> int:
    client.get(url)  # warm up: the first request also loads caches (content types, site)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


PAGES = [
    ("coordinator", lambda w, f: reverse("funding:overview", args=["winsford"])),
    ("head", lambda w, f: reverse("funding:overview", args=["winsford"])),
    ("coordinator", lambda w, f: reverse("funding:year_list", args=["winsford"])),
    ("coordinator", lambda w, f: reverse("funding:year_detail", args=[f.year.pk])),
    ("coordinator", lambda w, f: reverse("funding:spending_list", args=[f.year.pk])),
    ("la_officer", lambda w, f: reverse("funding:formula_list", args=["winsford"])),
    ("coordinator", lambda w, f: reverse("funding:round_list", args=["winsford"])),
    ("coordinator", lambda w, f: reverse("funding:grant_list", args=["winsford"])),
    ("coordinator", lambda w, f: reverse("funding:pupil_numbers", args=["winsford"])),
    ("coordinator", lambda w, f: reverse("funding:statement", args=[f.round.pk, w.school.pk])),
    ("head", lambda w, f: reverse("partnership_dashboard", args=["winsford"])),
]


@pytest.mark.parametrize("role, url", PAGES, ids=[f"{i}-{role}" for i, (role, _) in enumerate(PAGES)])
def test_funding_pages_run_the_same_number_of_queries_with_many_more_rows(world, funding, client, role, url):
    client.force_login(world.user(role))
    before = count(client, url(world, funding))
    grow(world, funding)
    after = count(client, url(world, funding))
    assert after == before


def test_a_round_with_many_schools_takes_as_many_queries_as_one_with_two(world, funding, client):
    client.force_login(world.user("coordinator"))
    small = count(client, reverse("funding:round_detail", args=[funding.round.pk]))
    bigger = grow(world, funding)
    assert bigger.contributions.count() == 8
    assert count(client, reverse("funding:round_detail", args=[bigger.pk])) == small
    assert count(client, reverse("funding:round_csv", args=[bigger.pk])) <= small
