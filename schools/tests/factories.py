import datetime

import factory
from factory.django import DjangoModelFactory

from partnership.tests.factories import PartnershipFactory
from schools.models import PartnershipMembership, Person, PupilCount, School


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: 100000 + n)
    la_code = "896"
    la_name = "Cheshire West and Chester"
    name = factory.Sequence(lambda n: f"School {n} Primary")
    type_of_establishment = "Community school"
    status = "Open"
    phase = "Primary"
    statutory_low_age = 4
    statutory_high_age = 11
    religious_character = "Does not apply"
    number_of_pupils = factory.Sequence(lambda n: 100 + (n * 37) % 400)
    pupils_counted_on = datetime.date(2026, 1, 15)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = PartnershipMembership

    partnership = factory.SubFactory(PartnershipFactory)
    school = factory.SubFactory(SchoolFactory)
    joined_on = datetime.date(2020, 9, 1)


class PupilCountFactory(DjangoModelFactory):
    class Meta:
        model = PupilCount

    school = factory.SubFactory(SchoolFactory)
    counted_on = datetime.date(2026, 1, 15)
    pupils = 200


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"staff{n}@school.example.org")
    school = factory.SubFactory(SchoolFactory)
    job_role = "Teacher"
