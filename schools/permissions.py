"""Who may do what with schools, people and expertise. Built only on the core's layer."""

from partnership.models import Role
from partnership.permissions import grants, has_role, is_head_of


def can_manage_schools(user, partnership) -> bool:
    """Add and remove member schools, import GIAS extracts, edit any school or person."""
    return has_role(user, partnership, Role.COORDINATOR)


def coordinates_school(user, school) -> bool:
    """Coordinator of a partnership the school is (or was) a member of."""
    coordinated = {grant.partnership_id for grant in grants(user) if grant.role == Role.COORDINATOR}
    if not coordinated:
        return False
    return any(m.partnership_id in coordinated for m in school.partnership_memberships.all())


def can_edit_school(user, school) -> bool:
    """Contacts and expertise: the partnership's coordinators and the school's own head."""
    return is_head_of(user, school) or coordinates_school(user, school)


def can_edit_person(user, person) -> bool:
    if person.partnership_id and has_role(user, person.partnership_id, Role.COORDINATOR):
        return True
    if person.school is None and person.governing_body_id is not None:
        # A governor known by their governing body alone: any school it governs will do.
        schools = person.governing_body.schools.prefetch_related("partnership_memberships")  # two queries in all
        return any(can_edit_school(user, school) for school in schools)
    return person.school is not None and can_edit_school(user, person.school)
