"""Core rows at scale: local authorities, partnerships, term dates, users and role grants."""

from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify

from ..demo import term_dates
from ..models import LocalAuthority, Partnership, Role, RoleGrant, Term
from .context import ScaleContext, bulk_insert, reserve_ids
from .names import FIRST_NAMES, LAST_NAMES, LOCAL_AUTHORITIES, TOWNS

PASSWORD = "bench-pass-phrase"  # every seeded account; seed_scale refuses to run in production
# A fixed TOTP secret for the coordinators and LA officers, who must have two-factor set up.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ROLE_KEYS = {
    "coordinator": Role.COORDINATOR,
    "clerk": Role.CLERK,
    "la_officer": Role.LA_OFFICER,
    "head": Role.HEADTEACHER,
    "staff": Role.STAFF,
}


def local_authority_count(schools: int) -> int:
    """About 170 schools per LA, as in England (about 150 LAs for 25,000 schools)."""
    return max(1, min(150, schools // 170))


def seed_local_authorities(context: ScaleContext) -> None:
    count = local_authority_count(context.schools)
    ids = reserve_ids(LocalAuthority, count)
    used = set(LocalAuthority.objects.values_list("code", flat=True))
    codes = (code for code in map(str, range(200, 1000)) if code not in used)  # fresh codes in a used database
    rows = []
    for n, pk in enumerate(ids):
        base = LOCAL_AUTHORITIES[n % len(LOCAL_AUTHORITIES)]
        name = base if n < len(LOCAL_AUTHORITIES) else f"{base} {n // len(LOCAL_AUTHORITIES) + 1}"
        rows.append({"id": pk, "code": next(codes), "name": name})
    bulk_insert(LocalAuthority, rows)
    context.local_authority_ids = list(ids)


def seed_partnerships(context: ScaleContext) -> None:
    ids = reserve_ids(Partnership, context.partnerships)
    las = context.local_authority_ids
    kinds = (
        [Partnership.Kind.PARTNERSHIP] * 6
        + [Partnership.Kind.COLLABORATION] * 2
        + [
            Partnership.Kind.FEDERATION,
            Partnership.Kind.TRUST,
        ]
    )
    rows = []
    for n, pk in enumerate(ids):
        town = TOWNS[n % len(TOWNS)]
        name = (
            f"{town} Education Partnership" if n < len(TOWNS) else f"{town} Schools Partnership {n // len(TOWNS) + 1}"
        )
        la = las[n % len(las)]
        rows.append(
            {
                "id": pk,
                "name": name,
                "slug": f"{slugify(name)}-{n + 1}{context.tag}",
                "kind": context.rng.choice(kinds),
                "local_authority_id": la,
                "description": f"Schools in and around {town} working together.",
            }
        )
        context.la_of[pk] = la
    bulk_insert(Partnership, rows)
    context.partnership_ids = list(ids)


def seed_terms(context: ScaleContext) -> None:
    years = [*context.years, context.current_year + 1]
    per_la = [(season, year, start, end) for year in years for season, start, end in term_dates(year)]
    ids = iter(reserve_ids(Term, len(per_la) * len(context.local_authority_ids)))
    rows = []
    for la in context.local_authority_ids:
        context.terms_of_la[la] = []
        for season, year, start, end in per_la:
            pk = next(ids)
            rows.append(
                {
                    "id": pk,
                    "local_authority_id": la,
                    "season": season,
                    "academic_year": year,
                    "start": start,
                    "end": end,
                }
            )
            context.terms_of_la[la].append((pk, season, year, start, end))
    bulk_insert(Term, rows)


def seed_users(context: ScaleContext) -> None:
    """A user for every role in every partnership (the LA officer is one per LA, granted in
    each of its partnerships; head and staff work at the partnership's first school), with
    TOTP for coordinators and LA officers. Users are `<role>.<n>@scale.test`."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    User = get_user_model()
    password = make_password(PASSWORD)
    joined = timezone.make_aware(datetime.combine(context.today, time(9)))
    per_partnership = ["coordinator", "clerk", "head", "staff"]
    user_ids = iter(
        reserve_ids(User, len(per_partnership) * len(context.partnership_ids) + len(context.local_authority_ids))
    )
    users, grants, totp = [], [], []
    officer_of_la = {}
    for n, la in enumerate(context.local_authority_ids):
        pk = next(user_ids)
        officer_of_la[la] = pk
        users.append(_user(pk, f"la_officer.{n + 1}{context.tag}@scale.test", context, password, joined))
        totp.append(pk)
    for n, partnership in enumerate(context.partnership_ids):
        mine = {"la_officer": officer_of_la[context.la_of[partnership]]}
        for key in per_partnership:
            pk = next(user_ids)
            mine[key] = pk
            users.append(_user(pk, f"{key}.{n + 1}{context.tag}@scale.test", context, password, joined))
            if key == "coordinator":
                totp.append(pk)
        context.users_of[partnership] = mine
    bulk_insert(User, users)

    grant_ids = iter(reserve_ids(RoleGrant, 5 * len(context.partnership_ids)))
    for partnership, mine in context.users_of.items():
        first_school = (context.schools_of.get(partnership) or [None])[0]
        for key, user in mine.items():
            school = first_school if key in ("head", "staff") else None
            if school is None and key in ("head", "staff"):
                continue
            grants.append(
                {
                    "id": next(grant_ids),
                    "user_id": user,
                    "partnership_id": partnership,
                    "role": ROLE_KEYS[key],
                    "school_id": school,
                    "created_at": joined,
                }
            )
    bulk_insert(RoleGrant, grants)
    _link_heads_to_their_person(context)
    data = {"secret": encrypt(TOTP_SECRET)}
    bulk_insert(
        Authenticator,
        (
            {"id": pk, "user_id": user, "type": Authenticator.Type.TOTP, "data": data, "created_at": joined}
            for pk, user in zip(reserve_ids(Authenticator, len(totp)), totp, strict=True)
        ),
    )


def _link_heads_to_their_person(context: ScaleContext) -> None:
    """A head's user account is the Person seeded as that school's headteacher."""
    from django.apps import apps
    from django.db import connection

    Person = apps.get_model("schools", "Person")
    pairs = []
    for partnership, mine in context.users_of.items():
        schools = context.schools_of.get(partnership)
        if schools and context.people_of_school.get(schools[0]):
            pairs.append((mine["head"], context.people_of_school[schools[0]][0]))
    # A school heading several partnerships' lists keeps its first head account.
    pairs = list({person: (user, person) for user, person in reversed(pairs)}.values())
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET user_id = %s WHERE id = %s", pairs)


def _user(pk, email, context, password, joined):
    return {
        "id": pk,
        "email": email,
        "password": password,
        "first_name": context.rng.choice(FIRST_NAMES),
        "last_name": context.rng.choice(LAST_NAMES),
        "is_active": True,
        "date_joined": joined,
    }
