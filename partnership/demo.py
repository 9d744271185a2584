"""The core of the demo data: Winsford Education Partnership, its terms and demo accounts."""

from datetime import date, timedelta

from dateutil.easter import easter
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import LocalAuthority, LocalAuthorityGrant, Partnership, Role, RoleGrant, Term
from .registry import registry
from .services import record_verified_email

DEMO_PASSWORD = "demo1234"
DEMO_ACCOUNTS = {
    # key: (e-mail, first name, last name, role granted by the core or None)
    "coordinator": ("coordinator@demo.test", "Sarah", "Whitby", Role.COORDINATOR),
    "head": ("head.darnhall@demo.test", "Helen", "Ashworth", None),  # granted with the school
    "clerk": ("clerk@demo.test", "James", "Farrow", Role.CLERK),
    "officer": ("officer@demo.test", "Priya", "Nair", Role.LA_OFFICER),
    "teacher": ("teacher.darnhall@demo.test", "Tom", "Reeves", None),  # granted with the school
}


def academic_year_of(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def term_dates(year: int) -> list[tuple[str, date, date]]:
    """Plausible English term dates for the academic year starting in September `year`:
    autumn from early September to the Friday before Christmas week, spring to the
    Thursday before Easter, summer from the second Monday after Easter to late July."""
    autumn_start = _weekday_on_or_after(date(year, 9, 2), 0)
    autumn_end = _weekday_on_or_after(date(year, 12, 16), 4)
    spring_start = _weekday_on_or_after(date(year + 1, 1, 4), 0)
    easter_sunday = easter(year + 1)
    spring_end = easter_sunday - timedelta(days=3)
    summer_start = easter_sunday + timedelta(days=8)
    summer_end = _weekday_on_or_after(date(year + 1, 7, 18), 1)
    return [
        (Term.Season.AUTUMN, autumn_start, autumn_end),
        (Term.Season.SPRING, spring_start, spring_end),
        (Term.Season.SUMMER, summer_start, summer_end),
    ]


@transaction.atomic
def seed_demo() -> Partnership:
    la, _ = LocalAuthority.objects.get_or_create(code="896", defaults={"name": "Cheshire West and Chester"})
    partnership, _ = Partnership.objects.get_or_create(
        slug="winsford",
        defaults={
            "name": "Winsford Education Partnership",
            "kind": Partnership.Kind.PARTNERSHIP,
            "local_authority": la,
            "description": (
                "All fifteen schools in Winsford: the federated high school, two special schools and twelve "
                "primary-phase schools, co-led by their headteachers."
            ),
        },
    )
    year = academic_year_of(timezone.localdate())
    for academic_year in (year - 1, year):
        for season, start, end in term_dates(academic_year):
            Term.objects.update_or_create(
                local_authority=la,
                partnership=None,
                season=season,
                academic_year=academic_year,
                defaults={"start": start, "end": end},
            )

    User = get_user_model()
    accounts = {}
    for key, (email, first, last, role) in DEMO_ACCOUNTS.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, first_name=first, last_name=last)
        user.is_demo = True
        user.save(update_fields=["is_demo"])
        if role == Role.LA_OFFICER:  # the officer sees every partnership of the authority
            LocalAuthorityGrant.objects.get_or_create(user=user, local_authority=la)
        elif role is not None:
            RoleGrant.objects.get_or_create(user=user, partnership=partnership, role=role, school=None)
        accounts[key] = user

    for seeder in registry.demo_seeders:
        seeder.seed(partnership, accounts)
    # The demo's addresses are the seeder's own: verified, so demo members get full papers.
    for user in accounts.values():
        record_verified_email(user)
    return partnership
