"""The rules of the collaboration regulations, enforced by services, models and the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.models import (
    Action,
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMembership,
    Decision,
    ItemMinute,
    Minutes,
    Vote,
)
from partnership.models import AuditEntry
from schools.tests.factories import PersonFactory

from .factories import AgendaItemFactory, InterestFactory, MeetingFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_an_associate_members_vote_on_a_restricted_item_is_refused_by_the_service(gov, world):
    votes = {m.pk: "for" for m in [gov.chair, *gov.heads, gov.associates[0]]}
    with pytest.raises(ValidationError, match="associate member and may not vote on admissions"):
        services.record_decision(
            item=gov.admissions, motion="To adopt the protocol.", votes=votes, recorded_by=world.user("clerk")
        )
    assert not Decision.objects.exists()


def test_an_associate_member_may_vote_on_an_ordinary_item(gov, world):
    votes = {m.pk: "for" for m in [gov.chair, *gov.heads, gov.associates[0]]}
    decision = services.record_decision(
        item=gov.general, motion="To adopt the CPD programme.", votes=votes, recorded_by=world.user("clerk")
    )
    assert decision.votes_for == 6 and decision.is_carried


def test_the_vote_model_refuses_an_associate_on_a_restricted_item_even_without_the_service(gov):
    decision = Decision.objects.create(item=gov.admissions, motion="To adopt the protocol.")
    with pytest.raises(ValidationError, match="associate member"):
        Vote.objects.create(decision=decision, membership=gov.associates[0], choice="for")
    assert not Vote.objects.exists()


def test_the_database_refuses_an_associate_vote_on_a_restricted_item_written_in_bulk(gov):
    decision = Decision.objects.create(item=gov.admissions, motion="To adopt the protocol.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.bulk_create(
            [
                Vote(
                    decision=decision,
                    membership=gov.associates[0],
                    choice="for",
                    voter_is_associate=True,
                    item_is_restricted=True,
                )
            ]
        )


def test_quorum_follows_the_committees_own_rule_including_headteachers(gov, world):
    gov.committee.quorum_numerator, gov.committee.quorum_denominator = 1, 2
    gov.committee.quorum_min_headteachers = 2
    gov.committee.save()
    # Voting members: chair and four heads (associates and the clerk do not count): 3 needed.
    statuses = {m.pk: "absent" for m in gov.everyone}
    statuses[gov.chair.pk] = statuses[gov.heads[0].pk] = statuses[gov.associates[0].pk] = "present"
    services.record_attendance(meeting=gov.meeting, statuses=statuses, recorded_by=world.user("clerk"))
    quorum = services.quorum_for(gov.meeting)
    assert (quorum.voting_members, quorum.present, quorum.needed, quorum.heads_present) == (5, 2, 3, 1)
    assert not quorum.is_quorate
    assert quorum.text.startswith("Not quorate: 2 of 5 voting members present (3 needed), 1 headteacher")
    with pytest.raises(ValidationError, match="not quorate"):
        services.record_decision(
            item=gov.general, motion="To adopt.", votes={gov.chair.pk: "for"}, recorded_by=world.user("clerk")
        )
    statuses[gov.heads[1].pk] = "present"
    services.record_attendance(meeting=gov.meeting, statuses=statuses, recorded_by=world.user("clerk"))
    assert services.quorum_for(gov.meeting).is_quorate


@pytest.mark.parametrize(
    "rule, votes_for, against, expected",
    [
        ("simple", 3, 2, True),
        ("simple", 2, 2, False),
        ("two_thirds", 4, 2, True),
        ("two_thirds", 3, 2, False),
        ("absolute", 3, 0, True),
        ("absolute", 2, 0, False),
    ],
)
def test_a_motion_is_carried_by_the_committees_majority_rule(gov, world, rule, votes_for, against, expected):
    gov.committee.majority_rule = rule
    gov.committee.save()
    voters = [gov.chair, *gov.heads]
    votes = {m.pk: "for" for m in voters[:votes_for]} | {
        m.pk: "against" for m in voters[votes_for : votes_for + against]
    }
    decision = services.record_decision(
        item=gov.general, motion="To adopt.", votes=votes, recorded_by=world.user("clerk")
    )
    assert decision.is_carried is expected


def test_members_who_were_absent_or_withdrew_for_an_interest_cannot_vote(gov, world):
    Attendance.objects.filter(meeting=gov.meeting, membership=gov.heads[3]).update(status="apologies")
    with pytest.raises(ValidationError, match="was not present"):
        services.record_decision(
            item=gov.general, motion="To adopt.", votes={gov.heads[3].pk: "for"}, recorded_by=world.user("clerk")
        )
    interest = InterestFactory(person=gov.heads[0].person)
    services.declare_interest(
        item=gov.general, membership=gov.heads[0], interest=interest, withdrew=True, declared_by=world.user("clerk")
    )
    with pytest.raises(ValidationError, match="declared an interest and withdrew"):
        services.record_decision(
            item=gov.general, motion="To adopt.", votes={gov.heads[0].pk: "for"}, recorded_by=world.user("clerk")
        )


def test_members_who_withdrew_for_an_interest_do_not_count_towards_the_quorum_for_that_item(gov, world):
    clerk = world.user("clerk")
    gov.committee.quorum_numerator, gov.committee.quorum_denominator = 1, 2  # 3 of the 5 voting members
    gov.committee.save()
    for member in gov.heads[:3]:  # three of the five voting members leave the room
        services.declare_interest(
            item=gov.general, membership=member, interest=InterestFactory(person=member.person), withdrew=True,
            declared_by=clerk,
        )  # fmt: skip
    votes = {gov.chair.pk: "for", gov.heads[3].pk: "for"}
    with pytest.raises(ValidationError, match="Without the 3 members who withdrew .* not quorate for this item"):
        services.record_decision(item=gov.general, motion="To adopt.", votes=votes, recorded_by=clerk)
    assert not Decision.objects.exists()
    # Another item, with everyone in the room, is quorate.
    decision = services.record_decision(item=gov.admissions, motion="To adopt.", votes=votes, recorded_by=clerk)
    assert decision.members_present == 5


def test_an_items_category_cannot_change_once_a_decision_is_recorded_on_it(gov, world):
    clerk = world.user("clerk")
    votes = {m.pk: "for" for m in [gov.chair, *gov.heads, gov.associates[0]]}
    services.record_decision(item=gov.general, motion="To adopt.", votes=votes, recorded_by=clerk)
    gov.general.category = AgendaItem.Category.ADMISSIONS  # would make the associate's vote unlawful
    with pytest.raises(ValidationError, match="has a recorded decision, so its category cannot change"):
        services.update_agenda_items(meeting=gov.meeting, items=[gov.general], updated_by=clerk)
    gov.general.refresh_from_db()
    assert gov.general.category == AgendaItem.Category.CPD
    gov.general.title = "Joint CPD programme 2026/27"  # other edits are fine
    services.update_agenda_items(meeting=gov.meeting, items=[gov.general], updated_by=clerk)


def test_a_withdrawal_cannot_be_recorded_after_the_member_voted_on_the_item(gov, world):
    clerk = world.user("clerk")
    votes = {m.pk: "for" for m in [gov.chair, *gov.heads]}
    services.record_decision(item=gov.general, motion="To adopt.", votes=votes, recorded_by=clerk)
    interest = InterestFactory(person=gov.heads[0].person)
    with pytest.raises(ValidationError, match="voted on this item"):
        services.declare_interest(
            item=gov.general, membership=gov.heads[0], interest=interest, withdrew=True, declared_by=clerk
        )
    # Declaring without withdrawing is still recorded.
    services.declare_interest(item=gov.general, membership=gov.heads[0], interest=interest, declared_by=clerk)


def test_a_declaration_must_match_the_members_register_on_the_day(gov, world):
    someone_elses = InterestFactory(person=gov.heads[1].person)
    with pytest.raises(ValidationError, match="not in .* register of interests"):
        services.declare_interest(
            item=gov.general, membership=gov.heads[0], interest=someone_elses, declared_by=world.user("clerk")
        )
    lapsed = InterestFactory(person=gov.heads[0].person, ended_on=TODAY - datetime.timedelta(days=30))
    with pytest.raises(ValidationError, match="update the register first"):
        services.declare_interest(
            item=gov.general, membership=gov.heads[0], interest=lapsed, declared_by=world.user("clerk")
        )


def test_associate_members_are_appointed_for_one_to_four_years(gov, world):
    person = PersonFactory()
    for years in (0.5, 5):
        with pytest.raises(ValidationError, match="between one and four years"):
            services.appoint_member(
                committee=gov.committee,
                person=person,
                role="associate",
                start_on=TODAY,
                end_on=TODAY + datetime.timedelta(days=int(365 * years)),
                appointed_by=world.user("clerk"),
            )
    membership = services.appoint_member(
        committee=gov.committee,
        person=person,
        role="associate",
        start_on=TODAY,
        end_on=TODAY + datetime.timedelta(days=365 * 3),
        appointed_by=world.user("clerk"),
    )
    assert membership.is_associate


def test_the_chair_is_appointed_annually_and_only_one_at_a_time(gov, world):
    with pytest.raises(ValidationError, match="appointed annually"):
        services.appoint_member(
            committee=gov.committee,
            person=PersonFactory(),
            role="chair",
            start_on=TODAY,
            appointed_by=world.user("clerk"),
        )
    with pytest.raises(ValidationError, match="already has a chair"):
        services.appoint_member(
            committee=gov.committee,
            person=PersonFactory(),
            role="chair",
            start_on=TODAY,
            end_on=TODAY + datetime.timedelta(days=300),
            appointed_by=world.user("clerk"),
        )


def test_a_time_limited_committee_needs_an_end_date(world):
    with pytest.raises(ValidationError, match="needs an end date"):
        services.create_committee(
            partnership=world.partnership,
            created_by=world.user("clerk"),
            name="Transition group",
            kind=Committee.Kind.TIME_LIMITED,
        )


def test_the_annual_review_is_due_a_year_after_the_last_one(gov):
    gov.committee.last_reviewed_on = datetime.date(2026, 3, 10)
    assert gov.committee.review_due_on == datetime.date(2027, 3, 10)
    gov.committee.last_reviewed_on = None
    assert gov.committee.review_due_on == gov.committee.established_on.replace(
        year=gov.committee.established_on.year + 1
    )


def test_the_actions_of_a_confidential_item_stay_out_of_matters_arising_for_people_outside_the_committee(
    gov, world, client
):
    clerk = world.user("clerk")
    due = TODAY + datetime.timedelta(days=5)
    services.add_action(
        meeting=gov.meeting, item=gov.secret, description="Hearing for the staff member", owner=gov.heads[0].person,
        due_on=due, added_by=clerk,
    )  # fmt: skip
    services.add_action(
        meeting=gov.meeting, item=gov.general, description="Publish the CPD programme", owner=gov.heads[0].person,
        due_on=due, added_by=clerk,
    )  # fmt: skip
    later = services.schedule_meeting(
        committee=gov.committee, starts_at=timezone.now() + datetime.timedelta(days=10), place="online",
        scheduled_by=clerk,
    )  # fmt: skip

    assert [a.description for a in services.matters_arising(later, public=True)] == ["Publish the CPD programme"]
    assert len(services.matters_arising(later)) == 2
    client.force_login(world.user("staff"))  # reads the meeting, is not on the committee
    page = client.get(later.get_absolute_url()).content.decode()
    assert "Publish the CPD programme" in page and "Hearing for the staff member" not in page
    client.force_login(clerk)
    assert "Hearing for the staff member" in client.get(later.get_absolute_url()).content.decode()


def test_open_actions_come_back_as_matters_arising_until_closed(gov, world):
    clerk = world.user("clerk")
    action = services.add_action(
        meeting=gov.meeting,
        description="Draft the SENCO programme",
        owner=gov.heads[0].person,
        due_on=TODAY + datetime.timedelta(days=5),
        added_by=clerk,
    )
    second = services.schedule_meeting(
        committee=gov.committee,
        starts_at=timezone.now() + datetime.timedelta(days=10),
        place="online",
        scheduled_by=clerk,
    )
    third = services.schedule_meeting(
        committee=gov.committee,
        starts_at=timezone.now() + datetime.timedelta(days=40),
        place="online",
        scheduled_by=clerk,
    )
    assert list(services.matters_arising(second)) == [action]
    assert [item.title for item in second.items.all()] == ["Minutes of the previous meeting", "Matters arising"]
    assert list(services.matters_arising(third)) == [action]
    services.close_action(action=action, status="done", closed_by=clerk, at_meeting=second)
    assert list(services.matters_arising(third)) == []
    action.refresh_from_db()
    assert action.closed_at_meeting == second and action.status == Action.Status.DONE


def _approved_minutes(gov, clerk):
    minutes = services.draft_for(gov.meeting)
    services.save_item_minutes(minutes=minutes, texts={gov.general.pk: "Agreed the programme."}, saved_by=clerk)
    later = services.schedule_meeting(
        committee=gov.committee,
        starts_at=timezone.now() + datetime.timedelta(days=9),
        place="online",
        scheduled_by=clerk,
    )
    return services.approve_minutes(minutes=minutes, at_meeting=later, approved_by=clerk), later


def test_minutes_go_from_draft_to_approved_at_the_next_meeting_to_signed_and_then_freeze(gov, world):
    clerk = world.user("clerk")
    minutes = services.draft_for(gov.meeting)
    too_late = MeetingFactory(committee=gov.committee, starts_at=timezone.now() + datetime.timedelta(days=60))
    services.save_item_minutes(minutes=minutes, texts={gov.general.pk: "Agreed."}, saved_by=clerk)
    next_one = MeetingFactory(committee=gov.committee, starts_at=timezone.now() + datetime.timedelta(days=20))
    with pytest.raises(ValidationError, match="next meeting"):
        services.approve_minutes(minutes=minutes, at_meeting=too_late, approved_by=clerk)
    with pytest.raises(ValidationError, match="approve them at the next meeting first"):
        services.sign_minutes(minutes=minutes, signed_by=clerk)
    services.approve_minutes(minutes=minutes, at_meeting=next_one, approved_by=clerk)
    signed = services.sign_minutes(minutes=minutes, signed_by=clerk)
    assert signed.status == Minutes.Status.SIGNED and signed.signed_by == gov.chair.person
    with pytest.raises(ValidationError, match="frozen"):
        services.save_item_minutes(minutes=signed, texts={gov.general.pk: "Changed."}, saved_by=clerk)
    entry = signed.item_minutes.get()
    entry.text = "Sneaky change"
    with pytest.raises(ValidationError, match="frozen"):
        entry.save()
    with pytest.raises(ValidationError, match="signed"):
        services.record_decision(item=gov.general, motion="Late motion", votes={gov.chair.pk: "for"}, recorded_by=clerk)
    with pytest.raises(ValidationError, match="frozen"):
        services.add_action(
            meeting=gov.meeting, description="Late action", owner=gov.heads[0].person,
            due_on=TODAY + datetime.timedelta(days=3), added_by=clerk,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="frozen"):
        services.declare_interest(
            item=gov.general, membership=gov.heads[0], interest=InterestFactory(person=gov.heads[0].person),
            declared_by=clerk,
        )  # fmt: skip
    assert AuditEntry.objects.filter(verb="governance.minutes.signed", target_id=str(signed.pk)).exists()
    assert signed.history.count() >= 3  # django-simple-history: created, approved, signed


def test_a_correction_makes_a_new_version_and_keeps_the_signed_one(gov, world):
    clerk = world.user("clerk")
    minutes, _later = _approved_minutes(gov, clerk)
    services.sign_minutes(minutes=minutes, signed_by=clerk)
    correction = services.correct_minutes(minutes=minutes, reason="A name was misspelt.", corrected_by=clerk)
    assert correction.version == 2 and correction.status == Minutes.Status.DRAFT
    assert ItemMinute.objects.get(minutes=correction).text == "Agreed the programme."
    services.save_item_minutes(
        minutes=correction, texts={gov.general.pk: "Agreed the programme (corrected)."}, saved_by=clerk
    )
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.SIGNED
    assert ItemMinute.objects.get(minutes=minutes).text == "Agreed the programme."


def test_signed_minutes_are_sent_to_each_member_schools_governing_body_with_the_pdf(
    gov, world, django_capture_on_commit_callbacks, mailoutbox
):
    from schools.models import GoverningBody

    body = GoverningBody.objects.create(name="Governing body of Darnhall", clerk_email="gb@darnhall.example.org")
    world.school.governing_body = body
    world.school.save()
    clerk = world.user("clerk")
    minutes, _later = _approved_minutes(gov, clerk)
    with pytest.raises(ValidationError, match="Only signed minutes"):
        services.distribute_minutes(minutes=minutes, distributed_by=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_minutes(minutes=minutes, signed_by=clerk)  # tasks run inline: the PDFs exist now
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.distribute_minutes(minutes=minutes, distributed_by=clerk)
    to_body = [row for row in rows if row.governing_body_id]
    assert [row.governing_body for row in to_body] == [body]
    assert to_body[0].sent_at and to_body[0].received_at is None
    to_clerk = [mail for mail in mailoutbox if mail.to == ["gb@darnhall.example.org"]]
    assert len(to_clerk) == 1 and to_clerk[0].attachments[0][2] == "application/pdf"
    services.mark_distribution(distribution=to_body[0], what="ratified", marked_by=clerk)
    to_body[0].refresh_from_db()
    assert to_body[0].ratified_at and to_body[0].received_at
    assert services.distribute_minutes(minutes=minutes, distributed_by=clerk) == []  # nobody twice
    assert CommitteeMembership.objects.count() == len(gov.everyone)


def test_a_governing_body_without_a_clerk_email_is_not_recorded_as_sent_and_the_page_says_so(
    gov, world, client, django_capture_on_commit_callbacks, mailoutbox
):
    from schools.models import GoverningBody

    with_email = GoverningBody.objects.create(name="Darnhall governors", clerk_email="gb@darnhall.example.org")
    without = GoverningBody.objects.create(name="Grange governors")
    world.school.governing_body = with_email
    world.school.save()
    world.other_school.governing_body = without
    world.other_school.save()
    gov.committee.schools.add(world.other_school)
    clerk = world.user("clerk")
    minutes, _later = _approved_minutes(gov, clerk)
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_minutes(minutes=minutes, signed_by=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.distribute_minutes(minutes=minutes, distributed_by=clerk)

    assert [row.governing_body for row in rows if row.governing_body_id] == [with_email]
    assert [mail.to for mail in mailoutbox].count(["gb@darnhall.example.org"]) == 1
    client.force_login(clerk)
    page = client.get(reverse("governance:minutes_distribution", args=[minutes.pk])).content.decode()
    assert "Not sent to" in page and "Grange governors" in page and "no clerk e-mail is recorded" in page

    without.clerk_email = "gb@grange.example.org"
    without.save()
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.distribute_minutes(minutes=minutes, distributed_by=clerk)
    assert [row.governing_body for row in rows] == [without] and mailoutbox[-1].to == ["gb@grange.example.org"]
    assert rows[0].version == "public"


def test_the_committee_meetings_and_votes_keep_a_history_of_changes(gov, world):
    services.update_committee(committee=gov.committee, name="Renamed committee", updated_by=world.user("clerk"))
    names = [h.name for h in gov.committee.history.order_by("history_date")]
    assert names[-2:] == ["Strategic joint committee", "Renamed committee"]
    assert AgendaItemFactory._meta.model.objects.filter(meeting=gov.meeting).count() == 3
