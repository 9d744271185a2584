"""Who may do what with committees. Built only on the core's permission layer.

- clerks and coordinators manage everything;
- insiders of a committee (its current members, and headteachers of its member schools)
  see its papers, its confidential items and the full minutes;
- every other member of the partnership (LA officers, staff, other heads) sees agendas
  and public minutes only: "agendas and non-confidential minutes are open to interested
  parties";
- outsiders get 404 from the scoped querysets.
"""

from partnership.models import Role
from partnership.permissions import has_role, school_ids_for

MANAGERS = (Role.CLERK, Role.COORDINATOR)


def can_manage(user, partnership) -> bool:
    return has_role(user, partnership, *MANAGERS)


def can_read(user, partnership) -> bool:
    return has_role(user, partnership)


def person_id_of(user) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_governance_person_id", "unset")
    if cached == "unset":
        from schools.models import Person

        cached = Person.objects.filter(user=user).values_list("pk", flat=True).first()
        user._governance_person_id = cached
    return cached


def insider_committee_ids(user, partnership) -> set[int]:
    """Committees whose confidential business the user may see (two queries at most)."""
    from .models import Committee, CommitteeMembership

    partnership_id = getattr(partnership, "pk", partnership)
    cache = getattr(user, "_governance_insider", None)
    if cache is None:
        cache = user._governance_insider = {} if getattr(user, "is_authenticated", False) else None
    if cache is not None and partnership_id in cache:
        return cache[partnership_id]
    ids: set[int] = set()
    if can_manage(user, partnership_id):
        ids = set(Committee.objects.filter(partnership_id=partnership_id).values_list("pk", flat=True))
    else:
        heads_of = school_ids_for(user, partnership_id)
        person_id = person_id_of(user)
        if person_id:
            ids |= set(
                CommitteeMembership.objects.current()
                .filter(person_id=person_id, committee__partnership_id=partnership_id)
                .values_list("committee_id", flat=True)
            )
        if heads_of:
            ids |= set(
                Committee.objects.filter(partnership_id=partnership_id, schools__in=heads_of).values_list(
                    "pk", flat=True
                )
            )
    if cache is not None:
        cache[partnership_id] = ids
    return ids


def is_insider(user, committee) -> bool:
    return committee.pk in insider_committee_ids(user, committee.partnership_id)


def can_see_confidential(user, committee) -> bool:
    return is_insider(user, committee)


def can_see_papers(user, committee) -> bool:
    return is_insider(user, committee)


def can_download(user, document) -> bool:
    committee = document.meeting.committee
    if document.is_public:
        return can_read(user, committee.partnership_id)
    return is_insider(user, committee)


def can_update_action(user, action) -> bool:
    partnership_id = action.meeting.committee.partnership_id
    return can_manage(user, partnership_id) or (
        person_id_of(user) is not None and action.owner_id == person_id_of(user)
    )
