"""Secret links that work without signing in (calendar feeds) are made for a role.

A link records the role its owner held in the partnership when it was made (for a
school's link, the headteacher's role at that school). It works only while the owner's
account is active and they still hold that role there: a coordinator who becomes a staff
member, or a head who moves school, loses the link with the role."""

from .models import Role
from .permissions import forget_grants, roles_in, school_ids_for


def role_for_link(user, partnership, *, school=None) -> str:
    """The role a link made now is made for: the headteacher's for a school's link, else
    the owner's most senior role in the partnership ("" if they hold none)."""
    if school is not None:
        return Role.HEADTEACHER
    held = roles_in(user, partnership)
    return next((role for role in Role.values if role in held), "")


def link_is_live(owner, partnership, role: str, *, school=None) -> bool:
    if not owner.is_active or not role:
        return False
    forget_grants(owner)  # read the grants afresh: a link is served long after the request that made it
    if role not in roles_in(owner, partnership):
        return False
    school_id = getattr(school, "pk", school)
    return school_id is None or school_id in school_ids_for(owner, partnership)
