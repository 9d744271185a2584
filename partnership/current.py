"""Which partnership the signed-in person is looking at.

Partnership-scoped URLs carry the slug (`/p/<partnership_slug>/...`); views call
`get_partnership` to turn it into a partnership the user may see (404 otherwise). Detail
pages reached by id call `use_partnership` with the object's partnership, so the
navigation follows the person.
"""

from django.shortcuts import get_object_or_404

from .models import Partnership
from .permissions import visible_partnership_ids

SESSION_KEY = "current_partnership_id"


def use_partnership(request, partnership) -> None:
    request.partnership = partnership
    if hasattr(request, "session") and request.session.get(SESSION_KEY) != partnership.pk:
        request.session[SESSION_KEY] = partnership.pk


def get_partnership(request, slug: str) -> Partnership:
    partnership = get_object_or_404(
        Partnership.objects.select_related("local_authority"), slug=slug, pk__in=visible_partnership_ids(request.user)
    )
    use_partnership(request, partnership)
    return partnership


def current_partnership(request) -> Partnership | None:
    if getattr(request, "partnership", None) is not None:
        return request.partnership
    ids = visible_partnership_ids(request.user)
    if not ids:
        return None
    wanted = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    partnership = Partnership.objects.select_related("local_authority").get(pk=wanted if wanted in ids else min(ids))
    request.partnership = partnership
    return partnership
