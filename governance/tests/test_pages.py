"""Pages: what each role sees, the one-page-per-step forms, and query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Attendance, Committee, Decision, ItemMinute, Meeting, Vote
from partnership.models import Term

from .factories import AgendaItemFactory, CommitteeFactory, MeetingFactory, MembershipFactory, build_committee

pytestmark = pytest.mark.django_db


def test_the_committee_list_flags_a_committee_that_has_not_met_this_term_and_shows_the_review_date(gov, world, client):
    quiet = CommitteeFactory(
        partnership=world.partnership,
        name="Transition task group",
        kind="task_group",
        last_reviewed_on=datetime.date(2025, 1, 15),
    )
    term = Term.current_for(world.partnership)
    gov.meeting.starts_at = timezone.make_aware(datetime.datetime.combine(term.start, datetime.time(16)))
    gov.meeting.save()
    client.force_login(world.user("la_officer"))
    html = client.get(reverse("governance:committee_list", args=["winsford"])).content.decode()
    rows = {row.split("</th>")[0]: row for row in html.split("<tr>")[2:]}
    quiet_row = next(row for key, row in rows.items() if quiet.name in key)
    busy_row = next(row for key, row in rows.items() if gov.committee.name in key)
    assert "Not met this term" in quiet_row and "15 January 2026" in quiet_row and "Overdue" in quiet_row
    assert "Met 1 time" in busy_row and "Not met this term" not in busy_row


def test_an_ended_committee_is_not_flagged_and_leaves_the_termly_report(gov, world, client):
    from governance.report import governance_section

    term = Term.current_for(world.partnership)
    ended = CommitteeFactory(
        partnership=world.partnership,
        name="Phonics task group",
        kind="time_limited",
        established_on=term.start - datetime.timedelta(days=400),
        end_on=term.start - datetime.timedelta(days=30),
        last_reviewed_on=term.start - datetime.timedelta(days=400),
    )
    client.force_login(world.user("la_officer"))
    html = client.get(reverse("governance:committee_list", args=["winsford"])).content.decode()
    row = next(row for row in html.split("<tr>")[2:] if ended.name in row.split("</th>")[0])
    assert "Ended" in row and "Not met this term" not in row and "Overdue" not in row
    assert ended.name not in [c["name"] for c in governance_section(world.partnership, term)["committees"]]


def test_without_term_dates_no_committee_is_said_to_have_missed_a_term(gov, world, client):
    Term.objects.all().delete()
    client.force_login(world.user("la_officer"))
    html = client.get(reverse("governance:committee_list", args=["winsford"])).content.decode()
    assert "No term dates recorded" in html and "Not met this term" not in html and "Met 1 time" not in html


def test_the_committee_list_takes_the_same_queries_for_many_committees(
    world, client, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(world.user("clerk"))
    url = reverse("governance:committee_list", args=["winsford"])
    CommitteeFactory(partnership=world.partnership)
    client.get(url)
    # At most 6 (session, user, grants, then the page's own).
    with django_assert_max_num_queries(6) as few:
        client.get(url)
    for _ in range(12):
        committee = CommitteeFactory(partnership=world.partnership)
        MeetingFactory(committee=committee)
        MembershipFactory(committee=committee)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_meeting_page_takes_the_same_queries_for_many_items(
    gov, world, client, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(world.user("head"))
    url = reverse("governance:meeting_detail", args=[gov.meeting.pk])
    client.get(url)
    with django_assert_max_num_queries(16) as few:
        client.get(url)
    for number in range(15):
        AgendaItemFactory(meeting=gov.meeting, order=10 + number)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_la_officers_see_the_agenda_without_confidential_items_and_heads_of_member_schools_see_them(gov, world, client):
    url = reverse("governance:meeting_detail", args=[gov.meeting.pk])
    client.force_login(world.user("la_officer"))
    html = client.get(url).content.decode()
    assert "Joint CPD programme" in html and "Staffing matter at Darnhall" not in html
    assert "Confidential items are not shown" in html
    client.force_login(world.user("other_head"))
    assert "Staffing matter at Darnhall" not in client.get(url).content.decode()
    client.force_login(world.user("head"))
    assert "Staffing matter at Darnhall" in client.get(url).content.decode()


def test_a_clerk_records_attendance_for_twenty_members_on_one_page(world, client):
    gov = build_committee(world, members=18, associates=0)
    client.force_login(world.user("clerk"))
    url = reverse("governance:meeting_attendance", args=[gov.meeting.pk])
    html = client.get(url).content.decode()
    assert html.count('type="radio"') == 3 * len(gov.everyone) == 60  # 19 members and the clerk
    data = {f"m{m.pk}": "present" for m in gov.everyone}
    data[f"m{gov.heads[0].pk}"] = "apologies"
    data[f"m{gov.heads[1].pk}"] = "absent"
    response = client.post(url, data)
    assert response.status_code == 302
    statuses = dict(Attendance.objects.filter(meeting=gov.meeting).values_list("membership_id", "status"))
    assert statuses[gov.heads[0].pk] == "apologies" and statuses[gov.heads[1].pk] == "absent"
    assert list(statuses.values()).count("present") == 18
    assert Meeting.objects.get(pk=gov.meeting.pk).status == "held"


def test_a_bad_attendance_value_shows_an_error_and_writes_nothing(gov, world, client):
    client.force_login(world.user("clerk"))
    Attendance.objects.all().delete()
    response = client.post(
        reverse("governance:meeting_attendance", args=[gov.meeting.pk]), {f"m{gov.chair.pk}": "asleep"}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_minutes_of_every_item_are_written_on_one_page(gov, world, client):
    client.force_login(world.user("clerk"))
    url = reverse("governance:meeting_minutes", args=[gov.meeting.pk])
    from governance import services

    services.draft_for(gov.meeting)
    data = {f"item{item.pk}": f"Minute of {item.title}" for item in (gov.general, gov.secret, gov.admissions)}
    assert client.post(url, data).status_code == 302
    assert ItemMinute.objects.count() == 3
    assert "Minute of Joint CPD programme" in client.get(url).content.decode()


def test_the_vote_form_shows_quorum_first_and_refuses_an_associate_on_a_restricted_item(gov, world, client):
    client.force_login(world.user("clerk"))
    url = reverse("governance:item_votes", args=[gov.admissions.pk])
    html = client.get(url).content.decode()
    assert html.index("Quorate: 5 of 5 voting members present") < html.index("Record a decision")
    assert "Associate member: may not vote on this item." in html
    associate = gov.associates[0]
    data = {
        "motion": "To adopt the protocol.",
        f"v{associate.pk}": "for",
        **{f"v{m.pk}": "for" for m in [gov.chair, *gov.heads]},
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "is an associate member and may not vote on admissions" in response.content.decode()
    assert not Decision.objects.exists()
    del data[f"v{associate.pk}"]
    assert client.post(url, data).status_code == 302
    decision = Decision.objects.get()
    assert decision.is_carried and decision.votes_for == 5
    assert not Vote.objects.filter(membership=associate).exists()


def test_actions_are_added_several_at_a_time_and_show_on_the_owners_my_actions_page(gov, world, client):
    from schools.models import Person

    Person.objects.filter(pk=gov.heads[0].person_id).update(user=world.user("head"))
    client.force_login(world.user("clerk"))
    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    data = {
        "new-TOTAL_FORMS": 3,
        "new-INITIAL_FORMS": 0,
        "new-MIN_NUM_FORMS": 0,
        "new-MAX_NUM_FORMS": 1000,
        "new-0-description": "Book the hall",
        "new-0-owner": gov.heads[0].person_id,
        "new-0-due_on": due,
        "new-1-description": "Write to the LA",
        "new-1-owner": gov.chair.person_id,
        "new-1-due_on": due,
    }
    assert client.post(reverse("governance:meeting_actions", args=[gov.meeting.pk]), data).status_code == 302
    client.force_login(world.user("head"))
    html = client.get(reverse("governance:my_actions", args=["winsford"])).content.decode()
    assert "Book the hall" in html and "Write to the LA" not in html


def test_the_attendance_statistics_count_each_members_meetings(gov, world, client):
    second = MeetingFactory(
        committee=gov.committee, status=Meeting.Status.HELD, starts_at=timezone.now() - datetime.timedelta(days=2)
    )
    Attendance.objects.create(meeting=second, membership=gov.chair, status="apologies")
    client.force_login(world.user("staff"))
    html = client.get(reverse("governance:committee_attendance", args=[gov.committee.pk])).content.decode()
    assert "2 meetings held" in html
    chair_row = html.split("Margaret Holt")[1].split("</tr>")[0]
    assert ">1<" in chair_row and "50%" in chair_row


def test_a_clerk_creates_a_committee_and_a_bad_quorum_is_refused_with_a_message(world, client):
    client.force_login(world.user("clerk"))
    url = reverse("governance:committee_create", args=["winsford"])
    data = {
        "name": "Admissions group",
        "kind": "single_issue",
        "schools": [world.school.pk],
        "established_on": "2026-09-01",
        "quorum_numerator": 3,
        "quorum_denominator": 2,
        "quorum_min_headteachers": 1,
        "majority_rule": "simple",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "at most all" in response.content.decode()
    assert not Committee.objects.exists()
    data["quorum_numerator"] = 1
    assert client.post(url, data).status_code == 302
    assert Committee.objects.get().schools.get() == world.school
