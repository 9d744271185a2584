"""The programme, events, organiser and school pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Exists, F, Min, OuterRef, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from partnership.audit import record
from partnership.current import get_partnership, use_partnership
from partnership.inputs import is_plain_number
from partnership.models import Role
from partnership.permissions import has_role, require, school_ids_for
from schools.models import School

from ..forms import EventForm, ProgrammeFilterForm, ProgrammeForm, SessionForm
from ..models import Booking, Charge, Document, Event, Feedback, ImpactFollowUp, Session
from ..permissions import can_book_for_others, can_organise, can_see_impact, can_see_school_bookings
from ..scheduling import warnings_for_session, warnings_for_sessions
from ..services import add_session, save_event
from .common import bookable_people, current_programme, organised_event, own_person


def _filtered_events(partnership, programme, form):
    events = (
        Event.objects.filter(programme=programme)
        .with_counts()
        .select_related("programme")
        .order_by(F("first_starts_at").asc(nulls_last=True), "title")
    )
    if not form.is_valid():
        return events
    data = form.cleaned_data
    if data["month"]:
        events = events.filter(Exists(Session.objects.filter(event=OuterRef("pk"), starts_at__month=data["month"])))
    if data["kind"]:
        events = events.filter(kind=data["kind"])
    if data["phase"]:
        events = events.filter(Q(audience_phases="") | Q(audience_phases__contains=f",{data['phase']},"))
    if data["has_places"]:
        events = events.filter(is_booking_open=True, confirmed_count__lt=F("capacity"))
    return events


@login_required
def programme(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    year = request.GET.get("year")
    chosen = current_programme(partnership, int(year) if year and len(year) == 4 and is_plain_number(year) else None)
    form = ProgrammeFilterForm(request.GET or None)
    page = None
    if chosen is not None:
        page = Paginator(_filtered_events(partnership, chosen, form), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cpd/programme.html",
        {
            "partnership": partnership,
            "programme": chosen,
            "programmes": partnership.cpd_programmes.all(),
            "form": form,
            "page_obj": page,
            "query": query.urlencode(),
            "can_organise": can_organise(request.user, partnership),
            "led_schools": list(
                School.objects.filter(pk__in=school_ids_for(request.user, partnership)).order_by("name").only("name")
            ),
        },
    )


@login_required
def event_detail(request, pk):
    event = get_object_or_404(
        Event.objects.for_user(request.user).with_counts().select_related("programme__partnership"), pk=pk
    )
    partnership = event.programme.partnership
    use_partnership(request, partnership)
    user = request.user
    organiser = can_organise(user, partnership)
    sessions = list(event.sessions.select_related("host_school"))
    bookings = event.bookings.active().select_related("person", "school").order_by("created_at", "pk")
    waiting_ids = list(event.bookings.waitlisted().order_by("created_at", "pk").values_list("pk", flat=True))
    person = own_person(user)
    if not organiser:
        heads_of = school_ids_for(user, partnership)
        bookings = bookings.filter(Q(school_id__in=heads_of) | Q(person__user=user))
    bookings = list(bookings)
    for booking in bookings:
        booking.waiting_position = waiting_ids.index(booking.pk) + 1 if booking.pk in waiting_ids else None
    people = bookable_people(user, event) if event.is_booking_open else None
    from ..forms import BookingForm

    summary = Feedback.objects.filter(booking__event=event).aggregate(average=Avg("rating"), count=Count("pk"))
    context = {
        "event": event,
        "partnership": partnership,
        "sessions": sessions,
        "bookings": bookings,
        "booking_form": BookingForm(people=people) if people is not None and people.exists() else None,
        "can_organise": organiser,
        "feedback": summary,
        # Read here, not in the template: the same queries whether or not feedback has come in.
        "comments": list(
            Feedback.objects.filter(booking__event=event).exclude(comments="").order_by("-submitted_at")[:20]
        )
        if organiser
        else [],
        "warning_list": [w for ws in warnings_for_sessions(partnership, sessions).values() for w in ws]
        if organiser
        else [],
        "sheets": {d.session_id: d for d in Document.objects.filter(session__event=event).order_by("created_at")}
        if organiser
        else {},
        "workshops": event.workshops.annotate(chosen=Count("choices")) if event.is_whole_town_inset else [],
        "own_person": person,
        "can_choose": event.is_whole_town_inset and person is not None and person.school_id is not None,
        "published_run": event.allocation_runs.filter(published_at__isnull=False).first()
        if event.is_whole_town_inset
        else None,
    }
    return render(request, "cpd/event_detail.html", context)


@login_required
def event_create(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(can_organise(request.user, partnership))
    chosen = current_programme(partnership)
    if chosen is None:
        messages.info(request, "Add a programme for the year first.")
        return redirect("cpd:organiser", partnership.slug)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event, _ = save_event(form=form, saved_by=request.user, programme=chosen)
        messages.success(request, f"“{event.title}” added. Now add its sessions.")
        return redirect("cpd:session_add", event.pk)
    return render(request, "cpd/event_form.html", {"form": form, "partnership": partnership, "programme": chosen})


@login_required
def event_edit(request, pk):
    event = organised_event(request, pk)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        event, promoted = save_event(form=form, saved_by=request.user)
        messages.success(request, "Event saved.")
        if promoted:
            messages.info(request, f"{len(promoted)} from the waiting list now have a place.")
        return redirect(event)
    return render(
        request, "cpd/event_form.html", {"form": form, "event": event, "partnership": event.programme.partnership}
    )


@login_required
def session_add(request, pk):
    event = organised_event(request, pk)
    partnership = event.programme.partnership
    form = SessionForm(request.POST or None, schools=School.objects.in_partnership(partnership))
    if request.method == "POST" and form.is_valid():
        session = add_session(event=event, form=form, added_by=request.user)
        messages.success(request, "Session added.")
        for warning in warnings_for_session(session):
            messages.warning(request, f"Check the date: {warning}")
        return redirect(event)
    return render(request, "cpd/session_form.html", {"form": form, "event": event, "partnership": partnership})


@login_required
def organiser(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(can_organise(request.user, partnership))
    form = ProgrammeForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        form.instance.partnership = partnership
        created = form.save()
        record(actor=request.user, verb="cpd.programme.created", target=created, partnership=partnership)
        messages.success(request, f"{created} added.")
        return redirect("cpd:organiser", partnership.slug)
    chosen = current_programme(partnership)
    events = []
    if chosen is not None:
        events = list(
            Event.objects.filter(programme=chosen)
            .with_counts()
            .prefetch_related(Prefetch("sessions", queryset=Session.objects.order_by("starts_at")))
            .order_by(F("first_starts_at").asc(nulls_last=True), "title")
        )
        sessions = [s for e in events for s in e.sessions.all()]
        by_session = warnings_for_sessions(partnership, sessions)
        for event in events:
            event.warnings = [w for s in event.sessions.all() for w in by_session.get(s.pk, [])]
    charges = (
        Charge.objects.live()
        .filter(booking__event__programme=chosen)
        .values("school_id", "school__name")
        .annotate(total=Sum("amount"), places=Count("pk"))
        .order_by("school__name")
        if chosen is not None
        else []
    )
    return render(
        request,
        "cpd/organiser.html",
        {"partnership": partnership, "programme": chosen, "events": events, "form": form, "charges": charges},
    )


@login_required
def my_bookings(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    person = own_person(request.user)
    bookings, placements = [], []
    if person is not None:
        bookings = list(
            Booking.objects.filter(person=person, event__programme__partnership=partnership)
            .select_related("event", "school", "feedback")
            .prefetch_related(
                Prefetch(
                    "documents",
                    queryset=Document.objects.filter(kind=Document.Kind.CERTIFICATE, status=Document.Status.DONE),
                )
            )
            .annotate(
                first_starts_at=Min("event__sessions__starts_at"),
                # Distinct: the sessions join would otherwise count each mark once per session.
                attended=Count("attendances", filter=Q(attendances__present=True), distinct=True),
                session_count=Count("event__sessions", distinct=True),
            )
            .order_by("-created_at")
        )
        now = timezone.now()
        for booking in bookings:
            booking.may_give_feedback = bool(booking.attended) and booking.first_starts_at <= now
            booking.attended_every_session = booking.attended == booking.session_count > 0
        from ..models import Placement

        placements = list(
            Placement.objects.filter(
                person=person, run__published_at__isnull=False, run__event__programme__partnership=partnership
            ).select_related("workshop__host_school", "run__event")
        )
    return render(
        request,
        "cpd/my_bookings.html",
        {"partnership": partnership, "person": person, "bookings": bookings, "placements": placements},
    )


@login_required
def school_bookings(request, partnership_slug, school_pk):
    partnership = get_partnership(request, partnership_slug)
    school = get_object_or_404(School.objects.in_partnership(partnership), pk=school_pk)
    require(can_see_school_bookings(request.user, partnership, school))
    bookings = Paginator(
        Booking.objects.filter(school=school, event__programme__partnership=partnership)
        .select_related("event", "person", "charge")
        .annotate(first_starts_at=Min("event__sessions__starts_at"))
        .order_by("-created_at"),
        50,
    ).get_page(request.GET.get("page"))
    charges = Charge.objects.filter(school=school, booking__event__programme__partnership=partnership).live()
    totals = charges.aggregate(total=Sum("amount"), count=Count("pk"))
    return render(
        request,
        "cpd/school_bookings.html",
        {
            "partnership": partnership,
            "school": school,
            "page_obj": bookings,
            "charge_total": totals["total"] or 0,
            "charge_count": totals["count"],
            "can_book": can_book_for_others(request.user, partnership),
        },
    )


@login_required
def impact(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(can_see_impact(request.user, partnership))
    follow_ups = ImpactFollowUp.objects.filter(booking__event__programme__partnership=partnership)
    if not has_role(request.user, partnership, Role.COORDINATOR, Role.LA_OFFICER):
        follow_ups = follow_ups.filter(booking__school_id__in=school_ids_for(request.user, partnership))
    by_school = list(
        follow_ups.values("booking__school__name")
        .annotate(sent=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by("booking__school__name")
    )
    by_programme = list(
        follow_ups.values("booking__event__programme__title", "booking__event__programme__academic_year")
        .annotate(sent=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by("-booking__event__programme__academic_year")
    )
    answers = Paginator(
        follow_ups.filter(answered_at__isnull=False)
        .select_related("booking__event", "booking__school")
        .order_by("-answered_at"),
        25,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "cpd/impact.html",
        {"partnership": partnership, "by_school": by_school, "by_programme": by_programme, "page_obj": answers},
    )
