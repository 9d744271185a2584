from partnership.current import use_partnership
from partnership.models import Partnership
from partnership.permissions import visible_partnership_ids

from ..models import School


def use_partnership_of(request, memberships):
    """School pages are reached by id: follow the partnership the person is looking at if
    the school is in it, else the first of the school's partnerships they can see."""
    visible = visible_partnership_ids(request.user)
    ids = [m.partnership_id for m in memberships if m.partnership_id in visible]
    if not ids:
        return None
    wanted = getattr(request, "session", {}).get("current_partnership_id")
    chosen = wanted if wanted in ids else ids[0]
    partnership = next((m.partnership for m in memberships if m.partnership_id == chosen), None)
    if partnership is None:
        partnership = Partnership.objects.select_related("local_authority").get(pk=chosen)
    use_partnership(request, partnership)
    return partnership


def query_without(request, *names) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def with_visibility(user, schools) -> list:
    """The schools as a list, each with `visible`: whether the user may open its page (a
    federation can govern schools of partnerships the user is not in; those are named but
    not linked)."""
    schools = list(schools)
    visible = set(School.objects.for_user(user).filter(pk__in=[s.pk for s in schools]).values_list("pk", flat=True))
    for school in schools:
        school.visible = school.pk in visible
    return schools
