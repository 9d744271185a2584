"""CPD costs land in funding's spending; CPD charges show on funding's school statement."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from cpd.models import EventCost
from cpd.services import book_place
from funding.models import SpendingEntry
from funding.tests.factories import FundingYearFactory, build_funding, make_current
from partnership.models import AuditEntry


def _cost_form(**fields):
    return {"kind": "facilitator", "description": "Speaker fee", "supplier": "Oracy Ltd", "amount": "350.00"} | fields


def test_an_organiser_records_an_event_cost_and_it_lands_in_funding_spending(world, cpd, client):
    FundingYearFactory(partnership=world.partnership)
    client.force_login(world.user("coordinator"))
    url = reverse("cpd:event_costs", args=[cpd.event.pk])
    response = client.post(url, _cost_form(spent_on="2026-10-14"))
    assert response.status_code == 302
    cost = EventCost.objects.get()
    entry = SpendingEntry.objects.get(source_ref=f"cpd:event-cost:{cost.pk}")
    assert (entry.category, entry.amount, entry.spent_on) == ("cpd", Decimal("350.00"), date(2026, 10, 14))
    assert entry.supplier == "Oracy Ltd" and "Adaptive teaching" in entry.description
    assert entry.budget_line.funding_year.partnership == world.partnership
    page = client.get(url).content.decode()
    assert "Speaker fee" in page and "£350.00" in page
    assert AuditEntry.objects.filter(verb="cpd.event_cost.added").exists()

    response = client.post(reverse("cpd:event_cost_remove", args=[cost.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    cost.refresh_from_db()
    assert entry.is_void and cost.removed_at is not None
    assert "Speaker fee" not in client.get(url).content.decode()
    # Removing again is a 404 (the cost is gone from the list), not a second void.
    assert client.post(reverse("cpd:event_cost_remove", args=[cost.pk])).status_code == 404


def test_a_cost_no_funding_year_covers_is_refused_and_writes_nothing(world, cpd, client):
    FundingYearFactory(partnership=world.partnership)
    client.force_login(world.user("coordinator"))
    response = client.post(reverse("cpd:event_costs", args=[cpd.event.pk]), _cost_form(spent_on="2031-01-10"))
    assert response.status_code == 200
    assert "funding year" in response.content.decode().lower()
    assert not EventCost.objects.exists() and not SpendingEntry.objects.exists()


def test_a_negative_cost_gets_a_clear_message(world, cpd, client):
    FundingYearFactory(partnership=world.partnership)
    client.force_login(world.user("coordinator"))
    response = client.post(
        reverse("cpd:event_costs", args=[cpd.event.pk]), _cost_form(amount="-5", spent_on="2026-10-14")
    )
    assert response.status_code == 200 and "The amount cannot be negative." in response.content.decode()
    assert not EventCost.objects.exists()


def test_the_school_statement_lists_cpd_charges_to_that_school_only(world, cpd, client):
    funding = build_funding(world)
    make_current(funding.year)  # the places are charged today
    book_place(event_id=cpd.event.pk, person=cpd.colleague, booked_by=world.user("head"))
    book_place(event_id=cpd.event.pk, person=cpd.other_person, booked_by=world.user("coordinator"))
    client.force_login(world.user("head"))
    page = client.get(reverse("funding:statement", args=[funding.round.pk, world.school.pk])).content.decode()
    assert "Other charges to the school" in page and "CPD places" in page
    assert f"Adaptive teaching: place for {cpd.colleague}" in page
    assert f"place for {cpd.other_person}" not in page
    assert "Total CPD places" in page and "£45.00" in page


def test_a_statement_without_charges_has_no_charges_section(world, client):
    funding = build_funding(world)
    client.force_login(world.user("head"))
    page = client.get(reverse("funding:statement", args=[funding.round.pk, world.school.pk])).content.decode()
    assert "Other charges to the school" not in page
