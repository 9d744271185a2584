"""Pages and forms: what each role sees, and forms that refuse bad input clearly."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import sign_in_browser
from funding.models import BudgetLine, ContributionRound, Formula, FormulaWeighting, FundingYear, Grant, SpendingEntry
from funding.tests.factories import make_current
from partnership.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_a_headteacher_their_own_schools_outstanding_contribution(world, funding, client):
    make_current(funding.year)  # the dashboard shows the year holding today
    client.force_login(world.user("head"))
    html = client.get(reverse("partnership_dashboard", args=["winsford"])).content.decode()
    assert f"Outstanding: £{funding.contribution.amount:,.2f}" in html
    client.force_login(world.user("coordinator"))
    html = client.get(reverse("partnership_dashboard", args=["winsford"])).content.decode()
    assert "Contributions due" in html and "£10,000.00" in html and "£3,000.00 in grants is held back" in html
    client.force_login(world.user("staff"))
    assert "Funding overview" not in client.get(reverse("partnership_dashboard", args=["winsford"])).content.decode()


def test_an_la_officer_reads_the_year_and_round_but_sees_no_forms(world, funding, client):
    client.force_login(world.user("la_officer"))
    year = client.get(reverse("funding:year_detail", args=[funding.year.pk])).content.decode()
    assert "Improvement partner, summer visits" not in year  # entries are on the spending page
    assert "£1,200.00" in year and "Add a budget line" not in year and "Close the year" not in year
    round_page = client.get(reverse("funding:round_detail", args=[funding.round.pk])).content.decode()
    assert "Darnhall Primary School" in round_page and "Issue to headteachers" not in round_page
    statement = client.get(reverse("funding:statement", args=[funding.round.pk, world.school.pk])).content.decode()
    assert "Record a payment" not in statement and "Amend the contribution" not in statement


def test_a_coordinator_builds_a_formula_with_weightings_and_previews_it_without_writing(world, client):
    client.force_login(world.user("coordinator"))
    response = client.post(
        reverse("funding:formula_list", args=["winsford"]),
        {"name": "Fixed rates", "mode": "fixed_rates", "lump_sum": "250.00", "per_pupil_rate": "10"},
    )
    formula = Formula.objects.get()
    assert response["Location"] == formula.get_absolute_url()
    client.post(
        reverse("funding:weighting_add", args=[formula.pk]),
        {"kind": "size_band", "min_pupils": 0, "max_pupils": 350, "weight": "1.5"},
    )
    response = client.post(
        reverse("funding:weighting_add", args=[formula.pk]),
        {"kind": "size_band", "min_pupils": 300, "weight": "1.2"},
    )
    assert "The size band overlaps another one" in response.content.decode()
    assert FormulaWeighting.objects.count() == 1
    html = client.get(
        reverse("funding:formula_detail", args=[formula.pk]), {"census_date": "2026-01-15", "members_on": "2026-04-01"}
    ).content.decode()
    # Grange: 318 pupils in the 0–350 band: £250 + 318 × 1.5 × £10 = £5,020.00; Darnhall (412): £4,370.00.
    assert "£5,020.00" in html and "£4,370.00" in html and "size band 0–350 pupils × 1.5" in html
    assert not ContributionRound.objects.exists()


def test_a_formula_form_explains_what_is_missing(world, client):
    client.force_login(world.user("coordinator"))
    response = client.post(
        reverse("funding:formula_list", args=["winsford"]),
        {"name": "No total", "mode": "fixed_total", "lump_sum": "-5", "floor": "900", "cap": "100"},
    )
    html = response.content.decode()
    assert "Give the total to raise for a formula with a fixed total." in html
    assert "The cap cannot be lower than the floor." in html
    assert "The amount cannot be negative." in html
    assert not Formula.objects.exists()


def test_a_coordinator_records_spending_and_voids_it_with_a_reason(world, funding, client):
    client.force_login(world.user("coordinator"))
    response = client.post(
        reverse("funding:spending_list", args=[funding.year.pk]),
        {
            "category": "intensive_support",
            "amount": "750.50",
            "spent_on": "2026-09-10",
            "description": "Maths support",
            "school": world.other_school.pk,
        },
    )
    assert response.status_code == 302
    entry = SpendingEntry.objects.get(description="Maths support")
    assert entry.school == world.other_school and entry.budget_line.category == "intensive_support"
    client.post(reverse("funding:spending_void", args=[entry.pk]), {"reason": "Charged to the LA instead"})
    entry.refresh_from_db()
    assert entry.is_void and entry.void_reason == "Charged to the LA instead"
    csv_text = client.get(reverse("funding:spending_csv", args=[funding.year.pk])).content.decode()
    assert "Maths support" in csv_text and "Void: Charged to the LA instead" in csv_text
    html = client.get(reverse("funding:spending_list", args=[funding.year.pk])).content.decode()
    assert "£1,200.00 spent of £0.00 planned" in html


def test_a_budget_line_is_added_and_its_planned_amount_changed_with_a_trace(world, funding, client):
    client.force_login(world.user("coordinator"))
    client.post(
        reverse("funding:budget_line_add", args=[funding.year.pk]),
        {"category": "cpd", "name": "Whole-town INSET", "planned_amount": "6000.00"},
    )
    line = BudgetLine.objects.get(name="Whole-town INSET")
    client.post(reverse("funding:budget_line_edit", args=[line.pk]), {"planned_amount": "6500.00"})
    line.refresh_from_db()
    assert line.planned_amount == Decimal("6500.00")
    assert AuditEntry.objects.get(verb="funding.budget_line.changed").data == {"from": "6000.00", "to": "6500.00"}
    response = client.post(reverse("funding:budget_line_edit", args=[line.pk]), {"planned_amount": "-1"}, follow=True)
    assert "was not changed" in response.content.decode()


def test_recording_heads_of_agreement_releases_the_years_funding_from_the_grants_page(world, funding, client):
    client.force_login(world.user("coordinator"))
    client.post(
        reverse("funding:grant_list", args=["winsford"]),
        {
            "name": "Partnership funding 2026/27",
            "kind": "year_funding",
            "funding_year": funding.year.pk,
            "amount": "8000.00",
            "condition": "heads_of_agreement_signed",
        },
    )
    grant = Grant.objects.get(name="Partnership funding 2026/27")
    assert grant.is_held
    response = client.post(
        reverse("funding:condition_met", args=["winsford"]),
        {"condition": "heads_of_agreement_signed", "met_on": "2026-07-01"},
        follow=True,
    )
    assert "Released 1 grant." in response.content.decode()
    grant.refresh_from_db()
    assert grant.released_on == date(2026, 7, 1)


def test_the_demo_seeder_gives_winsford_a_round_that_adds_up_and_money_held_back(db):
    from funding.balances import round_balances
    from partnership.demo import seed_demo

    seed_demo()
    contribution_round = ContributionRound.objects.get()
    assert contribution_round.total == Decimal("60000.00")
    assert contribution_round.contributions.filter(is_current=True).count() == 15
    assert sum(c.calculated_amount for c in contribution_round.contributions.filter(is_current=True)) == Decimal(
        "60000.00"
    )
    balances = round_balances(contribution_round)
    assert balances.paid > 0 and balances.outstanding > 0 and balances.in_credit > 0
    assert Grant.objects.held().filter(condition="business_plan_approved").exists()
    # Other areas' seeders may file costs on lines of their own: check the lines funding plans.
    lines = {line.name: line.planned_amount for line in FundingYear.objects.get().budget_lines.all()}
    assert {
        "External improvement partner": Decimal("15000.00"),
        "Whole-town INSET and the CPD programme": Decimal("24000.00"),
        "Supply cover for network meetings": Decimal("8000.00"),
        "Intensive support for schools causing concern": Decimal("12000.00"),
        "Partnership business manager (part-time)": Decimal("18000.00"),
    }.items() <= lines.items()
    seed_demo()  # running it again adds nothing
    assert ContributionRound.objects.count() == 1
    assert FundingYear.objects.get().budget_lines.count() == len(lines)


@pytest.mark.browser
def test_a_headteacher_opens_their_statement_and_confirms_it_in_chromium(live_server, page, transactional_db):
    from conftest import build_world

    from .factories import build_funding

    world = build_world()
    funding = build_funding(world)
    sign_in_browser(page, live_server, "head@example.org")
    page.wait_for_url(f"{live_server.url}/p/winsford/")
    page.get_by_role("link", name="Funding", exact=True).click()
    page.get_by_role("link", name="Contributions 2026/27").click()
    assert page.get_by_role("heading", name="Darnhall Primary School: contribution statement").is_visible()
    assert page.get_by_role("rowheader", name="Rounding adjustment").is_visible()
    page.get_by_role("button", name="Confirm this contribution").click()
    assert page.get_by_text("Thank you: the contribution is confirmed.").is_visible()
    funding.contribution.refresh_from_db()
    assert funding.contribution.confirmed_at is not None
