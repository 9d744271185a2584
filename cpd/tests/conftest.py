from dataclasses import dataclass

import pytest
from django.utils import timezone

from partnership.demo import academic_year_of
from schools.models import Person

from .factories import EventFactory, PersonFactory, ProgrammeFactory, SessionFactory


@dataclass
class Cpd:
    programme: object
    event: object
    session: object
    staff_person: object  # the world's staff user, at world.school
    colleague: object  # another member of staff at world.school
    other_person: object  # staff at world.other_school
    head_person: object


@pytest.fixture
def cpd(world):
    programme = ProgrammeFactory(partnership=world.partnership, academic_year=academic_year_of(timezone.localdate()))
    event = EventFactory(programme=programme, title="Adaptive teaching", capacity=2, staff_may_book=True)
    session = SessionFactory(event=event)
    staff = world.user("staff")
    return Cpd(
        programme=programme,
        event=event,
        session=session,
        staff_person=PersonFactory(
            school=world.school, user=staff, first_name="Tom", last_name="Reeves", email=staff.email
        ),
        colleague=PersonFactory(school=world.school, first_name="Amy", last_name="Allen"),
        other_person=PersonFactory(school=world.other_school, first_name="Ben", last_name="Barker"),
        head_person=PersonFactory(
            school=world.school,
            user=world.user("head"),
            first_name="Helen",
            last_name="Ashworth",
            kind=Person.Kind.STAFF,
        ),
    )
