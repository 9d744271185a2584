"""The demo programme's events, sessions and whole-town INSET workshops."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from ..models import Event, Session, Workshop, join_codes
from .people import FIRST, LAST

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


def build_events(programme, coordinator, schools, terms) -> dict:
    """A dozen events across the year, keyed by a short name."""
    (_, autumn, _), (_, spring, _), (_, summer, _) = terms
    by_name = {s.name: s for s in schools}
    darnhall = by_name.get("Darnhall Primary School", schools[0])
    grange = by_name.get("Grange Primary School", schools[1])
    high = by_name.get("Winsford High School Federation", schools[-1])
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
        staff_may_book=False,  # the headteacher names the school's safeguarding lead
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
        staff_may_book=False,  # one place a school: the headteacher nominates
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
    return e
