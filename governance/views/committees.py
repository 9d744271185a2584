from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Min, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from partnership.current import get_partnership
from partnership.models import Term
from partnership.once import once
from partnership.permissions import require

from .. import services
from ..forms import CommitteeForm, InterestForm, MembershipForm, ResolutionForm, ReviewForm, TermsOfReferenceForm
from ..models import Attendance, Committee, CommitteeMembership, InterestEntry, Meeting, ResolutionVote
from ..permissions import can_manage, insider_committee_ids
from .common import add_errors, committee_for, show_error


def _with_term_activity(committees, term):
    now = timezone.now()
    held = Q(meetings__status=Meeting.Status.HELD)
    if term is None:  # no term dates: nothing can be counted "this term"
        held &= Q(pk__in=[])
    else:
        held &= Q(meetings__starts_at__date__gte=term.start, meetings__starts_at__date__lte=term.end)
    return committees.annotate(
        held_this_term=Count("meetings", filter=held, distinct=True),
        next_meeting_at=Min(
            "meetings__starts_at",
            filter=Q(meetings__starts_at__gte=now) & ~Q(meetings__status=Meeting.Status.CANCELLED),
        ),
        member_count=Count(
            "memberships",
            filter=Q(memberships__start_on__lte=timezone.localdate())
            & (Q(memberships__end_on__isnull=True) | Q(memberships__end_on__gte=timezone.localdate())),
            distinct=True,
        ),
    )


@login_required
def committee_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    term = Term.current_for(partnership)
    committees = _with_term_activity(Committee.objects.filter(partnership=partnership), term).order_by("name")
    mine = insider_committee_ids(request.user, partnership)
    return render(
        request,
        "governance/committee_list.html",
        {
            "partnership": partnership,
            "term": term,
            "committees": committees,
            "mine": mine,
            "can_manage": can_manage(request.user, partnership),
        },
    )


@login_required
def committee_create(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(can_manage(request.user, partnership))
    form = CommitteeForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "schools"}
        try:
            committee = services.create_committee(
                partnership=partnership, created_by=request.user, schools=list(form.cleaned_data["schools"]), **fields
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{committee} created.")
            return redirect(committee)
    return render(request, "governance/committee_form.html", {"partnership": partnership, "form": form})


@login_required
def committee_edit(request, pk):
    committee = committee_for(request, pk)
    require(can_manage(request.user, committee.partnership))
    form = CommitteeForm(request.POST or None, instance=committee, partnership=committee.partnership)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "schools"}
        try:
            services.update_committee(
                committee=committee, updated_by=request.user, schools=list(form.cleaned_data["schools"]), **fields
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Committee updated.")
            return redirect(committee)
    return render(
        request,
        "governance/committee_form.html",
        {"partnership": committee.partnership, "form": form, "committee": committee},
    )


@login_required
def committee_detail(request, pk):
    committee = committee_for(request, pk)
    manager = can_manage(request.user, committee.partnership)
    terms_form, review_form = TermsOfReferenceForm(), ReviewForm()
    if request.method == "POST":
        require(manager)
        try:
            if request.POST.get("action") == "review":
                review_form = ReviewForm(request.POST)
                if review_form.is_valid():
                    services.record_review(committee=committee, reviewed_by=request.user, **review_form.cleaned_data)
                    messages.success(request, "Annual review recorded.")
                    return redirect(committee)
            else:
                terms_form = TermsOfReferenceForm(request.POST)
                if terms_form.is_valid():
                    terms = services.add_terms_of_reference(
                        committee=committee, added_by=request.user, **terms_form.cleaned_data
                    )
                    messages.success(request, f"Terms of reference version {terms.version} added.")
                    return redirect(committee)
        except ValidationError as error:
            add_errors(terms_form if request.POST.get("action") != "review" else review_form, error)
    term = Term.current_for(committee.partnership)
    annotated = _with_term_activity(Committee.objects.filter(pk=committee.pk), term).get()
    resolution = getattr(committee, "resolution", None) if hasattr(committee, "resolution") else None
    return render(
        request,
        "governance/committee_detail.html",
        {
            "partnership": committee.partnership,
            "committee": annotated,
            "term": term,
            "terms_versions": list(committee.terms_of_reference.all()),
            "schools": committee.schools.select_related("governing_body").order_by("name"),
            "members": CommitteeMembership.objects.current()
            .filter(committee=committee)
            .select_related("person", "school"),
            "meetings": committee.meetings.select_related("host_school").order_by("-starts_at")[:20],
            "resolution": resolution,
            "resolution_votes": resolution.votes.select_related("governing_body") if resolution else [],
            "can_manage": manager,
            "terms_form": terms_form,
            "review_form": review_form,
            "sub_committees": committee.sub_committees.all(),
        },
    )


def _register_people(committee):
    from schools.models import Person

    ids = CommitteeMembership.objects.filter(committee=committee).values("person_id")
    return Person.objects.filter(pk__in=ids).order_by("last_name", "first_name")


@login_required
def committee_members(request, pk):
    committee = committee_for(request, pk)
    manager = can_manage(request.user, committee.partnership)
    member_form = MembershipForm(committee=committee)
    interest_form = InterestForm(people=_register_people(committee))
    if request.method == "POST":
        require(manager)
        if request.POST.get("action") == "interest":
            interest_form = InterestForm(request.POST, people=_register_people(committee))
            if interest_form.is_valid():
                services.add_interest(added_by=request.user, **interest_form.cleaned_data)
                messages.success(request, "Interest added to the register.")
                return redirect("governance:committee_members", committee.pk)
        else:
            member_form = MembershipForm(request.POST, committee=committee)
            if member_form.is_valid():
                try:
                    membership = services.appoint_member(
                        committee=committee, appointed_by=request.user, **member_form.cleaned_data
                    )
                except ValidationError as error:
                    add_errors(member_form, error)
                else:
                    messages.success(
                        request, f"{membership.person} appointed as {membership.get_role_display().lower()}."
                    )
                    return redirect("governance:committee_members", committee.pk)
    memberships = committee.memberships.select_related("person", "school").order_by(
        "-end_on", "person__last_name", "person__first_name"
    )
    interests = InterestEntry.objects.filter(person__in=_register_people(committee)).select_related("person")
    today = timezone.localdate()
    return render(
        request,
        "governance/committee_members.html",
        {
            "partnership": committee.partnership,
            "committee": committee,
            "current": [m for m in memberships if m.start_on <= today and (m.end_on is None or m.end_on >= today)],
            "former": [m for m in memberships if not (m.start_on <= today and (m.end_on is None or m.end_on >= today))],
            "interests": interests,
            "can_manage": manager,
            "member_form": member_form,
            "interest_form": interest_form,
            "today": today,
        },
    )


@login_required
@require_POST
def membership_end(request, pk):
    membership = get_object_or_404(
        CommitteeMembership.objects.filter(committee__in=Committee.objects.for_user(request.user)).select_related(
            "committee__partnership", "person"
        ),
        pk=pk,
    )
    require(can_manage(request.user, membership.committee.partnership))
    from ..forms import membership_end_form_valid

    try:
        end_on = membership_end_form_valid(request.POST.get("end_on") or timezone.localdate().isoformat())
        services.end_membership(membership=membership, end_on=end_on, ended_by=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, f"{membership.person}'s membership ends on {end_on:%-d %B %Y}.")
    return redirect("governance:committee_members", membership.committee_id)


@login_required
@once
def committee_resolution(request, pk):
    committee = committee_for(request, pk)
    require(can_manage(request.user, committee.partnership))
    bodies = []
    for school in committee.schools.select_related("governing_body").order_by("name"):
        if school.governing_body_id and school.governing_body not in bodies:
            bodies.append(school.governing_body)
    resolution = getattr(committee, "resolution", None) if hasattr(committee, "resolution") else None
    initial = {}
    if resolution:
        initial = {"text": resolution.text, "proposed_on": resolution.proposed_on}
        for vote in resolution.votes.all():
            initial[f"outcome_{vote.governing_body_id}"] = vote.outcome
            initial[f"voted_on_{vote.governing_body_id}"] = vote.voted_on
    form = ResolutionForm(request.POST or None, bodies=bodies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_resolution(
                committee=committee,
                text=form.cleaned_data["text"],
                proposed_on=form.cleaned_data["proposed_on"],
                votes=form.votes(),
                recorded_by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Resolution and governing body votes saved.")
            return redirect(committee)
    rows = [(body, form[f"outcome_{body.pk}"], form[f"voted_on_{body.pk}"]) for body in bodies]
    return render(
        request,
        "governance/committee_resolution.html",
        {
            "partnership": committee.partnership,
            "committee": committee,
            "form": form,
            "rows": rows,
            "outcomes": ResolutionVote.Outcome,
        },
    )


@login_required
def committee_attendance(request, pk):
    """Attendance per member across the committee's held meetings: two queries."""
    committee = committee_for(request, pk)
    held = committee.meetings.filter(status=Meeting.Status.HELD).count()
    stats = (
        CommitteeMembership.objects.filter(committee=committee)
        .select_related("person", "school")
        .annotate(
            present=Count("attendance", filter=Q(attendance__status=Attendance.Status.PRESENT)),
            apologies=Count("attendance", filter=Q(attendance__status=Attendance.Status.APOLOGIES)),
            absent=Count("attendance", filter=Q(attendance__status=Attendance.Status.ABSENT)),
        )
        .order_by("person__last_name", "person__first_name")
    )
    rows = []
    for member in stats:
        recorded = member.present + member.apologies + member.absent
        rows.append({"member": member, "recorded": recorded, "rate": (member.present / recorded) if recorded else None})
    return render(
        request,
        "governance/committee_attendance.html",
        {"partnership": committee.partnership, "committee": committee, "rows": rows, "held": held},
    )
