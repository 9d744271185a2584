from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cpd.models import CalendarFeed
from cpd.services import book_place, create_feed, revoke_feed

from .factories import ProgrammeFactory, SessionFactory, london


def _last_sunday_of_october(year: int) -> date:
    day = date(year, 10, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _parse(client, feed):
    response = client.get(reverse("cpd:feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_programme_feed_keeps_uk_times_on_both_sides_of_the_october_clock_change(world, cpd, client):
    change = _last_sunday_of_october(timezone.localdate().year)  # within a year of today, either way
    before = SessionFactory(
        event=cpd.event, starts_at=london(change - timedelta(days=3), 9), ends_at=london(change - timedelta(days=3), 12)
    )
    after = SessionFactory(
        event=cpd.event, starts_at=london(change + timedelta(days=1), 9), ends_at=london(change + timedelta(days=1), 12)
    )
    feed = create_feed(programme=cpd.programme, scope=CalendarFeed.Scope.PROGRAMME, owner=world.user("head"))
    client.logout()  # calendar apps do not sign in
    calendar = _parse(client, feed)
    starts = {str(e["uid"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    by_session = {
        pk: next(v for k, v in starts.items() if k.startswith(f"cpd-session-{pk}@")) for pk in (before.pk, after.pk)
    }
    assert by_session[before.pk].utcoffset() == timedelta(hours=1)  # British Summer Time
    assert by_session[after.pk].utcoffset() == timedelta(0)  # Greenwich Mean Time
    assert by_session[before.pk].hour == by_session[after.pk].hour == 9
    assert str(calendar.walk("VEVENT")[0]["dtstart"].params["TZID"]) == "Europe/London"
    assert calendar.walk("VTIMEZONE"), "a VTIMEZONE lets calendar apps convert the times"
    assert len(starts) == 3


def test_a_person_feed_shows_only_their_confirmed_sessions_and_a_school_feed_their_school(world, cpd, client):
    other_event_session = SessionFactory(event__programme=cpd.programme, event__title="Maths network")
    book_place(event_id=cpd.event.pk, person=cpd.staff_person, booked_by=world.user("head"))
    book_place(event_id=other_event_session.event.pk, person=cpd.other_person, booked_by=world.user("coordinator"))
    mine = create_feed(programme=cpd.programme, scope="person", person=cpd.staff_person, owner=world.user("staff"))
    school = create_feed(
        programme=cpd.programme, scope="school", school=world.other_school, owner=world.user("other_head")
    )
    assert [str(e["summary"]) for e in _parse(client, mine).walk("VEVENT")] == ["Adaptive teaching"]
    assert [str(e["summary"]) for e in _parse(client, school).walk("VEVENT")] == ["Maths network"]


def test_a_revoked_feed_stops_working(world, cpd, client):
    feed = create_feed(programme=cpd.programme, scope="programme", owner=world.user("staff"))
    revoke_feed(feed=feed, revoked_by=world.user("staff"))
    assert client.get(reverse("cpd:feed", args=[feed.token])).status_code == 404
    assert client.get(reverse("cpd:feed", args=["not-a-token"])).status_code == 404


def test_people_make_and_revoke_their_own_calendar_links_on_the_page(world, cpd, client):
    client.force_login(world.user("staff"))
    url = reverse("cpd:feeds", args=["winsford"])
    client.post(url, {"scope": "person"})
    feed = CalendarFeed.objects.get()
    assert (feed.scope, feed.person, feed.owner) == ("person", cpd.staff_person, world.user("staff"))
    assert reverse("cpd:feed", args=[feed.token]) in client.get(url).content.decode()
    # Staff have no school feed to offer.
    assert client.post(url, {"scope": "school"}).status_code == 200
    assert CalendarFeed.objects.count() == 1
    client.post(reverse("cpd:feed_revoke", args=[feed.pk]))
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_a_feed_goes_on_into_next_years_programme_and_drops_sessions_over_a_year_old(world, cpd, client):
    today = timezone.localdate()
    next_year = ProgrammeFactory(partnership=world.partnership, academic_year=cpd.programme.academic_year + 1)
    SessionFactory(
        event__programme=next_year, event__title="Next year's induction",
        starts_at=london(today + timedelta(days=300), 9), ends_at=london(today + timedelta(days=300), 12),
    )  # fmt: skip
    SessionFactory(
        event__programme=cpd.programme, event__title="Long ago",
        starts_at=london(today - timedelta(days=400), 9), ends_at=london(today - timedelta(days=400), 12),
    )  # fmt: skip
    feed = create_feed(programme=cpd.programme, scope=CalendarFeed.Scope.PROGRAMME, owner=world.user("head"))

    titles = {str(e["summary"]) for e in _parse(client, feed).walk("VEVENT")}

    assert "Next year's induction" in titles and "Long ago" not in titles and "Adaptive teaching" in titles
