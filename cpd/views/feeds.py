"""Calendar feeds: managed by signed-in people, read by calendar apps with the secret URL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import get_partnership, use_partnership
from partnership.links import link_is_live
from partnership.permissions import require, school_ids_for
from schools.models import School

from ..forms import FeedForm
from ..ical import build_calendar
from ..models import CalendarFeed
from ..permissions import can_organise
from ..services import create_feed, revoke_feed
from .common import current_programme, own_person


def _scopes(user, partnership, person) -> list[str]:
    scopes = []
    if person is not None:
        scopes.append(CalendarFeed.Scope.PERSON)
    if school_ids_for(user, partnership):
        scopes.append(CalendarFeed.Scope.SCHOOL)
    scopes.append(CalendarFeed.Scope.PROGRAMME)
    return scopes


@login_required
def feeds(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    programme = current_programme(partnership)
    person = own_person(request.user)
    led = School.objects.filter(pk__in=school_ids_for(request.user, partnership)).order_by("name")
    form = FeedForm(request.POST or None, scopes=_scopes(request.user, partnership, person), schools=led)
    if request.method == "POST":
        if programme is None:
            messages.error(request, "There is no programme yet.")
            return redirect("cpd:feeds", partnership.slug)
        if form.is_valid():
            scope = form.cleaned_data["scope"]
            school = form.cleaned_data["school"]
            create_feed(
                programme=programme,
                scope=scope,
                owner=request.user,
                person=person if scope == CalendarFeed.Scope.PERSON else None,
                school=school,
            )
            messages.success(request, "Calendar link made. Copy it into your calendar app.")
            return redirect("cpd:feeds", partnership.slug)
    mine = CalendarFeed.objects.filter(owner=request.user, programme__partnership=partnership).select_related(
        "programme", "school"
    )
    return render(
        request,
        "cpd/feeds.html",
        {"partnership": partnership, "programme": programme, "form": form, "feeds": mine},
    )


@login_required
@require_POST
def feed_revoke(request, pk):
    feed = get_object_or_404(CalendarFeed.objects.select_related("programme__partnership"), pk=pk)
    partnership = feed.programme.partnership
    if partnership.pk not in {p.pk for p in type(partnership).objects.for_user(request.user)}:
        raise Http404
    use_partnership(request, partnership)
    require(feed.owner_id == request.user.pk or can_organise(request.user, partnership))
    revoke_feed(feed=feed, revoked_by=request.user)
    messages.success(request, "Calendar link revoked: calendar apps using it get nothing more.")
    return redirect("cpd:feeds", partnership.slug)


def feed(request, token):
    feed = get_object_or_404(
        CalendarFeed.objects.live().select_related("programme__partnership", "person", "school", "owner"), token=token
    )
    # A link outlives nobody's access: it stops working once its owner is deactivated or no
    # longer holds the role it was made for (for a school's link, head of that school).
    school = feed.school_id if feed.scope == CalendarFeed.Scope.SCHOOL else None
    if not link_is_live(feed.owner, feed.programme.partnership, feed.role, school=school):
        raise Http404
    response = HttpResponse(build_calendar(feed), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cpd.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
