"""Permission matrix rows for every CPD URL."""

from datetime import timedelta

from django.utils import timezone

from partnership.tests.matrix import Case, members_read, only, statuses


def _programme(world):
    from partnership.demo import academic_year_of

    from .factories import ProgrammeFactory

    return ProgrammeFactory(partnership=world.partnership, academic_year=academic_year_of(timezone.localdate()))


def _event(world, **fields):
    from .factories import EventFactory, SessionFactory

    event = EventFactory(programme=_programme(world), **fields)
    SessionFactory(event=event)
    return event


def _staff_person(world):
    from schools.models import Person
    from schools.tests.factories import PersonFactory

    user = world.user("staff")
    return Person.objects.filter(user=user).first() or PersonFactory(school=world.school, user=user, email=user.email)


def _colleague(world):
    from schools.tests.factories import PersonFactory

    return PersonFactory(school=world.school)


def _funded_event_id(world):
    from datetime import date

    from funding.models import FundingYear
    from funding.tests.factories import FundingYearFactory

    if not FundingYear.objects.filter(partnership=world.partnership, start=date(2026, 4, 1)).exists():
        FundingYearFactory(partnership=world.partnership)
    return [_event(world).pk]


def _event_cost(world):
    from datetime import date
    from decimal import Decimal

    from cpd.costs import add_event_cost
    from cpd.models import Event

    event = Event.objects.get(pk=_funded_event_id(world)[0])
    cost = add_event_cost(
        event=event,
        kind="venue",
        description="Hall hire",
        amount=Decimal("120.00"),
        spent_on=date(2026, 10, 1),
        actor=world.user("coordinator"),
    )
    return [cost.pk]


def _cost_data(world):
    return {"kind": "facilitator", "description": "Speaker", "amount": "250.00", "spent_on": "2026-10-01"}


def _slug(world):
    return [world.partnership.slug]


def _school(world):
    return [world.partnership.slug, world.school.pk]


def _event_id(world):
    return [_event(world).pk]


def _session_id(world):
    return [_event(world).sessions.first().pk]


def _booking(world, person=None, **event_fields):
    from .factories import BookingFactory

    return BookingFactory(event=_event(world, **event_fields), person=person or _colleague(world))


def _attended_booking(world):
    from cpd.models import Attendance

    booking = _booking(world, person=_staff_person(world))
    # A register is kept once the session has begun: this one started an hour ago.
    session = booking.event.sessions.first()
    session.starts_at = timezone.now() - timedelta(hours=1)
    session.ends_at = session.starts_at + timedelta(hours=2)
    session.save(update_fields=["starts_at", "ends_at"])
    Attendance.objects.create(booking=booking, session=session, present=True)
    return booking


def _inset_id(world):
    from cpd.models import Event

    from .factories import WorkshopFactory

    event = _event(world, kind=Event.Kind.WHOLE_TOWN_INSET)
    WorkshopFactory(event=event)
    _staff_person(world)
    return [event.pk]


def _allocation_run(world):
    from cpd.services import run_allocation

    event_id = _inset_id(world)[0]
    from cpd.models import Event

    return [run_allocation(event=Event.objects.get(pk=event_id), run_by=world.user("coordinator")).pk]


def _certificate(world):
    from cpd.models import Document
    from partnership.pdf import save_private_file

    booking = _attended_booking(world)
    name, sha, size = save_private_file("cpd/test.pdf", b"%PDF-1.7 test")
    return [
        Document.objects.create(
            kind=Document.Kind.CERTIFICATE,
            booking=booking,
            status=Document.Status.DONE,
            stored_name=name,
            sha256=sha,
            size=size,
        ).pk
    ]


def _feed(world):
    from cpd.models import CalendarFeed

    return CalendarFeed.objects.create(
        programme=_programme(world),
        scope=CalendarFeed.Scope.PERSON,
        person=_staff_person(world),
        owner=world.user("staff"),
        role="staff",
    )


def _follow_up(world):
    from cpd.models import ImpactFollowUp

    return [ImpactFollowUp.objects.create(booking=_attended_booking(world)).token]


def _new_event_data(world):
    _programme(world)
    return {"kind": "course", "title": "New course", "capacity": "12", "cost_per_place": "20.00", "payer": "school"}


CASES = [
    Case("cpd:programme", members_read(), args=_slug),
    Case("cpd:my_bookings", members_read(), args=_slug),
    Case("cpd:school_bookings", only("head", "coordinator"), args=_school),
    Case("cpd:organiser", only("coordinator"), args=_slug),
    Case(
        "cpd:organiser",
        only("coordinator", ok=302),
        args=_slug,
        method="post",
        data=lambda world: {"academic_year": "2031", "title": "Programme 2031/32"},
        label="add-programme",
    ),
    Case("cpd:event_create", only("coordinator"), args=lambda world: [_programme(world).partnership.slug]),
    Case(
        "cpd:event_create", only("coordinator", ok=302), args=_slug, method="post", data=_new_event_data, label="save"
    ),
    Case("cpd:impact", only("head", "other_head", "la_officer", "coordinator"), args=_slug),
    Case("cpd:feeds", members_read(), args=_slug),
    Case(
        "cpd:feeds",
        statuses(302, outsider=404),
        args=lambda world: [_programme(world).partnership.slug],
        method="post",
        data=lambda world: {"scope": "programme"},
        label="make-link",
    ),
    Case("cpd:event_detail", members_read(), args=_event_id),
    Case("cpd:event_edit", only("coordinator"), args=_event_id),
    Case("cpd:event_costs", only("coordinator"), args=_event_id),
    Case(
        "cpd:event_costs",
        only("coordinator", ok=302),
        args=_funded_event_id,
        method="post",
        data=_cost_data,
        label="add",
    ),
    Case("cpd:event_cost_remove", only("coordinator", ok=302), args=_event_cost, method="post"),
    Case("cpd:session_add", only("coordinator"), args=_event_id),
    Case(
        "cpd:book",
        only("head", "coordinator", ok=302),
        args=lambda world: [_event(world).pk],
        method="post",
        data=lambda world: {"person": _colleague(world).pk},
        label="for-staff",
    ),
    Case(
        "cpd:book",
        only("staff", "head", "coordinator", ok=302),
        args=lambda world: [_event(world, staff_may_book=True).pk],
        method="post",
        data=lambda world: {"person": _staff_person(world).pk},
        label="own-place",
    ),
    Case("cpd:cancel", only("head", "coordinator", ok=302), args=lambda world: [_booking(world).pk], method="post"),
    Case("cpd:attendees_csv", only("coordinator"), args=_event_id),
    Case("cpd:choices", only("staff"), args=_inset_id),
    Case("cpd:allocation", only("coordinator"), args=_inset_id),
    Case("cpd:allocation", only("coordinator", ok=302), args=_inset_id, method="post", label="run"),
    Case("cpd:allocation_publish", only("coordinator", ok=302), args=_allocation_run, method="post"),
    Case("cpd:allocation_status", only("coordinator", ok=302), args=_allocation_run),
    Case("cpd:feedback", only("staff"), args=lambda world: [_attended_booking(world).pk]),
    Case(
        "cpd:certificate",
        only("staff", "head", "coordinator", ok=302),
        args=lambda world: [_attended_booking(world).pk],
        method="post",
    ),
    Case("cpd:register", only("coordinator"), args=_session_id),
    Case("cpd:register", only("coordinator", ok=302), args=_session_id, method="post", label="save"),
    Case("cpd:sign_in_sheet", only("coordinator", ok=302), args=_session_id, method="post"),
    Case("cpd:document_download", only("staff", "head", "coordinator"), args=_certificate),
    Case("cpd:feed_revoke", only("staff", "coordinator", ok=302), args=lambda world: [_feed(world).pk], method="post"),
    # Calendar apps and e-mailed links cannot sign in: the token is the secret.
    Case("cpd:feed", statuses(200), args=lambda world: [_feed(world).token]),
    Case("cpd:follow_up", statuses(200), args=_follow_up),
]
