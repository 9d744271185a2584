import datetime

import factory
from factory.django import DjangoModelFactory

from partnership.models import Invitation, LocalAuthority, Partnership, Role, RoleGrant, Term, TermlyReport, User


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


class TermlyReportFactory(DjangoModelFactory):
    class Meta:
        model = TermlyReport

    partnership = factory.SubFactory(PartnershipFactory)
    term = factory.SubFactory(TermFactory, partnership=factory.SelfAttribute("..partnership"))
    version = factory.Sequence(lambda n: n + 1)
    status = TermlyReport.Status.QUEUED


def ready_report(**fields) -> TermlyReport:
    """A finished report with a (tiny) PDF and CSV pack in private storage."""
    from partnership.pdf import save_private_file

    pdf_name, pdf_sha256, pdf_size = save_private_file("reports/test/report.pdf", b"%PDF-1.7 test report")
    csv_name, csv_sha256, csv_size = save_private_file("reports/test/report.zip", b"PK test pack")
    return TermlyReportFactory(
        status=TermlyReport.Status.READY,
        pdf_file=pdf_name,
        pdf_sha256=pdf_sha256,
        pdf_size=pdf_size,
        pdf_pages=1,
        csv_file=csv_name,
        csv_sha256=csv_sha256,
        csv_size=csv_size,
        html="<p>Report body</p>",
        **fields,
    )
