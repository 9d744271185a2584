"""Demo data: the Winsford CPD programme (seeds 000, 002, 004): courses, a SENCO network,
a leadership programme, a shared INSET day and a whole-town INSET day with many workshops,
with bookings, waiting lists, attendance, feedback and follow-ups."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from partnership.demo import academic_year_of, term_dates
from schools.models import Person, School

from . import services
from .models import Event, Feedback, ImpactFollowUp, Programme, Session, Workshop, join_codes

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

WORKSHOPS = [
    "Retrieval practice in every lesson",
    "Oracy across the curriculum",
    "Adaptive teaching for SEND",
    "Early reading and phonics",
    "Maths mastery: reasoning",
    "Writing for purpose",
    "Behaviour as communication",
    "Outdoor learning",
    "Science enquiry skills",
    "Computing: teaching algorithms",
    "Metacognition in practice",
    "Supporting EAL learners",
    "Assessment without levels",
    "Transition from Year 6 to Year 7",
    "Trauma-informed classrooms",
    "Questioning that makes pupils think",
    "PE and school sport",
    "Music for non-specialists",
    "History through local sources",
    "Geography fieldwork in Winsford",
    "Feedback that moves learning on",
    "Coaching conversations",
    "Mental health first aid",
    "Using teaching assistants well",
]


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _weekday(day, weekday=2):
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _staff(schools):
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


def _event(programme, coordinator, sessions, **fields):
    phases = fields.pop("phases", [])
    roles = fields.pop("roles", [])
    event, _ = Event.objects.update_or_create(
        programme=programme,
        title=fields.pop("title"),
        defaults={
            **fields,
            "audience_phases": join_codes(phases),
            "audience_roles": join_codes(roles),
            "created_by": coordinator,
        },
    )
    if not event.sessions.exists():
        for starts_at, ends_at, host, room, facilitator in sessions:
            Session.objects.create(
                event=event, starts_at=starts_at, ends_at=ends_at, host_school=host, room=room, facilitator=facilitator
            )
    return event


def seed(partnership, accounts):
    if (
        Programme.objects.filter(partnership=partnership).exists()
        and Event.objects.in_partnership(partnership).exists()
    ):
        return
    coordinator, head, teacher = accounts.get("coordinator"), accounts.get("head"), accounts.get("teacher")
    year = academic_year_of(timezone.localdate())
    (_, autumn, autumn_end), (_, spring, _), (_, summer, _) = term_dates(year)
    programme, _ = Programme.objects.get_or_create(
        partnership=partnership,
        academic_year=year,
        defaults={
            "title": "Winsford CPD programme",
            "description": "The partnership's annual programme: joint courses, networks and the whole-town INSET days.",
        },
    )
    schools = list(School.objects.in_partnership(partnership).order_by("name"))
    by_name = {s.name: s for s in schools}
    darnhall = by_name.get("Darnhall Primary School", schools[0])
    grange = by_name.get("Grange Primary School", schools[1])
    high = by_name.get("Winsford High School Federation", schools[-1])
    staff = _staff(list(schools))

    past = _weekday(autumn + timedelta(weeks=3))
    early = _weekday(autumn + timedelta(weeks=1), 3)
    soon = _weekday(timezone.localdate() + timedelta(days=10))
    spring_day = _weekday(spring + timedelta(weeks=3))
    e = {}
    e["phonics"] = _event(
        programme,
        coordinator,
        [(_at(past, 13, 30), _at(past, 16), darnhall, "Hall", "Jo Marsh, English hub")],
        title="Early reading and phonics refresher",
        kind=Event.Kind.COURSE,
        capacity=16,
        per_school_cap=3,
        cost_per_place=Decimal("45.00"),
        phases=["primary"],
        roles=["teachers", "support_staff"],
        staff_may_book=True,
        description="A practical afternoon on keeping phonics teaching sharp in Reception and Key Stage 1.",
    )
    e["dsl"] = _event(
        programme,
        coordinator,
        [(_at(early, 9), _at(early, 12, 30), None, "Training room", "CWAC safeguarding team")],
        title="Designated safeguarding lead refresher",
        kind=Event.Kind.COURSE,
        capacity=20,
        per_school_cap=2,
        cost_per_place=Decimal("40.00"),
        roles=["leaders", "headteachers"],
    )
    e["senco"] = _event(
        programme,
        coordinator,
        [
            (
                _at(_weekday(autumn + timedelta(weeks=5), 1), 13, 30),
                _at(_weekday(autumn + timedelta(weeks=5), 1), 15, 30),
                by_name.get("Hebden Green Community School"),
                "Library",
                "Fiona Lyle",
            ),
            (
                _at(_weekday(spring + timedelta(weeks=5), 1), 13, 30),
                _at(_weekday(spring + timedelta(weeks=5), 1), 15, 30),
                by_name.get("Oaklands School"),
                "Room 4",
                "Fiona Lyle",
            ),
            (
                _at(_weekday(summer + timedelta(weeks=4), 1), 13, 30),
                _at(_weekday(summer + timedelta(weeks=4), 1), 15, 30),
                darnhall,
                "Staff room",
                "Fiona Lyle",
            ),
        ],
        title="Winsford SENCO network",
        kind=Event.Kind.SENCO_NETWORK,
        capacity=20,
        per_school_cap=1,
        payer=Event.Payer.PARTNERSHIP,
        roles=["senco"],
        staff_may_book=True,
        description="Termly network for SENCOs: the SEN review, shared provision maps and joint training.",
    )
    e["adaptive"] = _event(
        programme,
        coordinator,
        [(_at(soon, 13, 30), _at(soon, 16), grange, "Year 5 classroom", "Dr Ruth Kelly")],
        title="Adaptive teaching in mixed-age classes",
        kind=Event.Kind.COURSE,
        capacity=8,
        per_school_cap=2,
        cost_per_place=Decimal("60.00"),
        phases=["primary"],
        roles=["teachers"],
        staff_may_book=True,
    )
    e["maths"] = _event(
        programme,
        coordinator,
        [
            (
                _at(spring_day, 15, 45),
                _at(spring_day, 17, 15),
                by_name.get("Willow Wood Community Primary School"),
                "Hall",
                "NW maths hub",
            )
        ],
        title="Maths mastery network: fractions",
        kind=Event.Kind.NETWORK_WORKSHOP,
        capacity=25,
        payer=Event.Payer.PARTNERSHIP,
        phases=["primary"],
        roles=["teachers"],
        staff_may_book=True,
    )
    ect_day = _weekday(spring + timedelta(weeks=7), 4)
    e["ect"] = _event(
        programme,
        coordinator,
        [(_at(ect_day, 9), _at(ect_day, 15, 30), high, "Sixth form centre", "Winsford teaching school hub")],
        title="Early career teachers' development day",
        kind=Event.Kind.DEVELOPMENT_DAY,
        capacity=30,
        cost_per_place=Decimal("35.00"),
        roles=["teachers"],
    )
    e["shared"] = _event(
        programme,
        coordinator,
        [(_at(spring, 9), _at(spring, 15, 30), high, "Main hall", "Various")],
        title="Shared INSET: trauma-informed practice",
        kind=Event.Kind.SHARED_INSET,
        capacity=200,
        payer=Event.Payer.PARTNERSHIP,
    )
    conf_day = _weekday(summer + timedelta(weeks=6), 4)
    e["conference"] = _event(
        programme,
        coordinator,
        [(_at(conf_day, 9), _at(conf_day, 16), None, "Winsford Lifestyle Centre", "Keynote: Robert Hill")],
        title="Winsford inclusion conference",
        kind=Event.Kind.CONFERENCE,
        capacity=120,
        cost_per_place=Decimal("25.00"),
    )
    leaders = [_weekday(autumn + timedelta(weeks=w), 3) for w in (6, 10)] + [
        _weekday(spring + timedelta(weeks=w), 3) for w in (2, 8)
    ]
    e["leaders"] = _event(
        programme,
        coordinator,
        [(_at(d, 13), _at(d, 16), high, "Boardroom", "Richard Crane") for d in leaders],
        title="Aspiring leaders programme",
        kind=Event.Kind.LEADERSHIP,
        capacity=12,
        per_school_cap=1,
        cost_per_place=Decimal("150.00"),
        roles=["leaders"],
        description="Four afternoons for middle leaders thinking about senior leadership.",
    )
    ta_day = _weekday(spring + timedelta(weeks=1), 1)
    e["ta"] = _event(
        programme,
        coordinator,
        [
            (
                _at(ta_day, 13, 30),
                _at(ta_day, 15, 30),
                by_name.get("Over Hall Community Primary School"),
                "Nurture room",
                "Emotion Coaching UK",
            )
        ],
        title="Emotion coaching for teaching assistants",
        kind=Event.Kind.COURSE,
        capacity=18,
        per_school_cap=3,
        cost_per_place=Decimal("30.00"),
        roles=["support_staff"],
        staff_may_book=True,
    )
    # On the shared INSET day on purpose: the organiser page warns about the clash.
    e["moderation"] = _event(
        programme,
        coordinator,
        [(_at(spring, 13), _at(spring, 15), darnhall, "Year 6 classroom", "Local authority moderators")],
        title="Writing moderation: Year 6",
        kind=Event.Kind.NETWORK_WORKSHOP,
        capacity=15,
        per_school_cap=2,
        phases=["primary"],
        roles=["teachers"],
        payer=Event.Payer.PARTNERSHIP,
    )
    town_day = _weekday(summer + timedelta(weeks=1), 0)
    e["town"] = _event(
        programme,
        coordinator,
        [(_at(town_day, 9), _at(town_day, 15, 30), high, "", "Partnership staff")],
        title="Whole-town INSET day: learning and teaching 3–19",
        kind=Event.Kind.WHOLE_TOWN_INSET,
        capacity=1500,
        payer=Event.Payer.PARTNERSHIP,
        staff_may_book=True,
        description="Every member of staff in the town's fifteen schools, in parallel workshops across the town. Rank your choices.",
    )

    hosts = [s for s in schools if s != high]
    for index, title in enumerate(WORKSHOPS):
        Workshop.objects.get_or_create(
            event=e["town"],
            title=title,
            defaults={
                "capacity": 12 + (index % 4) * 2,
                "per_school_cap": 3,
                "host_school": hosts[index % len(hosts)],
                "room": f"Room {1 + index % 6}",
                "facilitator": f"{FIRST[index % len(FIRST)]} {LAST[index % len(LAST)]}",
            },
        )
    workshops = list(e["town"].workshops.order_by("pk"))
    rng = random.Random(2026)
    teacher_person = Person.objects.filter(user=teacher).first() if teacher else None
    for school_people in staff.values():
        for person in school_people:
            if person == teacher_person:
                continue
            if rng.random() < 0.85:
                picks = rng.sample(workshops[:12], 3) + rng.sample(workshops[12:], 2)
                services.save_choices(
                    event=e["town"], person=person, workshop_ids=[w.pk for w in picks], chosen_by=coordinator
                )
    if teacher_person is not None:
        services.save_choices(
            event=e["town"],
            person=teacher_person,
            workshop_ids=[workshops[10].pk, workshops[1].pk, workshops[14].pk],
            chosen_by=teacher,
        )
    run = services.run_allocation(event=e["town"], run_by=coordinator)
    services.publish_allocation(run=run, published_by=coordinator)

    # Bookings. Darnhall's head books her staff; the demo teacher books some places themselves.
    darnhall_staff = [p for p in staff[darnhall.pk] if p.job_role != "Headteacher"]
    # Round robin over the other schools, so places spread across the town.
    queues = [[p for p in people if p.job_role != "Headteacher"] for sid, people in staff.items() if sid != darnhall.pk]
    others = [queue[i] for i in range(max(map(len, queues))) for queue in queues if i < len(queue)]

    def book(event, person, by):
        if not event.bookings.active().filter(person=person).exists():
            return services.book_place(event_id=event.pk, person=person, booked_by=by)
        return None

    for person in darnhall_staff[:3]:
        book(e["phonics"], person, head)
    for person in others[:9]:
        book(e["phonics"], person, coordinator)
    for person in [p for p in others if p.job_role in ("Phase leader",)][:10] + darnhall_staff[:1]:
        book(e["dsl"], person, coordinator)
    for person in others[:8]:
        book(e["adaptive"], person, coordinator)
    # The course is full: Darnhall's bookings go on the waiting list.
    for person in ([teacher_person] if teacher_person else []) + darnhall_staff[1:3]:
        book(e["adaptive"], person, head)
    for person in [p for p in others if p.job_role == "SENCO"] + [p for p in darnhall_staff if p.job_role == "SENCO"]:
        book(e["senco"], person, coordinator)
    for person in darnhall_staff[:2] + others[10:20]:
        book(e["maths"], person, coordinator)
    for person in [p for p in others if p.job_role == "Phase leader"][:14]:
        book(e["leaders"], person, coordinator)
    for person in [p for p in others if p.job_role == "Teaching assistant"][:20] + [
        p for p in darnhall_staff if p.job_role == "Teaching assistant"
    ]:
        book(e["ta"], person, coordinator)
    if teacher_person is not None:
        book(e["ect"], teacher_person, teacher)
        book(e["maths"], teacher_person, teacher)

    # Past events: the register, feedback and (for the older one) half-term follow-ups.
    rng = random.Random(7)
    comments = [
        "Practical and well paced.",
        "Would like more time on assessment.",
        "Useful ideas I used the next day.",
        "",
    ]
    for key in ("phonics", "dsl"):
        event = e[key]
        for session in event.sessions.all():
            if session.ends_at > timezone.now():
                continue
            confirmed = list(event.bookings.confirmed())
            services.mark_attendance(
                session=session,
                present_ids={b.pk for b in confirmed if rng.random() < 0.9},
                booking_ids=[b.pk for b in confirmed],
                marked_by=coordinator,
            )
        for booking in event.bookings.filter(attendances__present=True).distinct():
            if rng.random() < 0.7:
                Feedback.objects.get_or_create(
                    booking=booking, defaults={"rating": rng.choice([3, 4, 4, 5, 5]), "comments": rng.choice(comments)}
                )
            if key == "dsl":
                follow_up, _ = ImpactFollowUp.objects.get_or_create(booking=booking)
                if rng.random() < 0.6:
                    follow_up.what_changed = rng.choice(
                        [
                            "We rewrote our safeguarding induction for supply staff.",
                            "Record keeping moved to one system; the team checks it weekly.",
                            "I now run a five-minute safeguarding briefing every Monday.",
                        ]
                    )
                    follow_up.answered_at = timezone.now()
                    follow_up.save(update_fields=["what_changed", "answered_at"])
    # A cancellation, so the waiting list has moved once.
    first = e["adaptive"].bookings.confirmed().order_by("created_at").first()
    if first is not None:
        services.cancel_booking(booking_id=first.pk, cancelled_by=coordinator)
    return programme
