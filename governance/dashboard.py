from django.utils import timezone

from partnership.permissions import has_role

from .models import Action, Meeting


def committees_panel(request, partnership):
    if not has_role(request.user, partnership):
        return None
    upcoming = list(
        Meeting.objects.filter(committee__partnership=partnership)
        .upcoming()
        .select_related("committee", "host_school")
        .order_by("starts_at")[:4]
    )
    # The person record is one-to-one with the user: count through it in one query.
    my_open = (
        Action.objects.filter(meeting__committee__partnership=partnership, owner__user=request.user).open().count()
    )
    return {
        "partnership": partnership,
        "upcoming": upcoming,
        "my_open_actions": my_open,
        "today": timezone.localdate(),
    }
