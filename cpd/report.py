"""The CPD section of the termly report: events in the term, places and attendance per
school, feedback scores. A fixed number of queries, whatever the number of rows."""

from datetime import datetime, time, timedelta

from django.db.models import Avg, Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from partnership.exports import money

from .models import Attendance, Booking, Charge, Event, Session


def _term_window(term):
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(term.start, time.min), zone)
    end = timezone.make_aware(datetime.combine(term.end + timedelta(days=1), time.min), zone)
    return start, end


def cpd_section(partnership, term) -> dict:
    start, end = _term_window(term)
    in_term = Session.objects.filter(event=OuterRef("pk"), starts_at__gte=start, starts_at__lt=end)
    events = (
        Event.objects.in_partnership(partnership)
        .filter(Exists(in_term))
        .annotate(
            sessions_in_term=Count(
                "sessions", filter=Q(sessions__starts_at__gte=start, sessions__starts_at__lt=end), distinct=True
            ),
            confirmed=Count("bookings", filter=Q(bookings__status="confirmed"), distinct=True),
            attended=Count("bookings", filter=Q(bookings__attendances__present=True), distinct=True),
        )
        .order_by("title")
    )
    ratings = {
        row["pk"]: row
        for row in Event.objects.filter(pk__in=events.values("pk"))
        .values("pk")
        .annotate(average=Avg("bookings__feedback__rating"), responses=Count("bookings__feedback"))
    }
    event_rows = [
        {
            "title": e.title,
            "kind": e.get_kind_display(),
            "sessions": e.sessions_in_term,
            "capacity": e.capacity,
            "confirmed": e.confirmed,
            "attended": e.attended,
            "average_rating": round(ratings[e.pk]["average"], 1) if ratings.get(e.pk, {}).get("average") else None,
            "responses": ratings.get(e.pk, {}).get("responses", 0),
        }
        for e in events
    ]
    term_bookings = Booking.objects.filter(event__in=events.values("pk"))
    booked = dict(
        term_bookings.filter(status=Booking.Status.CONFIRMED)
        .values("school__name")
        .annotate(n=Count("pk"))
        .values_list("school__name", "n")
    )
    attended = dict(
        term_bookings.filter(Exists(Attendance.objects.filter(booking=OuterRef("pk"), present=True)))
        .values("school__name")
        .annotate(n=Count("pk"))
        .values_list("school__name", "n")
    )
    charged = dict(
        Charge.objects.live()
        .filter(booking__event__in=events.values("pk"))
        .values("school__name")
        .annotate(total=Sum("amount"))
        .values_list("school__name", "total")
    )
    names = sorted(set(booked) | set(attended) | set(charged))
    school_rows = [
        {"school": n, "booked": booked.get(n, 0), "attended": attended.get(n, 0), "charged": charged.get(n) or 0}
        for n in names
    ]
    all_ratings = [r for r in event_rows if r["average_rating"] is not None]
    charts = []
    if school_rows:
        charts.append(
            {
                "title": "CPD places booked and attended per school",
                "unit": "count",
                "labels": [r["school"] for r in school_rows],
                "series": [
                    {"name": "Booked", "values": [r["booked"] for r in school_rows]},
                    {"name": "Attended", "values": [r["attended"] for r in school_rows]},
                ],
            }
        )
    return {
        "events": event_rows,
        "schools": school_rows,
        "total_booked": sum(r["booked"] for r in school_rows),
        "total_attended": sum(r["attended"] for r in school_rows),
        "total_charged": sum((r["charged"] for r in school_rows), start=0),
        "average_rating": round(
            sum(r["average_rating"] * r["responses"] for r in all_ratings) / sum(r["responses"] for r in all_ratings), 1
        )
        if all_ratings
        else None,
        "charts": charts,
    }


def cpd_csv(data: dict) -> dict[str, list[list]]:
    return {
        "cpd_events.csv": [
            ["Event", "Kind", "Sessions in term", "Capacity", "Confirmed", "Attended", "Average rating", "Responses"],
            *[
                [
                    r["title"],
                    r["kind"],
                    r["sessions"],
                    r["capacity"],
                    r["confirmed"],
                    r["attended"],
                    r["average_rating"] or "",
                    r["responses"],
                ]
                for r in data["events"]
            ],
        ],
        "cpd_schools.csv": [
            ["School", "Places booked", "Places attended", "Charged (£)"],
            *[[r["school"], r["booked"], r["attended"], money(r["charged"])] for r in data["schools"]],
        ],
    }
