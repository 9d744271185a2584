"""iCalendar feeds. Times are written in Europe/London with a VTIMEZONE, so calendar apps
show 09:00 as 09:00 on both sides of the clock changes."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import Booking, CalendarFeed, Session

LONDON = ZoneInfo("Europe/London")


def feed_sessions(feed: CalendarFeed):
    """Sessions of every programme of the feed's partnership from a year ago on: a feed made
    in one academic year keeps showing the next year's events after September."""
    since = timezone.now() - timedelta(days=365)
    sessions = Session.objects.filter(
        event__programme__partnership_id=feed.programme.partnership_id, ends_at__gte=since
    ).select_related("event", "host_school")
    if feed.scope == CalendarFeed.Scope.PERSON:
        sessions = sessions.filter(
            event__bookings__person=feed.person, event__bookings__status=Booking.Status.CONFIRMED
        )
    elif feed.scope == CalendarFeed.Scope.SCHOOL:
        sessions = sessions.filter(
            Q(event__bookings__school=feed.school, event__bookings__status=Booking.Status.CONFIRMED)
            | Q(host_school=feed.school)
        )
    return sessions.distinct().order_by("starts_at")


def build_calendar(feed: CalendarFeed) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Partnership Portal//CPD//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{feed.programme.partnership} CPD: {feed.get_scope_display().lower()}")
    calendar.add("x-wr-timezone", "Europe/London")
    for session in feed_sessions(feed):
        entry = CalendarEvent()
        entry.add("uid", f"cpd-session-{session.pk}@{settings.SITE_URL.split('://')[-1]}")
        entry.add("summary", session.event.title)
        entry.add("dtstart", session.starts_at.astimezone(LONDON))
        entry.add("dtend", session.ends_at.astimezone(LONDON))
        entry.add("dtstamp", session.event.created_at)
        entry.add("location", session.place)
        description = session.event.get_kind_display()
        if session.facilitator:
            description += f" with {session.facilitator}"
        entry.add("description", f"{description}. {settings.SITE_URL}{session.event.get_absolute_url()}")
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
