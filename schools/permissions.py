"""Who may do what with schools, people and expertise. Built only on the core's layer.

Schools, people and governing bodies are shared by every partnership a school belongs to,
so the rows have owners beyond any one partnership:
- a school joins a partnership only when the school accepts (its head; where it has no
  head with an account, an LA-wide officer of its local authority or a deployment
  administrator);
- a person's contact details belong to the person, to the head of their school and, while
  no one else relies on the record, to whoever created it;
- a governing body's clerk e-mail belongs to the head of a school it governs, an LA-wide
  officer of that school's local authority and the deployment administrators.
"""

from partnership.models import LocalAuthority, Role, RoleGrant
from partnership.permissions import (
    grants,
    has_role,
    is_deployment_admin,
    is_head_of,
    is_la_wide_officer_of,
    la_wide_authority_ids,
)


def can_manage_schools(user, partnership) -> bool:
    """Propose and remove member schools, import GIAS extracts, edit the partnership's people."""
    return has_role(user, partnership, Role.COORDINATOR)


def coordinates_school(user, school) -> bool:
    """Coordinator of a partnership the school is (or was) a member of."""
    coordinated = {grant.partnership_id for grant in grants(user) if grant.role == Role.COORDINATOR}
    if not coordinated:
        return False
    return any(m.partnership_id in coordinated for m in school.partnership_memberships.all())


def can_edit_school(user, school) -> bool:
    """What the partnership keeps about a member school (its expertise): the partnership's
    coordinators and the school's own head. Not its national record: `can_edit_school_record`."""
    return is_head_of(user, school) or coordinates_school(user, school)


def can_edit_school_record(user, school) -> bool:
    """The school's national record (head's name, address, telephone, e-mail, website), which
    every partnership of the school relies on: the school's own head, an LA-wide officer of
    its local authority, or a deployment administrator. Never a partnership's coordinator."""
    return is_head_of(user, school) or is_deployment_admin(user) or is_la_wide_officer_of_school(user, school)


WHO_EDITS_SCHOOL_RECORD = (
    "The school's national record (head's name, address, telephone, e-mail and website) is shared by "
    "every partnership the school belongs to: only the school's head, an LA-wide officer of its local "
    "authority or a deployment administrator may change it."
)


def can_edit_person(user, person) -> bool:
    """Names, roles and expertise: the person themself and the coordinators and heads of
    their school. Contact details have their own owners: see `can_change_person_contacts`."""
    if person.user_id is not None and person.user_id == getattr(user, "pk", None):
        return True
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


# Schools joining a partnership.
def has_head_account(school) -> bool:
    """Whether someone holds a headteacher grant for the school (in any partnership) on an
    active account."""
    return RoleGrant.objects.filter(
        school=getattr(school, "pk", school), role=Role.HEADTEACHER, user__is_active=True
    ).exists()


def headteacher_refusal(*, partnership, school, email: str) -> str:
    """Why `email` may not be made a headteacher of `school` through `partnership`, or "".

    A head of a school is its head everywhere (contacts, clerk e-mail, join requests, what
    heads read in every partnership), so no one partnership may name one on its own:
    - a school with head accounts (active users with a headteacher grant for it, in any
      partnership) gets another grant only for one of those accounts' e-mails: the same
      person taking the role in another partnership;
    - a school without one gets its first through the only partnership it belongs to (or
      belonged to); a school shared with another partnership gets it from its local
      authority or a deployment administrator (in the Django admin)."""
    partnership_id = getattr(partnership, "pk", partnership)
    heads = list(
        RoleGrant.objects.filter(school=school, role=Role.HEADTEACHER, user__is_active=True).values_list(
            "partnership_id", "user__email"
        )
    )
    if heads:
        if (email or "").strip().lower() in {head_email.lower() for _p, head_email in heads}:
            return ""
        where = " through another partnership" if any(p != partnership_id for p, _e in heads) else ""
        return (
            f"{school.name} already has a headteacher account{where}: invite that person, "
            f"or ask the school's local authority."
        )
    from .models import PartnershipMembership

    if PartnershipMembership.objects.filter(school=school).exclude(partnership_id=partnership_id).exists():
        return (
            f"{school.name} is also a member of another partnership and has no headteacher account yet: "
            f"ask the school's local authority to set one up."
        )
    return ""


def is_la_wide_officer_of_school(user, school) -> bool:
    """An LA-wide officer of the school's local authority (matched by its GIAS LA code)."""
    if not school.la_code or not la_wide_authority_ids(user):
        return False
    authority = LocalAuthority.objects.filter(code=school.la_code).values_list("pk", flat=True).first()
    return authority is not None and is_la_wide_officer_of(user, authority)


def can_decide_join_request(user, join_request) -> bool:
    """The school decides: its head; where it has no head with an account, an LA-wide
    officer of its local authority or a deployment administrator."""
    school = join_request.school
    if is_head_of(user, school):
        return True
    if not (is_deployment_admin(user) or is_la_wide_officer_of_school(user, school)):
        return False
    return not has_head_account(school)


def can_withdraw_join_request(user, join_request) -> bool:
    return can_manage_schools(user, join_request.partnership_id)


# Contact details that receive confidential material.
def _schools_of(person) -> list:
    if person.school is not None:
        return [person.school]
    if person.governing_body_id is not None:
        return list(person.governing_body.schools.all())
    return []


def is_relied_on(person) -> bool:
    """Whether anyone besides the record's creator relies on the person record, so that the
    creator alone may no longer change its contact details. Someone relies on it when:
    - it is linked to a user account (the person has it, and their role grants hang on it);
    - its school (or, for a governor known by their governing body, one of the schools the
      body governs) is or was a member of more than one partnership;
    - any other record points at it: a committee membership, a registered interest, a
      signature, an action, a CPD booking, a survey recipient, a chaired governing body...
      (every relation to Person except its own expertise).
    """
    if person.user_id is not None:
        return True
    for school in _schools_of(person):
        if len({m.partnership_id for m in school.partnership_memberships.all()}) > 1:
            return True
    # Hidden relations (related_name="+") count too: a survey recipient or a CPD place is one.
    relations = [f for f in person._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
    for relation in relations:
        if relation.related_model._meta.label == "schools.Expertise":
            continue
        related = relation.related_model._base_manager.filter(**{relation.field.name: person})
        if related.exists():
            return True
    return False


def can_change_person_contacts(user, person) -> bool:
    """A person's e-mail: the person themself, the head of their school (of a school their
    governing body governs, for a governor known by it alone), or whoever created the record
    while no one else relies on it (`is_relied_on`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if person.user_id is not None and person.user_id == user.pk:
        return True
    if any(is_head_of(user, school) for school in _schools_of(person)):
        return True
    return person.created_by_id is not None and person.created_by_id == user.pk and not is_relied_on(person)


def can_change_clerk_email(user, body) -> bool:
    """A governing body's clerk e-mail: the head of a school it governs, an LA-wide officer
    of that school's local authority, or a deployment administrator."""
    if is_deployment_admin(user):
        return True
    return any(is_head_of(user, school) or is_la_wide_officer_of_school(user, school) for school in body.schools.all())
