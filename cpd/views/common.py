from django.shortcuts import get_object_or_404
from django.utils import timezone

from partnership.current import use_partnership
from partnership.demo import academic_year_of
from partnership.models import Role
from partnership.permissions import has_role, require, school_ids_for
from schools.models import Person, School

from ..models import Event, Programme
from ..permissions import can_organise


def current_programme(partnership, year: int | None = None):
    """The programme for `year`, else this academic year's, else the latest one."""
    programmes = Programme.objects.filter(partnership=partnership)
    if year is not None:
        return programmes.filter(academic_year=year).first()
    today = academic_year_of(timezone.localdate())
    return programmes.filter(academic_year=today).first() or programmes.order_by("-academic_year").first()


def own_person(user):
    return Person.objects.filter(user=user).select_related("school").first() if user.is_authenticated else None


def staff_of_member_schools(event):
    # The ids as a list (a partnership has tens of schools): under `.exists()` a subquery
    # here makes PostgreSQL scan every person in the country.
    member_schools = list(School.objects.in_partnership(event.programme.partnership).values_list("pk", flat=True))
    return Person.objects.filter(school_id__in=member_schools, kind=Person.Kind.STAFF).select_related("school")


def bookable_people(user, event):
    """Staff the user may book onto the event."""
    partnership = event.programme.partnership
    people = staff_of_member_schools(event)
    if has_role(user, partnership, Role.COORDINATOR):
        return people
    heads_of = school_ids_for(user, partnership)
    if heads_of:
        return people.filter(school_id__in=heads_of)
    if event.staff_may_book:
        return people.filter(user=user)
    return people.none()


def organised_event(request, pk):
    """The event, for its organisers only (404 for outsiders, 403 for other members)."""
    event = get_object_or_404(Event.objects.for_user(request.user).select_related("programme__partnership"), pk=pk)
    use_partnership(request, event.programme.partnership)
    require(can_organise(request.user, event.programme.partnership))
    return event
