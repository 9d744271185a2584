from django.urls import NoReverseMatch, reverse

from .current import current_partnership
from .permissions import roles_in, visible_partnerships
from .registry import registry


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "current_partnership": None}
    partnership = current_partnership(request)
    nav_items = []
    if partnership is not None:
        for item in registry.nav:
            if not item.is_visible(user, partnership):
                continue
            try:
                url = reverse(item.url_name, args=[partnership.slug])
            except NoReverseMatch:
                continue
            path = request.path
            active = path == url or (
                not item.exact and (path.startswith(url) or bool(item.also_under and path.startswith(item.also_under)))
            )
            nav_items.append({"label": item.label, "url": url, "active": active})
    return {
        "current_partnership": partnership,
        "current_roles": sorted(roles_in(user, partnership)) if partnership else [],
        "nav_items": nav_items,
        "other_partnerships": lambda: visible_partnerships(user).exclude(pk=getattr(partnership, "pk", None)),
    }
