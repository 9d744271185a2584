import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from governance import services
from governance.models import Action, CalendarFeed, Meeting
from governance.report import governance_csv, governance_section
from schools.tests.factories import PersonFactory

from .factories import CommitteeFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def _events(content: bytes):
    return [c for c in Calendar.from_ical(content).walk("VEVENT")]


def test_the_calendar_feed_works_without_signing_in_with_utc_times_for_london_meetings(gov, world, client):
    summer = timezone.make_aware(datetime.datetime(2027, 7, 1, 16, 0))  # BST: 15:00 UTC
    winter = timezone.make_aware(datetime.datetime(2027, 1, 14, 16, 0))  # GMT: 16:00 UTC
    MeetingFactory(committee=gov.committee, starts_at=summer)
    MeetingFactory(committee=gov.committee, starts_at=winter)
    feed = services.create_calendar_feed(
        owner=world.user("la_officer"), partnership=world.partnership, scope=CalendarFeed.Scope.PARTNERSHIP
    )
    response = client.get(reverse("governance:calendar_feed", args=[feed.token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    starts = sorted(event.decoded("dtstart") for event in _events(response.content))
    utc = [s.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M") for s in starts]
    assert "2027-07-01 15:00" in utc and "2027-01-14 16:00" in utc
    assert b"Staffing matter" not in response.content  # no item titles, let alone confidential ones
    download = client.get(reverse("governance:calendar_feed", args=[feed.token]) + "?download=1")
    assert "attachment" in download["Content-Disposition"]


def test_a_personal_feed_shows_only_the_owners_committees_and_a_revoked_one_stops_working(gov, world, client):
    other = CommitteeFactory(partnership=world.partnership, name="Another committee")
    MeetingFactory(committee=other)
    feed = services.create_calendar_feed(owner=world.user("head"), partnership=world.partnership, scope="mine")
    url = reverse("governance:calendar_feed", args=[feed.token])
    summaries = {str(event.get("summary")) for event in _events(client.get(url).content)}
    assert summaries == {gov.committee.name}
    services.revoke_calendar_feed(feed=feed, revoked_by=world.user("head"))
    assert client.get(url).status_code == 404


def test_a_feed_stops_working_when_its_owner_loses_access(gov, world, client):
    feed = services.create_calendar_feed(owner=world.user("staff"), partnership=world.partnership, scope="partnership")
    world.user("staff").role_grants.all().delete()
    assert client.get(reverse("governance:calendar_feed", args=[feed.token])).status_code == 404


def _term(world):
    return world.term_holding_today()


def test_the_report_section_counts_meetings_decisions_and_actions_of_the_term(gov, world):
    term = _term(world)
    # In the term, and no earlier than a week ago: the committee's members joined 100 days ago.
    day = max(term.start, timezone.localdate() - datetime.timedelta(days=7))
    in_term = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16)))
    Meeting.objects.filter(pk=gov.meeting.pk).update(starts_at=in_term)
    gov.meeting.refresh_from_db()
    CommitteeFactory(
        partnership=world.partnership, name="Quiet group", established_on=term.start - datetime.timedelta(days=10)
    )
    votes = {m.pk: "for" for m in [gov.chair, *gov.heads]}
    clerk = world.user("clerk")
    services.record_decision(item=gov.general, motion="To adopt the CPD programme.", votes=votes, recorded_by=clerk)
    services.record_decision(item=gov.secret, motion="Secret motion.", votes=votes, recorded_by=clerk)
    services.add_action(
        meeting=gov.meeting,
        description="Book the hall",
        owner=gov.chair.person,
        due_on=day + datetime.timedelta(days=1),
        added_by=clerk,
    )
    data = governance_section(world.partnership, term)
    assert data["meetings_held"] == 1
    assert {row["name"]: row["meetings"] for row in data["committees"]} == {
        "Quiet group": 0,
        "Strategic joint committee": 1,
    }
    assert data["not_met"] == ["Quiet group"]
    assert [d["motion"] for d in data["decisions"]] == ["To adopt the CPD programme."]  # confidential left out
    assert data["open_actions"] == 1
    assert data["overdue_actions"] == (1 if timezone.localdate() > day + datetime.timedelta(days=1) else 0)
    assert data["charts"][0]["series"][0]["values"] == [0, 1]
    html = render_to_string(
        "governance/report_section.html", {"data": data, "partnership": world.partnership, "term": term}
    )
    assert "1 committee meeting held this term" in html and "Quiet group" in html
    assert "To adopt the CPD programme." in html and "Secret motion" not in html
    tables = governance_csv(data)
    assert tables["committee_decisions.csv"][1][2] == "To adopt the CPD programme."


def test_the_report_section_says_plainly_when_nothing_happened(world):
    term = _term(world)
    data = governance_section(world.partnership, term)
    html = render_to_string(
        "governance/report_section.html", {"data": data, "partnership": world.partnership, "term": term}
    )
    assert data["meetings_held"] == 0 and "The partnership has no committees." in html
    CommitteeFactory(partnership=world.partnership, established_on=term.start)
    html = render_to_string("governance/report_section.html", {"data": governance_section(world.partnership, term)})
    assert "No committee meetings were held this term." in html


def test_the_report_section_takes_the_same_queries_however_many_committees(world, django_assert_num_queries):
    term = _term(world)
    CommitteeFactory(partnership=world.partnership)
    with django_assert_num_queries(4):
        governance_section(world.partnership, term)
    for _ in range(8):
        committee = CommitteeFactory(partnership=world.partnership)
        MeetingFactory(
            committee=committee,
            status="held",
            starts_at=timezone.make_aware(datetime.datetime.combine(term.start, datetime.time(10))),
        )
        Action.objects.create(
            meeting=committee.meetings.first(), description="x", owner=PersonFactory(), due_on=term.start
        )
    with django_assert_num_queries(4):
        governance_section(world.partnership, term)
