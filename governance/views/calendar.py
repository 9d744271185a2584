from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import get_partnership

from .. import services
from ..calendar import build_calendar, is_live
from ..forms import CalendarFeedForm
from ..models import CalendarFeed, Meeting
from .common import show_error


@login_required
def calendar(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    form = CalendarFeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_calendar_feed(owner=request.user, partnership=partnership, scope=form.cleaned_data["scope"])
        except ValidationError as error:
            show_error(request, error)
        else:
            messages.success(request, "Calendar address created. Keep it secret: anyone with it sees the meetings.")
        return redirect("governance:calendar", partnership.slug)
    feeds = CalendarFeed.objects.filter(owner=request.user, partnership=partnership, revoked_at__isnull=True)
    upcoming = (
        Meeting.objects.filter(committee__partnership=partnership)
        .upcoming()
        .select_related("committee", "host_school")
        .order_by("starts_at")[:20]
    )
    return render(
        request,
        "governance/calendar.html",
        {
            "partnership": partnership,
            "form": form,
            "feeds": feeds,
            "upcoming": upcoming,
            "site_url": request.build_absolute_uri("/")[:-1],
        },
    )


@login_required
@require_POST
def calendar_revoke(request, pk):
    feed = get_object_or_404(CalendarFeed.objects.select_related("partnership"), pk=pk, owner=request.user)
    services.revoke_calendar_feed(feed=feed, revoked_by=request.user)
    messages.success(request, "Calendar address revoked: it no longer works.")
    return redirect("governance:calendar", feed.partnership.slug)


def calendar_feed(request, token):
    """No sign-in: calendar apps fetch this address on their own. The token is the secret."""
    feed = CalendarFeed.objects.select_related("owner", "partnership").filter(token=token).first()
    if feed is None or not is_live(feed):
        raise Http404("No such calendar.")
    response = HttpResponse(build_calendar(feed), content_type="text/calendar; charset=utf-8")
    if "download" in request.GET:
        response["Content-Disposition"] = 'attachment; filename="committee-meetings.ics"'
    return response
