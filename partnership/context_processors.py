from django.urls import NoReverseMatch, reverse

from .current import current_partnership
from .permissions import granted_partnerships, roles_in
from .registry import registry


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "deployment_nav_items": [], "current_partnership": None}
    partnership = current_partnership(request)
    # A page that renders several templates with the request (the dashboard renders one per
    # panel) builds the navigation once, not once per template.
    key = (request.path, getattr(partnership, "pk", None))
    memo = getattr(request, "_portal_nav_memo", None)
    if memo is not None and memo[0] == key:
        return memo[1]
    context = _portal_context(request, user, partnership)
    request._portal_nav_memo = (key, context)
    return context


def _portal_context(request, user, partnership) -> dict:
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
    deployment_nav_items = [
        {"label": item.label, "url": reverse(item.url_name), "active": request.path.startswith(reverse(item.url_name))}
        for item in registry.deployment_nav
        if item.is_visible(user)
    ]
    return {
        "deployment_nav_items": deployment_nav_items,
        "current_partnership": partnership,
        "current_roles": sorted(roles_in(user, partnership)) if partnership else [],
        "nav_items": nav_items,
        # Loaded with the grants: no query for the "Switch partnership" menu.
        "other_partnerships": sorted(
            (p for p in granted_partnerships(user).values() if p.pk != getattr(partnership, "pk", None)),
            key=lambda p: (p.name, p.pk),
        ),
    }
