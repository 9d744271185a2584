from django.db.models import Count, Min, Q
from django.utils import timezone

from partnership.permissions import school_ids_for

from .models import Booking, Event


def cpd_panel(request, partnership):
    """Upcoming events with places left; for headteachers, their school's upcoming bookings."""
    now = timezone.now()
    upcoming = list(
        Event.objects.in_partnership(partnership)
        .filter(sessions__starts_at__gte=now)
        .annotate(
            next_starts_at=Min("sessions__starts_at"),
            confirmed=Count("bookings", filter=Q(bookings__status="confirmed"), distinct=True),
        )
        .order_by("next_starts_at")[:5]
    )
    for event in upcoming:
        event.left = max(event.capacity - event.confirmed, 0)
    heads_of = school_ids_for(request.user, partnership)
    school_bookings = []
    if heads_of:
        school_bookings = list(
            Booking.objects.active()
            .filter(school_id__in=heads_of, event__programme__partnership=partnership)
            .annotate(next_starts_at=Min("event__sessions__starts_at", filter=Q(event__sessions__starts_at__gte=now)))
            .filter(next_starts_at__isnull=False)
            .select_related("person", "event")
            .order_by("next_starts_at")[:8]
        )
    return {
        "partnership": partnership,
        "upcoming": upcoming,
        "school_bookings": school_bookings,
        "school_id": min(heads_of) if heads_of else None,
    }
