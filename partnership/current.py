"""Which partnership the signed-in person is looking at.

Partnership-scoped URLs carry the slug (`/p/<partnership_slug>/...`); views call
`get_partnership` to turn it into a partnership the user may see (404 otherwise). Detail
pages reached by id call `use_partnership` with the object's partnership, so the
navigation follows the person.
"""

from django.http import Http404

from .models import Partnership
from .permissions import granted_partnerships

SESSION_KEY = "current_partnership_id"


def use_partnership(request, partnership) -> None:
    request.partnership = partnership
    if hasattr(request, "session") and request.session.get(SESSION_KEY) != partnership.pk:
        request.session[SESSION_KEY] = partnership.pk


def get_partnership(request, slug: str) -> Partnership:
    # The user's partnerships (with their local authorities) come with the grants: no query.
    partnership = next((p for p in granted_partnerships(request.user).values() if p.slug == slug), None)
    if partnership is None:
        raise Http404("No such partnership.")
    use_partnership(request, partnership)
    return partnership


def current_partnership(request) -> Partnership | None:
    if getattr(request, "partnership", None) is not None:
        return request.partnership
    partnerships = granted_partnerships(request.user)
    if not partnerships:
        return None
    wanted = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    partnership = partnerships[wanted if wanted in partnerships else min(partnerships)]
    request.partnership = partnership
    return partnership
