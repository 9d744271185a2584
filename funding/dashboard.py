from django.db.models import Sum
from django.utils import timezone

from partnership.permissions import school_ids_for

from .balances import pennies, years_summary
from .models import Contribution, FundingYear, Payment
from .rules import can_read_all_funding, can_see_funding


def funding_panel(request, partnership):
    """The current funding year for coordinators and LA officers; a headteacher's own
    school's outstanding contributions; nothing for anyone else."""
    user = request.user
    if not can_see_funding(user, partnership):
        return None
    year = FundingYear.objects.filter(partnership=partnership).containing(timezone.localdate()).first()
    if can_read_all_funding(user, partnership):
        if year is None:
            return {"partnership": partnership, "year": None, "full": True}
        return {"partnership": partnership, "year": year, "summary": years_summary([year.pk])[year.pk], "full": True}
    school_ids = school_ids_for(user, partnership)
    due = (
        Contribution.objects.for_user(user)
        .filter(round__partnership=partnership, school_id__in=school_ids, is_current=True)
        .aggregate(total=Sum("amount"))["total"]
    )
    paid = Payment.objects.filter(
        round__partnership=partnership, round__status="issued", school_id__in=school_ids
    ).aggregate(total=Sum("amount"))["total"]
    due, paid = pennies(due), pennies(paid)
    return {"partnership": partnership, "full": False, "due": due, "paid": paid, "outstanding": due - paid}
