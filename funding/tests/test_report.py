"""The funding section of the termly report."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from funding import services
from funding.report import funding_csv, funding_section
from partnership.models import Term
from partnership.registry import registry
from partnership.tests.factories import TermFactory

from .test_queries import grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def summer(world):
    return TermFactory(
        partnership=world.partnership,
        season=Term.Season.SUMMER,
        academic_year=2025,
        start=date(2026, 4, 20),
        end=date(2026, 7, 22),
    )


def test_the_section_is_registered_for_the_termly_report():
    section = next(s for s in registry.report_sections if s.key == "funding")
    assert section.order == 30 and section.template == "funding/report_section.html"


def test_a_term_with_no_funding_year_says_so_plainly(world, summer):
    data = funding_section(world.partnership, summer)
    assert data == {"year": None, "message": "No funding year covers this term.", "charts": []}
    html = render_to_string(
        "funding/report_section.html", {"data": data, "partnership": world.partnership, "term": summer}
    )
    assert "No funding year covers this term." in html
    assert funding_csv(data) == {}


def test_the_section_shows_contributions_due_paid_and_outstanding_and_spending_against_budget(world, funding, summer):
    coordinator = world.user("coordinator")
    services.record_payment(
        contribution_round=funding.round,
        school=world.school,
        amount=Decimal("1000.00"),
        paid_on=date(2026, 5, 1),
        reference="BACS 1",
        actor=coordinator,
    )
    services.record_payment(
        contribution_round=funding.round,
        school=world.school,
        amount=Decimal("50.00"),
        paid_on=date(2026, 10, 1),  # after the term: not counted in it
        reference="BACS 2",
        actor=coordinator,
    )
    services.add_budget_line(
        funding_year=funding.year,
        category="commissioned_service",
        name="Improvement partner",
        planned_amount=Decimal("5000.00"),
        actor=coordinator,
    )
    data = funding_section(world.partnership, summer)
    darnhall = next(s for s in data["schools"] if s["name"] == "Darnhall Primary School")
    assert darnhall["paid"] == Decimal("1000.00")
    assert darnhall["outstanding"] == funding.contribution.amount - Decimal("1000.00")
    assert data["totals"]["due"] == Decimal("10000.00")
    assert data["income"]["grants_held"] == Decimal("3000.00")
    assert data["budget"]["spent"] == Decimal("1200.00") and data["budget"]["planned"] == Decimal("0.00") + Decimal(
        "5000.00"
    )
    assert data["balance"] == Decimal("1000.00") - Decimal("1200.00")
    assert data["spent_in_term"] == Decimal("1200.00")  # spent in June
    titles = [chart["title"] for chart in data["charts"]]
    assert titles == ["Contributions due and paid by 22 July 2026, by school", "Spending against budget"]
    assert (
        data["charts"][0]["series"][1]["values"][data["charts"][0]["labels"].index("Darnhall Primary School")] == 1000.0
    )
    html = render_to_string(
        "funding/report_section.html", {"data": data, "partnership": world.partnership, "term": summer}
    )
    assert "Darnhall Primary School" in html and "£1,000.00" in html and "£3,000.00" in html
    assert '<table class="report-table">' in html and "<caption>" in html
    tables = funding_csv(data)
    assert tables["contributions.csv"][0] == ["URN", "School", "Due", "Paid", "Outstanding"]
    assert len(tables["contributions.csv"]) == 3


def test_the_section_runs_the_same_number_of_queries_with_many_more_rows(world, funding, summer):
    with CaptureQueriesContext(connection) as small:
        funding_section(world.partnership, summer)
    grow(world, funding, n=8)
    with CaptureQueriesContext(connection) as large:
        data = funding_section(world.partnership, summer)
    assert len(large) == len(small) <= 8
    assert len(data["schools"]) == 10
