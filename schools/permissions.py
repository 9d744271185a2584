"""Who may do what with schools, people and expertise. Built only on the core's layer."""

from partnership.models import Role
from partnership.permissions import grants, has_role, is_deployment_admin, is_head_of, la_wide_authority_ids


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


# GIAS is national data: importing it writes schools every partnership relies on, so no
# partnership role may do it. A deployment administrator imports every row; an LA-wide
# officer only the schools of their own local authorities.
def gias_import_scope(user) -> frozenset[str] | None:
    """The LA codes whose schools the user's GIAS import may write: None for every school
    (a deployment administrator), an empty set for someone who may not import at all."""
    if is_deployment_admin(user):
        return None
    authority_ids = la_wide_authority_ids(user)
    if not authority_ids:
        return frozenset()
    from partnership.models import LocalAuthority

    return frozenset(LocalAuthority.objects.filter(pk__in=authority_ids).values_list("code", flat=True))


def can_import_gias(user) -> bool:
    return is_deployment_admin(user) or bool(la_wide_authority_ids(user))


def shows_gias_imports_link(user) -> bool:
    """The navigation link, asked on every page: an LA-wide officer holds an LA officer grant
    in each partnership of their authority, so only LA officers cost a query."""
    if is_deployment_admin(user):
        return True
    return any(grant.role == Role.LA_OFFICER for grant in grants(user)) and can_import_gias(user)
