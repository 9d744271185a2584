"""The one permission layer. Every view asks these questions and nothing else.

Outsiders get 404 (we do not admit the thing exists): views start from querysets scoped
with `visible_partnerships`. People who may read but not write get 403 from `require`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef

from .models import Partnership, Role, RoleGrant

# Roles that see partnership data only in a session that passed two-factor authentication
# (so do staff, who reach the Django admin, and superusers: see needs_two_factor).
ROLES_NEEDING_TWO_FACTOR = {Role.COORDINATOR, Role.LA_OFFICER}


@dataclass(frozen=True)
class Grant:
    partnership_id: int
    role: str
    school_id: int | None


def grants(user) -> list[Grant]:
    """The user's role grants, loaded once per request and kept on the user object.

    One query brings, with the grants, their partnerships (with local authority), whether
    the user has set up TOTP and whether they hold any LA-wide grant: every signed-in request
    needs them, and reading them per request (never across requests) means a revoked grant
    or removed authenticator counts at once."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_portal_grants", None)
    if cached is None:
        from allauth.mfa.models import Authenticator

        from .models import LocalAuthorityGrant

        totp = Authenticator.objects.filter(user=OuterRef("user"), type=Authenticator.Type.TOTP)
        la_wide = LocalAuthorityGrant.objects.filter(user=OuterRef("user"))
        rows = list(
            RoleGrant.objects.filter(user=user)
            .select_related("partnership__local_authority")
            .annotate(has_totp=Exists(totp), has_la_wide=Exists(la_wide))
            .order_by("pk")
        )
        cached = [Grant(row.partnership_id, row.role, row.school_id) for row in rows]
        user._portal_partnerships = {row.partnership_id: row.partnership for row in rows}
        # Without grants there is no row to bring it: has_totp asks on its own.
        user._portal_has_totp = any(row.has_totp for row in rows) if rows else None
        if rows and not rows[0].has_la_wide and not hasattr(user, "_portal_la_wide"):
            user._portal_la_wide = set()  # known to be none: la_wide_authority_ids need not ask
        user._portal_grants = cached
    return cached


def forget_grants(user) -> None:
    for name in ("_portal_grants", "_portal_partnerships", "_portal_has_totp", "_portal_la_wide"):
        if hasattr(user, name):
            delattr(user, name)


def granted_partnerships(user) -> dict[int, Partnership]:
    """The partnerships the user holds a grant in, by id (loaded with the grants)."""
    grants(user)
    return getattr(user, "_portal_partnerships", {})


def has_totp(user) -> bool:
    """Whether the user has set up TOTP (loaded with the grants; one query of its own for a
    user without grants, such as an administrator)."""
    grants(user)
    if getattr(user, "_portal_has_totp", None) is None and getattr(user, "is_authenticated", False):
        from allauth.mfa.models import Authenticator

        user._portal_has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return bool(getattr(user, "_portal_has_totp", False))


def visible_partnership_ids(user) -> set[int]:
    return {grant.partnership_id for grant in grants(user)}


def visible_partnerships(user):
    return Partnership.objects.filter(pk__in=visible_partnership_ids(user))


def roles_in(user, partnership) -> set[str]:
    partnership_id = getattr(partnership, "pk", partnership)
    return {grant.role for grant in grants(user) if grant.partnership_id == partnership_id}


def has_role(user, partnership, *roles) -> bool:
    """Whether the user holds any of `roles` in the partnership (any role if none given)."""
    held = roles_in(user, partnership)
    return bool(held) if not roles else bool(held.intersection(roles))


def school_ids_for(user, partnership=None, roles=(Role.HEADTEACHER,)) -> set[int]:
    """Schools the user leads (or works at, with roles=(Role.STAFF,)), optionally in one partnership."""
    partnership_id = getattr(partnership, "pk", partnership)
    return {
        grant.school_id
        for grant in grants(user)
        if grant.school_id
        and grant.role in roles
        and (partnership_id is None or grant.partnership_id == partnership_id)
    }


def is_head_of(user, school) -> bool:
    school_id = getattr(school, "pk", school)
    return school_id in school_ids_for(user)


def needs_two_factor(user) -> bool:
    """Coordinators, LA officers (LA-wide officers too, before their authority has a
    partnership: they import GIAS), staff (who reach the Django admin) and superusers. Demo
    accounts, whose password is public, are exempt only on a development machine (DEBUG):
    elsewhere they cannot sign in at all (partnership/backends.py)."""
    if not getattr(user, "is_authenticated", False) or (user.is_demo and settings.DEBUG):
        return False
    if user.is_staff or user.is_superuser:
        return True
    if any(grant.role in ROLES_NEEDING_TWO_FACTOR for grant in grants(user)):
        return True
    # Asked last: for a user with grants the grants query already said whether they hold an
    # LA-wide grant, so only a user without any grant pays one query (kept for the request).
    return bool(la_wide_authority_ids(user))


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# Termly reports go to the people who answer for the partnership: LA officers, coordinators,
# clerks (who send papers to the governing bodies) and headteachers. Staff do not read them.
REPORT_READER_ROLES = {Role.COORDINATOR, Role.LA_OFFICER, Role.CLERK, Role.HEADTEACHER}


def can_read_reports(user, partnership) -> bool:
    return has_role(user, partnership, *REPORT_READER_ROLES)


def can_generate_reports(user, partnership) -> bool:
    return has_role(user, partnership, Role.COORDINATOR)


# Predicates about partnerships themselves.
def can_manage_partnership(user, partnership) -> bool:
    return has_role(user, partnership, Role.COORDINATOR)


def can_invite(user, partnership) -> bool:
    return has_role(user, partnership, Role.COORDINATOR)


# Shared records (schools, people, governing bodies) are owned beyond any one partnership:
# these two answer for the deployment and for a local authority as a whole.
def is_deployment_admin(user) -> bool:
    """A deployment administrator: a superuser of this deployment."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def la_wide_authority_ids(user) -> set[int]:
    """The local authorities the user is an LA-wide officer of (read once per request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_portal_la_wide", None)
    if cached is None:
        from .models import LocalAuthorityGrant

        cached = set(LocalAuthorityGrant.objects.filter(user=user).values_list("local_authority_id", flat=True))
        user._portal_la_wide = cached
    return cached


def is_la_wide_officer_of(user, local_authority) -> bool:
    return getattr(local_authority, "pk", local_authority) in la_wide_authority_ids(user)
