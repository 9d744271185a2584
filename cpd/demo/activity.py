"""Demo activity: workshop choices and the allocation, bookings with waiting lists,
registers, feedback and follow-ups."""

import random

from django.utils import timezone

from .. import services
from ..models import Feedback, ImpactFollowUp


def choose_and_allocate(event, staff, teacher_person, coordinator, teacher) -> None:
    workshops = list(event.workshops.order_by("pk"))
    rng = random.Random(2026)
    for school_people in staff.values():
        for person in school_people:
            if person == teacher_person:
                continue
            if rng.random() < 0.85:
                picks = rng.sample(workshops[:12], 3) + rng.sample(workshops[12:], 2)
                services.save_choices(
                    event=event, person=person, workshop_ids=[w.pk for w in picks], chosen_by=coordinator
                )
    if teacher_person is not None:
        services.save_choices(
            event=event,
            person=teacher_person,
            workshop_ids=[workshops[10].pk, workshops[1].pk, workshops[14].pk],
            chosen_by=teacher,
        )
    run = services.run_allocation(event=event, run_by=coordinator)
    services.publish_allocation(run=run, published_by=coordinator)


def book_places(e, staff, darnhall, head, coordinator, teacher, teacher_person) -> None:
    # Bookings. Darnhall's head books her staff; the demo teacher books some places themselves.
    darnhall_staff = [p for p in staff[darnhall.pk] if p.job_role != "Headteacher"]
    # Round robin over the other schools, so places spread across the town.
    queues = [[p for p in people if p.job_role != "Headteacher"] for sid, people in staff.items() if sid != darnhall.pk]
    others = [queue[i] for i in range(max(map(len, queues))) for queue in queues if i < len(queue)]

    def book(event, person, by):
        if not event.bookings.active().filter(person=person).exists():
            return services.book_place(event_id=event.pk, person=person, booked_by=by)
        return None

    for person in darnhall_staff[:3]:
        book(e["phonics"], person, head)
    for person in others[:9]:
        book(e["phonics"], person, coordinator)
    for person in [p for p in others if p.job_role in ("Phase leader",)][:10] + darnhall_staff[:1]:
        book(e["dsl"], person, coordinator)
    for person in others[:8]:
        book(e["adaptive"], person, coordinator)
    # The course is full: Darnhall's bookings go on the waiting list.
    for person in ([teacher_person] if teacher_person else []) + darnhall_staff[1:3]:
        book(e["adaptive"], person, head)
    for person in [p for p in others if p.job_role == "SENCO"] + [p for p in darnhall_staff if p.job_role == "SENCO"]:
        book(e["senco"], person, coordinator)
    for person in darnhall_staff[:2] + others[10:20]:
        book(e["maths"], person, coordinator)
    for person in [p for p in others if p.job_role == "Phase leader"][:14]:
        book(e["leaders"], person, coordinator)
    for person in [p for p in others if p.job_role == "Teaching assistant"][:20] + [
        p for p in darnhall_staff if p.job_role == "Teaching assistant"
    ]:
        book(e["ta"], person, coordinator)
    if teacher_person is not None:
        book(e["ect"], teacher_person, teacher)
        book(e["maths"], teacher_person, teacher)


def record_past_activity(e, coordinator) -> None:
    # Past events: the register, feedback and (for the older one) half-term follow-ups.
    rng = random.Random(7)
    comments = [
        "Practical and well paced.",
        "Would like more time on assessment.",
        "Useful ideas I used the next day.",
        "",
    ]
    for key in ("phonics", "dsl"):
        event = e[key]
        for session in event.sessions.all():
            if session.ends_at > timezone.now():
                continue
            confirmed = list(event.bookings.confirmed())
            services.mark_attendance(
                session=session,
                present_ids={b.pk for b in confirmed if rng.random() < 0.9},
                booking_ids=[b.pk for b in confirmed],
                marked_by=coordinator,
            )
        for booking in event.bookings.filter(attendances__present=True).distinct():
            if rng.random() < 0.7:
                Feedback.objects.get_or_create(
                    booking=booking, defaults={"rating": rng.choice([3, 4, 4, 5, 5]), "comments": rng.choice(comments)}
                )
            if key == "dsl":
                follow_up, _ = ImpactFollowUp.objects.get_or_create(booking=booking)
                if rng.random() < 0.6:
                    follow_up.what_changed = rng.choice(
                        [
                            "We rewrote our safeguarding induction for supply staff.",
                            "Record keeping moved to one system; the team checks it weekly.",
                            "I now run a five-minute safeguarding briefing every Monday.",
                        ]
                    )
                    follow_up.answered_at = timezone.now()
                    follow_up.save(update_fields=["what_changed", "answered_at"])
    # A cancellation, so the waiting list has moved once.
    first = e["adaptive"].bookings.confirmed().order_by("created_at").first()
    if first is not None:
        services.cancel_booking(booking_id=first.pk, cancelled_by=coordinator)


def record_event_costs(events, coordinator) -> None:
    """What some events cost the partnership, filed in funding's CPD spending when a funding
    year covers the event's first session."""
    from decimal import Decimal

    from funding.models import FundingYear

    from ..costs import add_event_cost

    costs = [
        ("conference", "facilitator", "Keynote: oracy across the curriculum", "Voice 21", "1450.00"),
        ("conference", "venue", "Hall hire and lunch for 120", "Winsford Academy", "960.00"),
        ("leaders", "facilitator", "Leadership programme facilitator, three days", "North West Leadership", "2100.00"),
        ("senco", "supply_cover", "Supply cover for SENCOs from the small schools", "Cheshire Supply Ltd", "540.00"),
    ]
    for key, kind, description, supplier, amount in costs:
        event = events.get(key)
        first = event.sessions.order_by("starts_at").first() if event else None
        if first is None:
            continue
        day = timezone.localtime(first.starts_at).date()
        partnership = event.programme.partnership
        if not FundingYear.objects.filter(partnership=partnership).containing(day).exists():
            continue
        add_event_cost(
            event=event,
            kind=kind,
            description=description,
            supplier=supplier,
            amount=Decimal(amount),
            spent_on=day,
            actor=coordinator,
        )
