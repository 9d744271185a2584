"""Demo staff for the member schools."""

from schools.models import Person

FIRST = [
    "Amy",
    "Ben",
    "Chloe",
    "Dan",
    "Emma",
    "Fran",
    "Gary",
    "Hannah",
    "Imran",
    "Jess",
    "Kate",
    "Liam",
    "Megan",
    "Nia",
]
LAST = [
    "Allen",
    "Barker",
    "Carter",
    "Dawson",
    "Evans",
    "Fletcher",
    "Gibson",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kerr",
    "Lloyd",
]
JOBS = ["Class teacher", "Class teacher", "Teaching assistant", "SENCO", "Phase leader", "Teaching assistant"]


def staff_by_school(schools):
    """Six to ten staff at each school (plus the demo teacher the schools seeder made)."""
    people = {}
    for index, school in enumerate(schools):
        for n in range(6 + index % 5):
            first, last = FIRST[(index * 3 + n) % len(FIRST)], LAST[(index + n * 5) % len(LAST)]
            person, _ = Person.objects.get_or_create(
                school=school,
                first_name=first,
                last_name=f"{last}-{school.name.split()[0]}" if n >= len(LAST) else last,
                defaults={
                    "kind": Person.Kind.STAFF,
                    "job_role": JOBS[(n + index) % len(JOBS)],
                    "email": f"{first.lower()}.{last.lower()}{index}@winsford.example.org",
                },
            )
        people[school.pk] = list(Person.objects.filter(school=school, kind=Person.Kind.STAFF).order_by("pk"))
    return people
