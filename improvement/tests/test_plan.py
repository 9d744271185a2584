from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from funding.models import Grant, GrantCondition
from funding.services import add_grant
from improvement import services
from improvement.tests.factories import funding_year_covering_today


def _held_grant(world, condition=GrantCondition.BUSINESS_PLAN_APPROVED):
    return add_grant(
        partnership=world.partnership,
        funding_year=funding_year_covering_today(world.partnership),
        name="Start-up funding",
        amount="20000.00",
        condition=condition,
        actor=world.user("coordinator"),
    )


def test_approving_the_business_plan_records_the_decision_and_releases_the_start_up_grant(client, world, improvement):
    grant = _held_grant(world)
    client.force_login(world.user("coordinator"))
    today = timezone.localdate()
    response = client.post(
        reverse("improvement:plan_approve", args=[improvement.plan.pk]),
        {"approved_on": today.isoformat(), "minute_ref": "STR/24/07", "meeting": "Strategic committee"},
        follow=True,
    )
    assert "1 grant held for the business plan released" in response.content.decode()
    grant.refresh_from_db()
    assert grant.released_on == today and "STR/24/07" in grant.release_note
    improvement.plan.refresh_from_db()
    assert improvement.plan.approved_by == world.user("coordinator")
    assert improvement.plan.approval_minute_ref == "STR/24/07"
    with pytest.raises(ValidationError, match="already approved"):
        services.approve_plan(plan=improvement.plan, approved_on=today, minute_ref="again", actor=None)


def test_approving_a_development_plan_releases_nothing(world):
    grant = _held_grant(world)
    today = timezone.localdate()
    plan = services.create_plan(
        partnership=world.partnership,
        title="Development plan",
        kind="development",
        starts_on=today,
        ends_on=today + timedelta(days=300),
        actor=None,
    )
    services.add_priority(plan=plan, title="Reading", baseline="a", target="b", actor=None)
    assert services.approve_plan(plan=plan, approved_on=today, minute_ref="1", actor=None) == []
    assert Grant.objects.get(pk=grant.pk).is_held


def test_a_plan_without_a_minute_reference_is_not_approved(client, world, improvement):
    client.force_login(world.user("coordinator"))
    response = client.post(
        reverse("improvement:plan_approve", args=[improvement.plan.pk]), {"approved_on": "2026-01-01", "minute_ref": ""}
    )
    assert response.status_code == 200
    assert "Choose the committee&#x27;s decision, or give the minute reference." in response.content.decode()
    improvement.plan.refresh_from_db()
    assert improvement.plan.approved_on is None


def test_the_priority_history_shows_what_changed_when(client, world, improvement):
    today = timezone.localdate()
    services.record_priority_update(
        priority=improvement.priority,
        reviewed_on=today - timedelta(days=40),
        rag="red",
        commentary="Delayed",
        actor=None,
    )
    services.record_priority_update(
        priority=improvement.priority, reviewed_on=today, rag="green", commentary="Back on track", actor=None
    )
    client.force_login(world.user("staff"))
    page = client.get(reverse("improvement:priority_detail", args=[improvement.priority.pk])).content.decode()
    assert page.index("Back on track") < page.index("Delayed")
    plan_page = client.get(reverse("improvement:plan_detail", args=[improvement.plan.pk])).content.decode()
    assert "Green" in plan_page


def _strategic_decision(world, *, carried=True, kind="strategic", partnership=None):
    """A decision on item 4 of a meeting of the partnership's committee of `kind`."""
    from governance.models import Committee, Decision
    from governance.tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory

    committee = Committee.objects.filter(partnership=partnership or world.partnership, kind=kind).first()
    committee = committee or CommitteeFactory(
        partnership=partnership or world.partnership, kind=kind, name=f"{kind.replace('_', ' ').capitalize()} board"
    )
    item = AgendaItemFactory(meeting=MeetingFactory(committee=committee), order=4, title="Business plan")
    return Decision.objects.create(item=item, motion="To approve the business plan 2026-28", is_carried=carried)


def test_approval_points_at_the_strategic_committee_decision_and_the_plan_links_to_it(client, world, improvement):
    grant = _held_grant(world)
    decision = _strategic_decision(world)
    _strategic_decision(world, carried=False)
    _strategic_decision(world, partnership=world.other_partnership)
    client.force_login(world.user("coordinator"))
    url = reverse("improvement:plan_detail", args=[improvement.plan.pk])
    form = client.get(url).content.decode()
    # Only carried decisions of this partnership's strategic committee are offered.
    assert form.count("To approve the business plan 2026-28") == 1 and "item 4" in form
    today = timezone.localdate()
    response = client.post(
        reverse("improvement:plan_approve", args=[improvement.plan.pk]),
        {"decision": decision.pk, "approved_on": today.isoformat(), "minute_ref": "", "meeting": ""},
        follow=True,
    )
    assert "1 grant held for the business plan released" in response.content.decode()
    improvement.plan.refresh_from_db()
    assert improvement.plan.approval_decision == decision
    assert improvement.plan.approval_minute_ref == "item 4"
    assert improvement.plan.approval_meeting.startswith("Strategic board, ")
    assert Grant.objects.get(pk=grant.pk).released_on == today
    page = client.get(url).content.decode()
    meeting_url = reverse("governance:meeting_detail", args=[decision.item.meeting_id])
    assert f'href="{meeting_url}"' in page and "The decision: To approve the business plan" in page


def test_a_decision_not_carried_or_of_another_partnership_cannot_approve_the_plan(client, world, improvement):
    _strategic_decision(world)
    lost = _strategic_decision(world, carried=False)
    foreign = _strategic_decision(world, partnership=world.other_partnership)
    single_issue = _strategic_decision(world, kind="single_issue")
    client.force_login(world.user("coordinator"))
    for decision in (lost, foreign, single_issue):
        response = client.post(
            reverse("improvement:plan_approve", args=[improvement.plan.pk]),
            {"decision": decision.pk, "approved_on": "2026-01-01", "minute_ref": "X"},
        )
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError, match="not carried"):
        services.approve_plan(plan=improvement.plan, approved_on=timezone.localdate(), decision=lost, actor=None)
    improvement.plan.refresh_from_db()
    assert improvement.plan.approved_on is None and improvement.plan.approval_decision is None
