"""Demo data: the fifteen schools of the Winsford Education Partnership (seed 000).

Names and phases are the real ones; URNs, pupil numbers and contacts are plausible
stand-ins, not DfE data."""

from datetime import date

from partnership.models import Role, RoleGrant

from .models import GoverningBody, PartnershipMembership, Person, PupilCount, School

# name, phase, type, religious character, low age, high age, pupils, head
WINSFORD_SCHOOLS = [
    ("Darnhall Primary School", "Primary", "Community school", "Does not apply", 4, 11, 412, "Mrs Helen Ashworth"),
    ("Grange Primary School", "Primary", "Community school", "Does not apply", 3, 11, 318, "Mr David Pryce"),
    ("Greenfields Primary School", "Primary", "Community school", "Does not apply", 4, 11, 205, "Mrs Karen Doyle"),
    ("Handley Hill Primary School", "Primary", "Community school", "Does not apply", 4, 11, 236, "Mr Simon Bell"),
    (
        "High Street Community Primary School",
        "Primary",
        "Community school",
        "Does not apply",
        3,
        11,
        189,
        "Ms Rachel Owens",
    ),
    (
        "Leaf Lane Nursery and Infant School",
        "Primary",
        "Community school",
        "Does not apply",
        3,
        7,
        172,
        "Mrs Julie Hart",
    ),
    (
        "Over Hall Community Primary School",
        "Primary",
        "Community school",
        "Does not apply",
        4,
        11,
        224,
        "Mr Paul Jennings",
    ),
    (
        "Over St John's CofE Primary School",
        "Primary",
        "Voluntary aided school",
        "Church of England",
        4,
        11,
        198,
        "Mrs Anne Whitfield",
    ),
    (
        "St Chad's CofE Primary School",
        "Primary",
        "Voluntary controlled school",
        "Church of England",
        4,
        11,
        210,
        "Mr Mark Ellison",
    ),
    (
        "St Joseph's Catholic Primary School",
        "Primary",
        "Voluntary aided school",
        "Roman Catholic",
        4,
        11,
        203,
        "Mrs Clare Brennan",
    ),
    (
        "Wharton CofE Junior School",
        "Primary",
        "Voluntary controlled school",
        "Church of England",
        7,
        11,
        236,
        "Mr Andrew Stokes",
    ),
    (
        "Willow Wood Community Primary School",
        "Primary",
        "Community school",
        "Does not apply",
        4,
        11,
        301,
        "Mrs Lisa Morgan",
    ),
    (
        "Winsford High School Federation",
        "Secondary",
        "Community school",
        "Does not apply",
        11,
        18,
        1482,
        "Mr Richard Crane",
    ),
    ("Oaklands School", "Not applicable", "Community special school", "Does not apply", 11, 16, 96, "Mrs Fiona Lyle"),
    (
        "Hebden Green Community School",
        "Not applicable",
        "Community special school",
        "Does not apply",
        2,
        19,
        118,
        "Mr Gareth Evans",
    ),
]

CHAIR_NAMES = [
    ("Margaret", "Holt"),
    ("Brian", "Lowe"),
    ("Susan", "Pickering"),
    ("Alan", "Crossley"),
    ("Denise", "Walsh"),
    ("Keith", "Dunn"),
    ("Pauline", "Rigby"),
    ("Revd Peter", "Hughes"),
    ("Janet", "Booth"),
    ("Father Liam", "Doherty"),
    ("Gillian", "Parr"),
    ("Neil", "Birch"),
    ("Christine", "Mellor"),
    ("Robert", "Sykes"),
    ("Elaine", "Foster"),
]

CENSUS_DATES = [date(2025, 1, 16), date(2026, 1, 15)]


def seed(partnership, accounts):
    la = partnership.local_authority
    schools = {}
    for index, (name, phase, kind, religion, low, high, pupils, head) in enumerate(WINSFORD_SCHOOLS):
        school, _ = School.objects.update_or_create(
            urn=111700 + index * 7,
            defaults={
                "la_code": la.code,
                "la_name": la.name,
                "establishment_number": str(2000 + index * 13),
                "name": name,
                "type_of_establishment": kind,
                "status": "Open",
                "phase": phase,
                "statutory_low_age": low,
                "statutory_high_age": high,
                "religious_character": religion,
                "number_of_pupils": pupils,
                "pupils_counted_on": CENSUS_DATES[-1],
                "town": "Winsford",
                "postcode": f"CW7 {1 + index % 4}{'ABDEFGHJ'[index % 8]}{'LNPQRSTU'[index % 8]}",
                "telephone": f"01606 55{index:04d}",
                "head_name": head,
                "trust_name": "Winsford High School Federation" if "Federation" in name else "",
            },
        )
        for census, factor in zip(CENSUS_DATES, (0.97, 1), strict=True):
            PupilCount.objects.update_or_create(
                school=school, counted_on=census, defaults={"pupils": round(pupils * factor), "source": "demo"}
            )
        PartnershipMembership.objects.get_or_create(
            partnership=partnership, school=school, defaults={"joined_on": date(2019, 9, 1)}
        )
        title, first, last = head.split(" ", 2)
        Person.objects.get_or_create(
            school=school,
            last_name=last,
            first_name=first,
            defaults={"job_role": "Headteacher", "kind": Person.Kind.STAFF},
        )
        body, _ = GoverningBody.objects.get_or_create(
            name=f"Governing body of {name}", defaults={"clerk_email": f"governors{index}@winsford.example.org"}
        )
        chair, _ = Person.objects.get_or_create(
            governing_body=body,
            job_role="Chair of governors",
            defaults={
                "first_name": CHAIR_NAMES[index][0],
                "last_name": CHAIR_NAMES[index][1],
                "kind": Person.Kind.GOVERNOR,
                "school": school,
                "email": f"chair{index}@winsford.example.org",
            },
        )
        GoverningBody.objects.filter(pk=body.pk).update(chair=chair)
        School.objects.filter(pk=school.pk).update(governing_body=body)
        schools[name] = school

    seed_expertise(schools, partnership)
    darnhall = schools["Darnhall Primary School"]
    head, teacher = accounts.get("head"), accounts.get("teacher")
    if head is not None:
        RoleGrant.objects.get_or_create(user=head, partnership=partnership, role=Role.HEADTEACHER, school=darnhall)
        Person.objects.filter(school=darnhall, job_role="Headteacher").update(user=head, email=head.email)
    if teacher is not None:
        RoleGrant.objects.get_or_create(user=teacher, partnership=partnership, role=Role.STAFF, school=darnhall)
        Person.objects.update_or_create(
            user=teacher,
            defaults={
                "first_name": teacher.first_name,
                "last_name": teacher.last_name,
                "email": teacher.email,
                "school": darnhall,
                "job_role": "Class teacher (Year 4)",
            },
        )
    return schools


# school, specialism, details
SCHOOL_EXPERTISE = [
    ("Darnhall Primary School", "Early reading and phonics", "Phonics lead runs open mornings each half term."),
    ("Darnhall Primary School", "Nurture group", "Six-place nurture group, Key Stage 1."),
    ("Hebden Green Community School", "Special educational needs (SEN)", "Outreach for complex needs and PMLD."),
    ("Oaklands School", "Behaviour and attendance", "Outreach for social, emotional and mental health needs."),
    ("Willow Wood Community Primary School", "Resource base", "Resource base for speech, language and communication."),
    ("Wharton CofE Junior School", "Mathematics", "Maths hub mastery specialist school."),
    ("Leaf Lane Nursery and Infant School", "Early years", "Nursery from two years; EYFS network host."),
    ("Over Hall Community Primary School", "Forest school", "Forest school leader; shares the site."),
    ("Winsford High School Federation", "English as an additional language", "EAL coordinator for the federation."),
]
# school, first name, last name, job role, specialism or designation, details
PEOPLE_EXPERTISE = [
    ("Grange Primary School", "David", "Pryce", "Headteacher", "Local leader of education", "Supports new heads."),
    ("Hebden Green Community School", "Gareth", "Evans", "Headteacher", "National leader of education", ""),
    ("Darnhall Primary School", "Nadia", "Shah", "SENCO", "Special educational needs (SEN)", "Joint SENCO network."),
    ("Willow Wood Community Primary School", "Tom", "Kershaw", "Maths lead", "Specialist leader of education", ""),
]


def seed_expertise(schools: dict, partnership) -> None:
    from .models import Expertise, Specialism

    specialisms = {s.name: s for s in Specialism.objects.all()}
    for school_name, specialism, details in SCHOOL_EXPERTISE:
        Expertise.objects.get_or_create(
            specialism=specialisms[specialism], school=schools[school_name], defaults={"details": details}
        )
    for school_name, first, last, job_role, specialism, details in PEOPLE_EXPERTISE:
        person, _ = Person.objects.get_or_create(
            school=schools[school_name],
            first_name=first,
            last_name=last,
            defaults={"job_role": job_role, "kind": Person.Kind.STAFF},
        )
        Expertise.objects.get_or_create(
            specialism=specialisms[specialism], person=person, defaults={"details": details}
        )
    chair = Person.objects.filter(governing_body__schools=schools["St Chad's CofE Primary School"]).first()
    if chair is not None:
        Expertise.objects.get_or_create(
            specialism=specialisms["National leader of governance"], person=chair, defaults={"details": ""}
        )
    officer, _ = Person.objects.get_or_create(
        partnership=partnership,
        first_name="Joanne",
        last_name="Whitley",
        defaults={
            "kind": Person.Kind.LA_OFFICER,
            "job_role": "School improvement adviser",
            "organisation": partnership.local_authority.name,
            "email": "joanne.whitley@cheshirewestandchester.example.org",
        },
    )
    Person.objects.get_or_create(
        partnership=partnership,
        first_name="Mark",
        last_name="Hurst",
        defaults={
            "kind": Person.Kind.EXTERNAL,
            "job_role": "Educational psychologist",
            "organisation": "Mid Cheshire Psychology Service",
        },
    )
