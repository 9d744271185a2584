from datetime import datetime, time, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from cpd.models import Booking, Event, Programme, Session, Workshop
from partnership.tests.factories import PartnershipFactory
from schools.tests.factories import PersonFactory


def london(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["partnership", "academic_year"]

    partnership = factory.SubFactory(PartnershipFactory)
    academic_year = 2026
    title = "CPD programme"


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    programme = factory.SubFactory(ProgrammeFactory)
    kind = Event.Kind.COURSE
    title = factory.Sequence(lambda n: f"Course {n}")
    capacity = 10
    cost_per_place = Decimal("45.00")


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    starts_at = factory.LazyFunction(lambda: london(timezone.localdate() + timedelta(days=14), 13, 30))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=2, minutes=30))
    venue = "Winsford Lifestyle Centre"
    room = "Room 1"


class WorkshopFactory(DjangoModelFactory):
    class Meta:
        model = Workshop

    event = factory.SubFactory(EventFactory, kind=Event.Kind.WHOLE_TOWN_INSET)
    title = factory.Sequence(lambda n: f"Workshop {n}")
    capacity = 10


class BookingFactory(DjangoModelFactory):
    class Meta:
        model = Booking

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    school = factory.LazyAttribute(lambda b: b.person.school)
    status = Booking.Status.CONFIRMED


__all__ = [
    "BookingFactory",
    "EventFactory",
    "PersonFactory",
    "ProgrammeFactory",
    "SessionFactory",
    "WorkshopFactory",
    "london",
]
