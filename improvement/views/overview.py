from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from partnership.current import get_partnership

from .. import rules
from ..models import NewsItem, PeerReviewRound, Plan, SupportAgreement


@login_required
def overview(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    user = request.user
    return render(
        request,
        "improvement/overview.html",
        {
            "partnership": partnership,
            "plans": Plan.objects.filter(partnership=partnership)[:3],
            "rounds": PeerReviewRound.objects.filter(partnership=partnership)[:3],
            "news": NewsItem.objects.filter(partnership=partnership)[:3],
            "active_agreements": SupportAgreement.objects.filter(
                partnership=partnership, status=SupportAgreement.Status.ACTIVE
            ).count()
            if rules.reads_everything(user, partnership)
            else None,
            "reads_everything": rules.reads_everything(user, partnership),
            "is_coordinator": rules.is_coordinator(user, partnership),
            "is_head": bool(rules.school_ids_led(user, partnership)),
        },
    )
