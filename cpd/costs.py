"""What CPD costs the partnership, and what it charges schools.

Event costs (facilitator, venue, supply cover) are filed in the funding area's spending
through `funding.services`, so funding's budget and balance include them; funding never
imports cpd. Charges to schools stay here and reach funding's school statement through the
core registry (`school_charges`, registered in apps.py)."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from funding.services import record_spending, void_spending
from partnership.audit import record
from partnership.registry import SchoolCharge

from .models import Charge, Event, EventCost

SPENDING_CATEGORY = "cpd"


@transaction.atomic
def add_event_cost(
    *, event: Event, kind: str, description: str, amount: Decimal, spent_on: date, supplier: str = "", actor
) -> EventCost:
    """Records the cost and files it as funding spending in one transaction: when funding
    refuses it (no funding year for the date, a closed year), a ValidationError leaves
    nothing written."""
    event = Event.objects.select_related("programme__partnership").get(pk=event.pk)
    cost = EventCost.objects.create(
        event=event,
        kind=kind,
        description=description.strip(),
        supplier=supplier.strip(),
        amount=amount,
        spent_on=spent_on,
        recorded_by=actor,
    )
    record_spending(
        partnership=event.programme.partnership,
        category=SPENDING_CATEGORY,
        amount=amount,
        spent_on=spent_on,
        description=f"{event.title}: {cost.get_kind_display().lower()} ({cost.description})",
        supplier=cost.supplier,
        source_ref=cost.source_ref,
        actor=actor,
    )
    record(
        actor=actor,
        verb="cpd.event_cost.added",
        target=event,
        partnership=event.programme.partnership,
        data={"cost": cost.pk, "kind": kind, "amount": str(amount)},
    )
    return cost


@transaction.atomic
def remove_event_cost(*, cost: EventCost, actor) -> EventCost:
    """Marks the cost removed and voids its spending entry (a ValidationError, for example
    for a closed funding year, leaves both as they were). Removing twice is harmless."""
    cost = EventCost.objects.select_for_update().select_related("event__programme__partnership").get(pk=cost.pk)
    if cost.removed_at is not None:
        return cost
    void_spending(source_ref=cost.source_ref, actor=actor, reason=f"Cost removed from the CPD event {cost.event}")
    cost.removed_at = timezone.now()
    cost.save(update_fields=["removed_at"])
    record(
        actor=actor,
        verb="cpd.event_cost.removed",
        target=cost.event,
        partnership=cost.event.programme.partnership,
        data={"cost": cost.pk, "amount": str(cost.amount)},
    )
    return cost


def school_charges(partnership, school, start: date, end: date) -> list[SchoolCharge]:
    """CPD places charged to `school` between the dates, for funding's school statement."""
    charges = (
        Charge.objects.live()
        .filter(
            school=school,
            booking__event__programme__partnership=partnership,
            created_at__date__gte=start,
            created_at__date__lte=end,
        )
        .select_related("booking__event", "booking__person")
        .order_by("created_at", "pk")
    )
    return [
        SchoolCharge(
            on=timezone.localdate(charge.created_at),
            description=f"{charge.booking.event.title}: place for {charge.booking.person}",
            amount=charge.amount,
            url=charge.booking.event.get_absolute_url(),
        )
        for charge in charges
    ]
