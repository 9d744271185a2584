"""Demo data: the Winsford strategic joint committee, with the fifteen heads and chairs of
governors, two meetings with signed minutes, one with draft minutes and one coming up."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from schools.models import Person, School

from . import services
from .models import AgendaItem, Committee, Meeting

ITEMS = [
    # title, category, confidential, minute, motion or ""
    (
        "Partnership development plan: progress",
        AgendaItem.Category.STRATEGY,
        False,
        "The coordinator reported progress on the three priorities; reading across Key Stage 2 is on track.",
        "To adopt the revised partnership development plan.",
    ),
    (
        "Joint CPD programme",
        AgendaItem.Category.CPD,
        False,
        "Members welcomed the whole-town INSET day and asked for a second SENCO network session.",
        "To approve the joint CPD programme for the year.",
    ),
    (
        "Shared in-year admissions protocol",
        AgendaItem.Category.ADMISSIONS,
        False,
        "Members discussed the draft protocol for in-year admissions across the town.",
        "To recommend the shared in-year admissions protocol to the governing bodies.",
    ),
    (
        "Support for an individual member of staff",
        AgendaItem.Category.INDIVIDUAL_MATTERS,
        True,
        "Members agreed a package of support, recorded in the confidential minute.",
        "",
    ),
]


def _at(day, hour=16):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@transaction.atomic
def seed(partnership, accounts):
    if Committee.objects.filter(partnership=partnership, name="Winsford Strategic Joint Committee").exists():
        return
    clerk_user = accounts["clerk"]
    today = timezone.localdate()
    schools = list(School.objects.in_partnership(partnership).order_by("name"))
    committee = services.create_committee(
        partnership=partnership,
        created_by=clerk_user,
        schools=schools,
        name="Winsford Strategic Joint Committee",
        kind=Committee.Kind.STRATEGIC,
        purpose="Sets the partnership's strategy and oversees the joint CPD programme and shared provision.",
        established_on=today - timedelta(days=400),
        quorum_numerator=1,
        quorum_denominator=3,
        quorum_min_headteachers=2,
        last_reviewed_on=today - timedelta(days=300),
    )
    services.add_terms_of_reference(
        committee=committee,
        effective_from=committee.established_on,
        text="To agree the partnership's development plan, its joint CPD programme and its shared services.",
        delegated_powers="Commissioning shared services within the agreed partnership budget.",
        added_by=clerk_user,
    )
    services.record_resolution(
        committee=committee,
        text="That the governing bodies establish a joint committee under the School Governance "
        "(Collaboration) (England) Regulations 2003.",
        proposed_on=committee.established_on,
        votes={
            school.governing_body: ("agreed", committee.established_on + timedelta(days=14))
            for school in schools
            if school.governing_body_id
        },
        recorded_by=clerk_user,
    )
    start = today - timedelta(days=150)
    for school in schools:
        head = Person.objects.filter(school=school, job_role="Headteacher").first()
        if head:
            services.appoint_member(
                committee=committee,
                person=head,
                school=school,
                role="member",
                is_headteacher=True,
                start_on=start,
                appointed_by=clerk_user,
            )
        chair = school.governing_body.chair if school.governing_body_id else None
        if chair:
            role = "chair" if school.name.startswith("Darnhall") else "member"
            services.appoint_member(
                committee=committee,
                person=chair,
                school=school,
                role=role,
                start_on=start,
                end_on=start + timedelta(days=364) if role == "chair" else None,
                appointed_by=clerk_user,
            )
    clerk_person, _ = Person.objects.get_or_create(
        user=clerk_user,
        defaults={
            "first_name": clerk_user.first_name,
            "last_name": clerk_user.last_name,
            "email": clerk_user.email,
            "kind": Person.Kind.EXTERNAL,
            "job_role": "Clerk to the joint committee",
            "partnership": partnership,
        },
    )
    services.appoint_member(
        committee=committee, person=clerk_person, role="clerk", start_on=start, appointed_by=clerk_user
    )
    officer = Person.objects.create(
        first_name="Alison",
        last_name="Moore",
        kind=Person.Kind.LA_OFFICER,
        job_role="School improvement adviser",
        partnership=partnership,
        email="alison.moore@cheshirewestandchester.example.org",
    )
    services.appoint_member(
        committee=committee,
        person=officer,
        role="associate",
        start_on=start,
        end_on=start + timedelta(days=730),
        appointed_by=clerk_user,
    )
    services.add_interest(
        person=officer,
        description="Employed by the local authority",
        organisation="Cheshire West and Chester Council",
        declared_on=start,
        added_by=clerk_user,
    )

    host = schools[0]
    past_days = [today - timedelta(days=100), today - timedelta(days=50), today - timedelta(days=15)]
    meetings = []
    for number, day in enumerate(past_days):
        meeting = services.schedule_meeting(
            committee=committee,
            starts_at=_at(day),
            ends_at=_at(day, 18),
            place=Meeting.Place.SCHOOL,
            host_school=schools[number % len(schools)],
            location="Staff room",
            scheduled_by=clerk_user,
        )
        items = [
            services.add_agenda_item(
                meeting=meeting, title=title, category=category, is_confidential=secret, added_by=clerk_user
            )
            for title, category, secret, _minute, _motion in ITEMS
        ]
        meeting.agenda_published_at = _at(day - timedelta(days=7))
        meeting.save(update_fields=["agenda_published_at"])
        members = list(committee.memberships.current(day))
        statuses = {
            m.pk: ("apologies" if i % 7 == 3 else "absent" if i % 11 == 5 else "present") for i, m in enumerate(members)
        }
        services.record_attendance(meeting=meeting, statuses=statuses, recorded_by=clerk_user)
        minutes = services.draft_for(meeting)
        services.save_item_minutes(
            minutes=minutes,
            texts={item.pk: minute for item, (_t, _c, _s, minute, _m) in zip(items, ITEMS, strict=True)},
            saved_by=clerk_user,
        )
        for item, (*_rest, motion) in zip(items, ITEMS, strict=True):
            if not motion:
                continue
            votes = {
                m.pk: ("for" if i % 9 else "abstain")
                for i, m in enumerate(members)
                if statuses[m.pk] == "present" and m.can_vote and not (m.is_associate and item.is_restricted)
            }
            services.record_decision(item=item, motion=motion, votes=votes, recorded_by=clerk_user)
        head_of_host = Person.objects.filter(school=meeting.host_school, job_role="Headteacher").first()
        services.add_action(
            meeting=meeting,
            description=f"Circulate the notes of meeting {number + 1} to staff",
            owner=head_of_host or clerk_person,
            due_on=day + timedelta(days=30),
            added_by=clerk_user,
        )
        meetings.append(meeting)
    darnhall_head = Person.objects.filter(user=accounts.get("head")).first()
    if darnhall_head:
        services.add_action(
            meeting=meetings[-1],
            description="Draft the SENCO network programme for next term",
            owner=darnhall_head,
            due_on=today + timedelta(days=20),
            added_by=clerk_user,
        )
    for earlier, later in zip(meetings, meetings[1:], strict=False):
        minutes = services.draft_for(earlier)
        services.approve_minutes(minutes=minutes, at_meeting=later, approved_by=clerk_user)
        services.sign_minutes(minutes=minutes, signed_by=clerk_user)
    # The first meeting's action was done; the others stay open and come back as matters arising.
    first_action = meetings[0].actions.first()
    services.close_action(action=first_action, status="done", closed_by=clerk_user, at_meeting=meetings[1])

    upcoming = services.schedule_meeting(
        committee=committee,
        starts_at=_at(today + timedelta(days=21)),
        ends_at=_at(today + timedelta(days=21), 18),
        place=Meeting.Place.SCHOOL,
        host_school=host,
        location="Hall",
        scheduled_by=clerk_user,
    )
    for title, category, secret in [
        ("Termly report to the local authority", AgendaItem.Category.STANDARDS, False),
        ("Partnership budget: mid-year position", AgendaItem.Category.PARTNERSHIP_FINANCE, False),
        ("Exclusions review: individual cases", AgendaItem.Category.PUPIL_DISCIPLINE, True),
    ]:
        services.add_agenda_item(
            meeting=upcoming, title=title, category=category, is_confidential=secret, added_by=clerk_user
        )
