"""iCalendar feeds of meetings. Times are written in UTC, which every calendar client
converts to the reader's zone, so a 4 pm meeting in July is 15:00Z and in January 16:00Z."""

from datetime import UTC, timedelta

from django.conf import settings
from django.db.models import Q
from icalendar import Calendar, Event

from partnership.links import link_is_live

from .models import CalendarFeed, Meeting
from .permissions import insider_committee_ids, person_id_of


def feed_meetings(feed: CalendarFeed):
    meetings = Meeting.objects.filter(committee__partnership_id=feed.partnership_id).select_related(
        "committee", "host_school"
    )
    if feed.scope == CalendarFeed.Scope.MINE:
        person_id = person_id_of(feed.owner)
        insider = insider_committee_ids(feed.owner, feed.partnership_id)
        mine = Q(committee_id__in=insider)
        if person_id:
            mine |= Q(committee__memberships__person_id=person_id)
        meetings = meetings.filter(mine).distinct()
    return meetings.order_by("starts_at")


def is_live(feed: CalendarFeed) -> bool:
    """A feed stops working when revoked, when its owner is deactivated, or when they no
    longer hold the role it was made for (partnership/links.py)."""
    return feed.revoked_at is None and link_is_live(feed.owner, feed.partnership_id, feed.role)


def build_calendar(feed: CalendarFeed) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Partnership Portal//Committee meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{feed.partnership.name}: committee meetings")
    for meeting in feed_meetings(feed):
        event = Event()
        event.add("uid", f"governance-meeting-{meeting.pk}@partnership-portal")
        event.add("summary", f"{meeting.committee.name}{' (cancelled)' if meeting.status == 'cancelled' else ''}")
        event.add("dtstart", meeting.starts_at.astimezone(UTC))
        event.add("dtend", (meeting.ends_at or meeting.starts_at + timedelta(hours=2)).astimezone(UTC))
        event.add("dtstamp", meeting.created_at.astimezone(UTC))
        event.add("location", meeting.where)
        event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
        event.add("url", settings.SITE_URL + meeting.get_absolute_url())
        calendar.add_component(event)
    return calendar.to_ical()
