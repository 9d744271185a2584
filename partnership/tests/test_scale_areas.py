"""seed_scale with every area's seeder: the data is valid for the pages (money adds up,
bookings within capacity, minutes signed only once approved), and `seed_partnership` adds a
partnership to a database that already holds one."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from cpd.models import Booking, Event
from funding.models import Contribution, ContributionRound, Payment
from governance.models import Committee, Meeting, Minutes, Vote
from improvement.models import Categorisation, Plan, SurveyRecipient
from partnership.models import LocalAuthority, Partnership, RoleGrant
from partnership.registry import registry
from partnership.scale import seed_partnership
from schools.models import PartnershipMembership, School


@pytest.fixture
def seeded(db):
    call_command("seed_scale", schools=45, partnerships=2, years=2)


def test_every_area_seeder_is_registered_and_fills_each_partnership(seeded):
    assert {s.name for s in registry.scale_seeders} >= {"governance", "funding", "cpd", "improvement"}
    for partnership in Partnership.objects.exclude(local_authority__code="~SC"):
        members = PartnershipMembership.objects.current().filter(partnership=partnership).count()
        assert Committee.objects.filter(partnership=partnership, kind="strategic").count() == 1
        assert Meeting.objects.filter(committee__partnership=partnership).exists()
        assert ContributionRound.objects.filter(partnership=partnership, status="issued").count() == 1
        assert Event.objects.filter(programme__partnership=partnership).count() == 2 + members // 3
        assert Plan.objects.filter(partnership=partnership, approved_on__isnull=False).count() == 1
        assert Categorisation.objects.filter(partnership=partnership).count() == members


def test_contributions_add_up_to_each_round_and_payments_never_exceed_them(seeded):
    for round_ in ContributionRound.objects.all():
        lines = Contribution.objects.filter(round=round_)
        assert lines.aggregate(total=Sum("amount"))["total"] == round_.total
        assert lines.count() == PartnershipMembership.objects.current().filter(partnership=round_.partnership).count()
    paid = Payment.objects.values("round", "school").annotate(paid=Sum("amount"))
    assert paid
    due = {(c.round_id, c.school_id): c.amount for c in Contribution.objects.filter(is_current=True)}
    for row in paid:
        assert 0 < row["paid"] <= due[row["round"], row["school"]]


def test_bookings_stay_within_capacity_with_a_waiting_list_only_when_full(seeded):
    events = Event.objects.annotate(
        confirmed=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)),
        waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
        cancelled=Count("bookings", filter=Q(bookings__status=Booking.Status.CANCELLED)),
    )
    assert events.exists()
    for event in events:
        assert event.confirmed <= event.capacity
        assert event.waiting == 0 or event.confirmed + event.cancelled == event.capacity
    assert (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED, charge__isnull=True, event__cost_per_place__gt=0, event__payer="school"
        ).count()
        == 0
    )


def test_minutes_are_signed_only_when_approved_and_votes_match_the_decision(seeded):
    signed = Minutes.objects.filter(status=Minutes.Status.SIGNED)
    assert signed.exists()
    assert not signed.filter(Q(approved_at_meeting__isnull=True) | Q(signed_by__isnull=True)).exists()
    assert not Minutes.objects.filter(meeting__status=Meeting.Status.SCHEDULED).exists()
    for meeting in Meeting.objects.filter(status=Meeting.Status.HELD)[:10]:
        decision = meeting.items.get(decisions__isnull=False).decisions.get()
        assert Vote.objects.filter(decision=decision, choice="for").count() == decision.votes_for
        assert decision.members_present == meeting.attendance.filter(status="present").count()
    responded = SurveyRecipient.objects.filter(responded_at__isnull=False)
    assert responded.exists() and not responded.filter(answers={}).exists()


def test_seed_partnership_adds_one_partnership_to_a_database_already_seeded(db):
    call_command("seed_scale", schools=15, partnerships=1, years=1)
    before = set(LocalAuthority.objects.values_list("code", flat=True))

    first = seed_partnership(schools=8)
    second = seed_partnership(schools=8)

    new = Partnership.objects.filter(pk__in=first.partnership_ids + second.partnership_ids)
    assert new.count() == 2
    assert not before & set(new.values_list("local_authority__code", flat=True))
    for partnership in new:
        assert PartnershipMembership.objects.filter(partnership=partnership).count() >= 8
        assert RoleGrant.objects.filter(partnership=partnership).count() == 5
        assert Meeting.objects.filter(committee__partnership=partnership).exists()
    assert School.objects.values("urn").distinct().count() == School.objects.count() == 31
