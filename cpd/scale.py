"""CPD at scale (`seed_scale`): a programme per partnership for the current academic year,
events in proportion to its schools (one or two sessions each, spread over the year), and
bookings by the member schools' staff: confirmed up to capacity, then a waiting list, a few
cancelled; attendance and feedback for sessions already held; a charge per confirmed place
the booking school pays for."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from partnership.scale import ScaleContext

from .models import Attendance, Booking, Charge, Event, Feedback, Programme, Session

EVENTS = [
    ("Phonics refresher", Event.Kind.COURSE, Decimal("45.00"), Event.Payer.BOOKING_SCHOOL),
    ("Maths mastery network", Event.Kind.NETWORK_WORKSHOP, Decimal("0.00"), Event.Payer.PARTNERSHIP),
    ("SENCO network meeting", Event.Kind.SENCO_NETWORK, Decimal("0.00"), Event.Payer.PARTNERSHIP),
    ("Middle leaders programme", Event.Kind.LEADERSHIP, Decimal("120.00"), Event.Payer.BOOKING_SCHOOL),
    ("Behaviour and relationships", Event.Kind.COURSE, Decimal("35.00"), Event.Payer.BOOKING_SCHOOL),
    ("Writing moderation", Event.Kind.DEVELOPMENT_DAY, Decimal("0.00"), Event.Payer.PARTNERSHIP),
    ("Early reading conference", Event.Kind.CONFERENCE, Decimal("60.00"), Event.Payer.BOOKING_SCHOOL),
    ("Safeguarding update", Event.Kind.COURSE, Decimal("25.00"), Event.Payer.BOOKING_SCHOOL),
]
SCHOOLS_PER_EVENT = 3
MOST_EVENTS = 40


def seed(context: ScaleContext) -> None:
    rng = context.rng
    today = context.today
    year = context.current_year
    first_day = datetime(year, 9, 8).date()
    partnerships = [p for p in context.partnership_ids if context.schools_of.get(p)]
    events_of = {p: min(MOST_EVENTS, 2 + len(context.schools_of[p]) // SCHOOLS_PER_EVENT) for p in partnerships}
    total_events = sum(events_of.values())
    programme_ids = iter(context.reserve_ids(Programme, len(partnerships)))
    event_ids = iter(context.reserve_ids(Event, total_events))
    session_ids = iter(context.reserve_ids(Session, 2 * total_events))
    booking_ids = iter(context.reserve_ids(Booking, 60 * total_events))
    attendance_ids = iter(context.reserve_ids(Attendance, 120 * total_events))
    feedback_ids = iter(context.reserve_ids(Feedback, 60 * total_events))
    charge_ids = iter(context.reserve_ids(Charge, 60 * total_events))
    programmes, events, sessions, bookings, attendance, feedback, charges = [], [], [], [], [], [], []
    for partnership in partnerships:
        schools = context.schools_of[partnership]
        staff = [(person, school) for school in schools for person in context.people_of_school.get(school, [])[:3]]
        programme = next(programme_ids)
        programmes.append(
            {
                "id": programme,
                "partnership_id": partnership,
                "academic_year": year,
                "title": f"Professional development {year}/{str(year + 1)[2:]}",
            }
        )
        count = events_of[partnership]
        booker = context.users_of[partnership]["coordinator"]
        for n in range(count):
            title, kind, cost, payer = EVENTS[n % len(EVENTS)]
            event = next(event_ids)
            capacity = rng.choice([12, 20, 24, 30, 40])
            events.append(
                {
                    "id": event,
                    "programme_id": programme,
                    "kind": kind,
                    "title": title if n < len(EVENTS) else f"{title} ({n // len(EVENTS) + 1})",
                    "description": "A practical session for staff across the partnership.",
                    "capacity": capacity,
                    "cost_per_place": cost,
                    "payer": payer,
                    "staff_may_book": True,
                    "created_by_id": booker,
                }
            )
            day = first_day + timedelta(days=(n * 300) // count)
            day += timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday
            its_sessions = []
            for s in range(1 if n % 3 else 2):
                when = day + timedelta(weeks=2 * s)
                starts = timezone.make_aware(datetime.combine(when, time(13, 30)))
                pk = next(session_ids)
                sessions.append(
                    {
                        "id": pk,
                        "event_id": event,
                        "starts_at": starts,
                        "ends_at": starts + timedelta(hours=3),
                        "host_school_id": rng.choice(schools),
                        "room": "Hall",
                        "facilitator": "Partnership lead practitioner",
                    }
                )
                its_sessions.append((pk, when))
            booked_at = timezone.make_aware(datetime.combine(day - timedelta(days=28), time(10)))
            wanted = min(len(staff), capacity + rng.randint(0, 6))
            for i, (person, school) in enumerate(rng.sample(staff, wanted)):
                status = Booking.Status.CONFIRMED if i < capacity else Booking.Status.WAITLISTED
                if status == Booking.Status.CONFIRMED and rng.random() < 0.05:
                    status = Booking.Status.CANCELLED
                booking = next(booking_ids)
                created = booked_at + timedelta(minutes=i)
                bookings.append(
                    {
                        "id": booking,
                        "event_id": event,
                        "person_id": person,
                        "school_id": school,
                        "status": status,
                        "booked_by_id": booker,
                        "created_at": created,
                        "confirmed_at": created if status != Booking.Status.WAITLISTED else None,
                        "cancelled_at": created + timedelta(days=3) if status == Booking.Status.CANCELLED else None,
                    }
                )
                if status != Booking.Status.CONFIRMED:
                    continue
                if cost and payer == Event.Payer.BOOKING_SCHOOL:
                    charges.append({"id": next(charge_ids), "booking_id": booking, "school_id": school, "amount": cost})
                held = [(pk, when) for pk, when in its_sessions if when < today]
                for session, when in held:
                    attendance.append(
                        {
                            "id": next(attendance_ids),
                            "booking_id": booking,
                            "session_id": session,
                            "present": rng.random() < 0.93,
                            "marked_by_id": booker,
                            "marked_at": timezone.make_aware(datetime.combine(when, time(17))),
                        }
                    )
                if held and len(held) == len(its_sessions) and rng.random() < 0.5:
                    feedback.append(
                        {
                            "id": next(feedback_ids),
                            "booking_id": booking,
                            "rating": rng.choices([5, 4, 3, 2], [45, 35, 15, 5])[0],
                            "comments": "Useful and practical; we are trying it in class.",
                            "submitted_at": timezone.make_aware(datetime.combine(held[-1][1], time(19))),
                        }
                    )
    for model, rows in [
        (Programme, programmes),
        (Event, events),
        (Session, sessions),
        (Booking, bookings),
        (Attendance, attendance),
        (Feedback, feedback),
        (Charge, charges),
    ]:
        context.bulk_insert(model, rows)


def busiest_event(target) -> list:
    """Bench page arguments: the current programme's event with the most bookings."""
    from django.db.models import Count

    pk = (
        Event.objects.filter(programme__partnership=target.partnership)
        .annotate(booked=Count("bookings"))
        .order_by("-booked", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return [pk]
