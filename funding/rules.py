"""Who may do what with the partnership's money. Uses only the core permission layer."""

from partnership.models import Role
from partnership.permissions import has_role, is_head_of


def can_manage_funding(user, partnership) -> bool:
    return has_role(user, partnership, Role.COORDINATOR)


def can_read_all_funding(user, partnership) -> bool:
    """Every school's figures, the budget and spending: coordinators and LA officers (read-only)."""
    return has_role(user, partnership, Role.COORDINATOR, Role.LA_OFFICER)


def can_see_funding(user, partnership) -> bool:
    """The funding pages at all: headteachers see their own school's statements."""
    return has_role(user, partnership, Role.COORDINATOR, Role.LA_OFFICER, Role.HEADTEACHER)


def can_confirm(user, contribution) -> bool:
    return is_head_of(user, contribution.school_id)


def can_request_statement(user, contribution) -> bool:
    return can_manage_funding(user, contribution.round.partnership_id) or is_head_of(user, contribution.school_id)
