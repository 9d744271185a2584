"""Who may do what in CPD. Predicates use only the core permission layer."""

from partnership.models import Role
from partnership.permissions import has_role, school_ids_for


def can_organise(user, partnership) -> bool:
    return has_role(user, partnership, Role.COORDINATOR)


def can_book_for_others(user, partnership) -> bool:
    return has_role(user, partnership, Role.COORDINATOR, Role.HEADTEACHER)


def can_book(user, event, person) -> bool:
    """Coordinators book anyone at a member school; heads book staff of their school; staff
    book themselves when the event allows it."""
    partnership = event.programme.partnership
    if not event.is_booking_open or person.school_id is None:
        return False
    if has_role(user, partnership, Role.COORDINATOR):
        return True
    if person.school_id in school_ids_for(user, partnership):
        return True
    return event.staff_may_book and person.user_id == user.pk and has_role(user, partnership)


def can_cancel(user, booking) -> bool:
    partnership = booking.event.programme.partnership
    return (
        has_role(user, partnership, Role.COORDINATOR)
        or booking.school_id in school_ids_for(user, partnership)
        or (booking.person.user_id == user.pk and booking.event.staff_may_book)
    )


def can_see_school_bookings(user, partnership, school) -> bool:
    return has_role(user, partnership, Role.COORDINATOR) or school.pk in school_ids_for(user, partnership)


def can_get_certificate(user, booking) -> bool:
    partnership = booking.event.programme.partnership
    return (
        booking.person.user_id == user.pk
        or has_role(user, partnership, Role.COORDINATOR)
        or booking.school_id in school_ids_for(user, partnership)
    )


def can_see_impact(user, partnership) -> bool:
    return has_role(user, partnership, Role.COORDINATOR, Role.LA_OFFICER, Role.HEADTEACHER)
