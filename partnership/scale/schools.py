"""Schools data at scale: schools with GIAS-like fields, pupil counts per census date,
governing bodies (a few shared by a federation), people and partnership memberships
(some schools in several partnerships, a few that have left)."""

from datetime import date, timedelta

from django.apps import apps

from .context import ScaleContext, bulk_insert, reserve_ids
from .names import FEATURES, FIRST_NAMES, LAST_NAMES, SAINTS, STREETS, TITLES, TOWNS

# (phase, type, religious character, low age, high age, pupils low, pupils high, suffix), weighted
KINDS = [
    (40, "Primary", "Community school", "Does not apply", 4, 11, 90, 630, "Primary School"),
    (18, "Primary", "Academy converter", "Does not apply", 4, 11, 120, 630, "Primary Academy"),
    (10, "Primary", "Voluntary controlled school", "Church of England", 4, 11, 60, 420, "CofE Primary School"),
    (8, "Primary", "Voluntary aided school", "Roman Catholic", 4, 11, 90, 420, "Catholic Primary School"),
    (4, "Primary", "Community school", "Does not apply", 7, 11, 120, 360, "Junior School"),
    (4, "Primary", "Community school", "Does not apply", 3, 7, 90, 270, "Infant School"),
    (6, "Secondary", "Academy converter", "Does not apply", 11, 18, 600, 1900, "High School"),
    (4, "Secondary", "Community school", "Does not apply", 11, 16, 500, 1400, "Academy"),
    (3, "Not applicable", "Community special school", "Does not apply", 2, 19, 40, 200, "School"),
    (1, "Nursery", "Local authority nursery school", "Does not apply", 2, 5, 40, 120, "Nursery School"),
]
WEIGHTS = [k[0] for k in KINDS]
SHARED_SCHOOL_SHARE = 0.08  # schools in a second partnership
LEFT_SHARE = 0.03  # memberships that ended
FEDERATED_SHARE = 0.05  # schools sharing a governing body with the next school


def census_dates(years: list[int], today: date) -> list[date]:
    """The school census: autumn (early October), spring (mid January), summer (mid May)."""
    days = []
    for year in years:
        days += [date(year, 10, 2), date(year + 1, 1, 16), date(year + 1, 5, 15)]
    return [d for d in days if d <= today]


def seed_schools(context: ScaleContext) -> None:
    School = apps.get_model("schools", "School")
    PupilCount = apps.get_model("schools", "PupilCount")
    GoverningBody = apps.get_model("schools", "GoverningBody")
    Person = apps.get_model("schools", "Person")
    LocalAuthority = apps.get_model("partnership", "LocalAuthority")
    rng = context.rng
    las = dict(LocalAuthority.objects.filter(pk__in=context.local_authority_ids).values_list("pk", "code"))
    la_names = dict(LocalAuthority.objects.filter(pk__in=context.local_authority_ids).values_list("pk", "name"))
    n = context.schools
    school_ids = reserve_ids(School, n)
    body_ids = iter(reserve_ids(GoverningBody, n))
    first_urn = _first_urn(School)
    counts_on = census_dates(context.years, context.today)
    schools, bodies, counts, people = [], [], [], []
    people_ids = iter(reserve_ids(Person, 6 * n))
    count_ids = iter(reserve_ids(PupilCount, len(counts_on) * n))
    la_ids = context.local_authority_ids
    body_of_previous = None
    names_used: set[str] = set()
    for i, pk in enumerate(school_ids):
        la = la_ids[i * len(la_ids) // n]
        _, phase, kind, religion, low, high, fewest, most, suffix = rng.choices(KINDS, WEIGHTS)[0]
        town = TOWNS[(i // 7) % len(TOWNS)]
        name = _school_name(rng, town, suffix, religion)
        if name in names_used:  # two "Winsford Primary School"s confuse people, as they would in GIAS
            name = f"{town} {rng.choice(FEATURES)} {suffix}"
        names_used.add(name)
        pupils = rng.randint(fewest, most)
        head_first, head_last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        federated = body_of_previous is not None and rng.random() < FEDERATED_SHARE
        if federated:
            body = body_of_previous
            body_of_previous = None
        else:
            body = next(body_ids)
            bodies.append({"id": body, "name": f"Governing body of {name}", "clerk_email": f"clerk.{pk}@schools.test"})
            body_of_previous = body
        context.governing_body_of[pk] = body
        schools.append(
            {
                "id": pk,
                "urn": first_urn + i,
                "la_code": las[la],
                "la_name": la_names[la],
                "establishment_number": f"{2000 + i % 8000}",
                "name": name,
                "type_of_establishment": kind,
                "status": "Open",
                "phase": phase,
                "statutory_low_age": low,
                "statutory_high_age": high,
                "religious_character": religion,
                "number_of_pupils": pupils,
                "pupils_counted_on": counts_on[-1] if counts_on else None,
                "street": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                "town": town,
                "postcode": f"{town[:2].upper()}{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                "telephone": f"01{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                "website": f"https://www.{_domain(name)}.sch.uk",
                "head_name": f"{rng.choice(TITLES)} {head_first} {head_last}",
                "trust_name": f"{town} Learning Trust" if "Academy" in kind else "",
                "governing_body_id": body,
            }
        )
        drift = pupils
        for day in reversed(counts_on):
            counts.append(
                {"id": next(count_ids), "school_id": pk, "counted_on": day, "pupils": drift, "source": "GIAS extract"}
            )
            drift = max(10, drift + rng.randint(-12, 12))
        mine = []
        staff = [("Headteacher", head_first, head_last), ("Deputy headteacher", None, None), ("SENCo", None, None)]
        for job_role, first, last in staff:
            person = next(people_ids)
            first, last = first or rng.choice(FIRST_NAMES), last or rng.choice(LAST_NAMES)
            people.append(_person(person, first, last, "staff", job_role, school=pk))
            mine.append(person)
        if not federated:
            for g in range(3):
                person = next(people_ids)
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                people.append(_person(person, first, last, "governor", "Chair of governors" if g == 0 else "Governor"))
                people[-1]["governing_body_id"] = body
                if g == 0:
                    bodies[-1]["chair_id"] = person
                mine.append(person)
        context.people_of_school[pk] = mine
    # Governing bodies first without their chair (people refer to bodies and back).
    chairs = {b["id"]: b.pop("chair_id", None) for b in bodies}
    bulk_insert(GoverningBody, bodies)
    bulk_insert(School, schools)
    bulk_insert(PupilCount, counts)
    bulk_insert(Person, people)
    _set_chairs(GoverningBody, chairs)
    context.school_ids = list(school_ids)


def seed_memberships(context: ScaleContext) -> None:
    """Each LA's schools are shared out among its partnerships in blocks; some schools are
    also in a second partnership of the same LA, and a few memberships have ended."""
    Membership = apps.get_model("schools", "PartnershipMembership")
    rng = context.rng
    la_ids = context.local_authority_ids
    n = len(context.school_ids)
    partnerships_of_la = {la: [p for p in context.partnership_ids if context.la_of[p] == la] for la in la_ids}
    schools_of_la: dict[int, list[int]] = {la: [] for la in la_ids}
    for i, school in enumerate(context.school_ids):
        schools_of_la[la_ids[i * len(la_ids) // n]].append(school)
    rows = []
    ids = iter(reserve_ids(Membership, 2 * n))
    start_of_history = date(context.years[0], 9, 1)
    for la, schools in schools_of_la.items():
        partnerships = partnerships_of_la[la] or context.partnership_ids
        for i, school in enumerate(schools):
            home = partnerships[i * len(partnerships) // len(schools)]
            joined = start_of_history - timedelta(days=rng.randint(0, 3650))
            left = None
            if rng.random() < LEFT_SHARE:
                left = context.today - timedelta(days=rng.randint(30, 700))
                left = max(left, joined + timedelta(days=30))
            rows.append(
                {"id": next(ids), "partnership_id": home, "school_id": school, "joined_on": joined, "left_on": left}
            )
            if left is None:
                context.schools_of.setdefault(home, []).append(school)
            if len(partnerships) > 1 and rng.random() < SHARED_SCHOOL_SHARE:
                other = rng.choice([p for p in partnerships if p != home])
                joined = context.today - timedelta(days=rng.randint(60, 1500))
                rows.append({"id": next(ids), "partnership_id": other, "school_id": school, "joined_on": joined})
                context.schools_of.setdefault(other, []).append(school)
    bulk_insert(Membership, rows)


def _first_urn(School) -> int:
    last = School.objects.order_by("-urn").values_list("urn", flat=True).first()
    return max(100000, (last or 0) + 1)


def _school_name(rng, town, suffix, religion):
    if religion == "Church of England":
        return f"{rng.choice(SAINTS)} {suffix}" if rng.random() < 0.5 else f"{town} {suffix}"
    if religion == "Roman Catholic":
        return f"{rng.choice(SAINTS)} {suffix}"
    if rng.random() < 0.5:
        return f"{town} {suffix}"
    return f"{rng.choice(FEATURES)} {rng.choice(['Lane', 'Field', 'View', 'Bank', 'Side', 'Wood'])} {suffix}"


def _domain(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())[:40]


def _person(pk, first, last, kind, job_role, school=None):
    return {
        "id": pk,
        "first_name": first,
        "last_name": last,
        "email": f"{first.lower()}.{last.lower()}.{pk}@schools.test",
        "kind": kind,
        "job_role": job_role,
        "school_id": school,
    }


def _set_chairs(GoverningBody, chairs: dict) -> None:
    from django.db import connection

    pairs = [(chair, body) for body, chair in chairs.items() if chair]
    table = connection.ops.quote_name(GoverningBody._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS g SET chair_id = v.chair FROM "
                f"(SELECT unnest(%s::bigint[]) AS chair, unnest(%s::bigint[]) AS body) AS v WHERE g.id = v.body",
                [[c for c, _ in pairs], [b for _, b in pairs]],
            )
        else:
            cursor.executemany(f"UPDATE {table} SET chair_id = %s WHERE id = %s", pairs)
