from django.utils import timezone

from partnership.permissions import has_role

from .models import Action, Meeting
from .permissions import person_id_of


def committees_panel(request, partnership):
    if not has_role(request.user, partnership):
        return None
    upcoming = list(
        Meeting.objects.filter(committee__partnership=partnership)
        .upcoming()
        .select_related("committee", "host_school")
        .order_by("starts_at")[:4]
    )
    person_id = person_id_of(request.user)
    my_open = (
        Action.objects.filter(meeting__committee__partnership=partnership, owner_id=person_id).open().count()
        if person_id
        else 0
    )
    return {
        "partnership": partnership,
        "upcoming": upcoming,
        "my_open_actions": my_open,
        "today": timezone.localdate(),
    }
