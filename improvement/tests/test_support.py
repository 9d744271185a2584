from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from funding.models import SpendingEntry
from improvement import services
from improvement.models import SupportAgreement, SupportRequest


def test_closing_support_files_its_cost_once_as_school_to_school_spending_paid_to_the_supporting_school(
    world, improvement
):
    agreement = improvement.agreement
    services.close_agreement(
        agreement=agreement,
        closed_on=timezone.localdate(),
        evaluation="Year 4 check rose to 22/25.",
        target_met="met",
        actor=world.user("head"),
    )
    entry = SpendingEntry.objects.get(source_ref=f"improvement:support-agreement:{agreement.pk}")
    assert entry.amount == Decimal("1302.00")  # 4 days at £325.50
    assert entry.category == "school_to_school_support"
    assert entry.school == world.other_school and entry.supplier == world.other_school.name
    agreement.refresh_from_db()
    assert agreement.status == SupportAgreement.Status.CLOSED and agreement.evaluated_by == world.user("head")
    assert SupportRequest.objects.get(pk=agreement.request_id).status == SupportRequest.Status.CLOSED
    with pytest.raises(ValidationError):
        services.close_agreement(
            agreement=agreement, closed_on=timezone.localdate(), evaluation="again", target_met="met", actor=None
        )
    assert SpendingEntry.objects.filter(source_ref__startswith="improvement:").count() == 1


def test_support_cannot_be_agreed_without_a_baseline_or_with_no_days(world, improvement):
    base = {
        "support_request": improvement.matched,
        "objectives": "o",
        "baseline": "b",
        "target": "t",
        "days": Decimal("3"),
        "cost_per_day": Decimal("300.00"),
        "starts_on": timezone.localdate(),
        "ends_on": timezone.localdate(),
        "actor": world.user("coordinator"),
    }
    for change in ({"baseline": " "}, {"days": Decimal("0")}, {"cost_per_day": Decimal("1.005")}):
        with pytest.raises(ValidationError):
            services.agree_support(**{**base, **change})
    assert not SupportAgreement.objects.filter(request=improvement.matched).exists()


def test_a_raised_request_cannot_be_agreed_before_it_is_matched(world, improvement):
    with pytest.raises(ValidationError, match="Match the request"):
        services.agree_support(
            support_request=improvement.raised,
            objectives="o",
            baseline="b",
            target="t",
            days=1,
            cost_per_day=0,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
            actor=None,
        )


def test_the_request_page_offers_providers_from_the_expertise_directory(client, world, improvement):
    client.force_login(world.user("coordinator"))
    page = client.get(reverse("improvement:request_detail", args=[improvement.raised.pk])).content.decode()
    assert "David Pryce, " + world.other_school.name in page
    assert "Local leader of education" in page


def test_a_head_asks_for_support_for_their_school_only(client, world):
    client.force_login(world.user("head"))
    url = reverse("improvement:support_list", args=[world.partnership.slug])
    response = client.post(url, {"school": world.other_school.pk, "need": "Help"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not SupportRequest.objects.exists()
    response = client.post(url, {"school": world.school.pk, "need": "Help with attendance"})
    request = SupportRequest.objects.get()
    assert response.status_code == 302 and request.school == world.school and request.raised_by == world.user("head")


def test_bad_agreement_input_shows_errors_and_writes_nothing(client, world, improvement):
    client.force_login(world.user("coordinator"))
    response = client.post(
        reverse("improvement:request_agree", args=[improvement.matched.pk]),
        {"objectives": "o", "baseline": "b", "target": "t", "days": "abc", "cost_per_day": "-3", "starts_on": "x"},
    )
    assert response.status_code == 200
    assert "Enter a number." in response.content.decode()
    assert not SupportAgreement.objects.filter(request=improvement.matched).exists()


def test_visits_are_logged_by_the_supporting_schools_head_and_shown_with_days_used(client, world, improvement):
    client.force_login(world.user("other_head"))
    url = reverse("improvement:agreement_visit", args=[improvement.agreement.pk])
    client.post(url, {"visited_on": timezone.localdate().isoformat(), "days_used": "1.5", "notes": "Learning walk"})
    page = client.get(reverse("improvement:agreement_detail", args=[improvement.agreement.pk])).content.decode()
    assert "Learning walk" in page and "1.5 used" in page


def test_a_head_withdraws_their_schools_request_before_it_is_agreed(client, world, improvement):
    client.force_login(world.user("head"))
    url = reverse("improvement:request_withdraw", args=[improvement.raised.pk])
    assert "Say why the request is withdrawn." in client.post(url, {"reason": " "}).content.decode()
    client.post(url, {"reason": "The LA adviser is helping instead."})
    improvement.raised.refresh_from_db()
    assert improvement.raised.status == SupportRequest.Status.WITHDRAWN
    with pytest.raises(ValidationError):
        services.withdraw_request(support_request=improvement.agreement.request, reason="late", actor=None)
