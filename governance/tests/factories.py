import datetime
from types import SimpleNamespace

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from governance.models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMembership,
    InterestEntry,
    Meeting,
)
from partnership.tests.factories import PartnershipFactory
from schools.tests.factories import PersonFactory


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Joint committee {n}")
    kind = Committee.Kind.STRATEGIC
    established_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200))
    quorum_numerator = 1
    quorum_denominator = 3
    quorum_min_headteachers = 1


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeMembership

    committee = factory.SubFactory(CommitteeFactory)
    person = factory.SubFactory(PersonFactory)
    role = CommitteeMembership.Role.MEMBER
    start_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=100))


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    place = Meeting.Place.ONLINE


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Item {n}")


class InterestFactory(DjangoModelFactory):
    class Meta:
        model = InterestEntry

    person = factory.SubFactory(PersonFactory)
    description = "Governor of a neighbouring school"
    declared_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=90))


def build_committee(world, *, members: int = 4, associates: int = 1) -> SimpleNamespace:
    """A committee of world.partnership with world.school as its member school: a chair,
    `members` headteacher members, `associates` associate members and a clerk, plus a
    meeting held a week ago (everybody present) with an ordinary, a confidential and a
    restricted item."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=100)
    committee = CommitteeFactory(partnership=world.partnership, name="Strategic joint committee")
    committee.schools.set([world.school])
    chair = MembershipFactory(
        committee=committee,
        person=PersonFactory(first_name="Margaret", last_name="Holt", school=world.school),
        role=CommitteeMembership.Role.CHAIR,
        end_on=start + datetime.timedelta(days=364),
        school=world.school,
    )
    heads = [
        MembershipFactory(committee=committee, person=PersonFactory(last_name=f"Head{i}"), is_headteacher=True)
        for i in range(members)
    ]
    associate_rows = [
        MembershipFactory(
            committee=committee,
            person=PersonFactory(last_name=f"Associate{i}"),
            role=CommitteeMembership.Role.ASSOCIATE,
            end_on=start + datetime.timedelta(days=730),
        )
        for i in range(associates)
    ]
    clerk = MembershipFactory(
        committee=committee, person=PersonFactory(last_name="Clerk"), role=CommitteeMembership.Role.CLERK
    )
    meeting = MeetingFactory(committee=committee, starts_at=timezone.now() - datetime.timedelta(days=7))
    general = AgendaItemFactory(meeting=meeting, order=1, title="Joint CPD programme", category=AgendaItem.Category.CPD)
    secret = AgendaItemFactory(
        meeting=meeting,
        order=2,
        title="Staffing matter at Darnhall",
        category=AgendaItem.Category.INDIVIDUAL_MATTERS,
        is_confidential=True,
    )
    admissions = AgendaItemFactory(
        meeting=meeting, order=3, title="In-year admissions protocol", category=AgendaItem.Category.ADMISSIONS
    )
    everyone = [chair, *heads, *associate_rows, clerk]
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, membership=m, status=Attendance.Status.PRESENT) for m in everyone]
    )
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    return SimpleNamespace(
        committee=committee,
        chair=chair,
        heads=heads,
        associates=associate_rows,
        clerk=clerk,
        meeting=meeting,
        general=general,
        secret=secret,
        admissions=admissions,
        everyone=everyone,
    )


def account_for(person, *, email: str | None = None, verified: bool = True):
    """Links `person` to a new portal account whose e-mail (its allauth address) is verified
    or not. The account's address differs from the person's contact address on purpose."""
    from allauth.account.models import EmailAddress

    from partnership.tests.factories import UserFactory

    user = UserFactory(email=email or f"account{person.pk}@members.example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    person.user = user
    person.save(update_fields=["user"])
    return user
