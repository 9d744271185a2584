import datetime

import factory
from factory.django import DjangoModelFactory

from partnership.models import Invitation, LocalAuthority, Partnership, Role, RoleGrant, Term, User


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password("a-long-pass-phrase")


class LocalAuthorityFactory(DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{800 + n % 199}")
    name = factory.Sequence(lambda n: f"County {n}")


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")
    local_authority = factory.SubFactory(LocalAuthorityFactory)


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term

    partnership = factory.SubFactory(PartnershipFactory)
    season = Term.Season.AUTUMN
    academic_year = 2026
    start = datetime.date(2026, 9, 2)
    end = datetime.date(2026, 12, 18)


class RoleGrantFactory(DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    role = Role.COORDINATOR


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    partnership = factory.SubFactory(PartnershipFactory)
    role = Role.CLERK
