from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from partnership.current import get_partnership
from partnership.permissions import is_deployment_admin, require

from ..forms import CLERK_LOCKED, CONTACT_LOCKED, ClerkEmailForm, ExpertiseForm, GoverningBodyForm, PersonForm
from ..models import Expertise, GoverningBody, PartnershipMembership, Person, School
from ..permissions import can_change_clerk_email, can_change_person_contacts, can_edit_person, can_manage_schools
from ..services import change_clerk_email, save_governing_body, save_person
from .common import query_without, use_partnership_of, with_visibility


def refuse_posted_change(request, field: str, stored: str, message: str) -> None:
    """A contact address the user may not change: a form posting a different one is refused
    outright (403 with the reason), not silently ignored."""
    posted = request.POST.get(field)
    if posted is not None and posted.strip() != (stored or ""):
        raise PermissionDenied(message)


@login_required
def person_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    people = (
        Person.objects.in_partnership(partnership)
        .select_related("school", "governing_body")
        .order_by("last_name", "first_name", "pk")
    )
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    for word in q.split()[:5]:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(job_role__icontains=word)
            | Q(organisation__icontains=word)
            | Q(school__name__icontains=word)
        )
    if kind in Person.Kind.values:
        people = people.filter(kind=kind)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "schools/person_list.html",
        {
            "partnership": partnership,
            "page_obj": page,
            "q": q,
            "kind": kind,
            "kinds": Person.Kind.choices,
            "query": query_without(request, "page"),
            "can_manage": can_manage_schools(request.user, partnership),
        },
    )


@login_required
def person_add(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(can_manage_schools(request.user, partnership))
    form = PersonForm(request.POST or None, schools=School.objects.in_partnership(partnership))
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["school"]:
            form.instance.partnership = partnership
        person = save_person(form=form, actor=request.user, partnership=partnership)
        messages.success(request, f"Added {person.full_name}.")
        return redirect(person)
    return render(request, "schools/person_form.html", {"partnership": partnership, "form": form, "person": None})


def _person_for_page(request, pk):
    person = get_object_or_404(
        Person.objects.for_user(request.user).select_related(
            "school", "governing_body", "partnership__local_authority", "user"
        ),
        pk=pk,
    )
    if person.school is not None:
        memberships = PartnershipMembership.objects.filter(school=person.school)
    elif person.partnership is None and person.governing_body_id is not None:  # a governor of a body alone
        memberships = PartnershipMembership.objects.filter(school__governing_body=person.governing_body_id)
    else:
        return person, use_partnership_of(request, [_Membership(person.partnership)])
    partnership = use_partnership_of(request, list(memberships.select_related("partnership__local_authority")))
    return person, partnership


class _Membership:
    def __init__(self, partnership):
        self.partnership = partnership
        self.partnership_id = partnership.pk


@login_required
def person_detail(request, pk):
    person, partnership = _person_for_page(request, pk)
    can_edit = can_edit_person(request.user, person)
    return render(
        request,
        "schools/person_detail.html",
        {
            "person": person,
            "partnership": partnership,
            "expertise": Expertise.objects.filter(person=person).select_related("specialism"),
            "chairs": GoverningBody.objects.filter(chair=person),
            "can_edit": can_edit,
            "expertise_form": ExpertiseForm() if can_edit else None,
        },
    )


@login_required
def person_edit(request, pk):
    person, partnership = _person_for_page(request, pk)
    require(can_edit_person(request.user, person))
    schools = School.objects.in_partnership(partnership) if partnership else School.objects.none()
    if person.school_id:
        schools = School.objects.filter(Q(pk__in=schools.values("pk")) | Q(pk=person.school_id))
    can_change_contacts = can_change_person_contacts(request.user, person)
    if request.method == "POST" and not can_change_contacts:
        refuse_posted_change(request, "email", person.email, CONTACT_LOCKED)
    form = PersonForm(request.POST or None, instance=person, schools=schools, can_change_contacts=can_change_contacts)
    if request.method == "POST" and form.is_valid():
        save_person(form=form, actor=request.user, partnership=partnership)
        messages.success(request, "Saved.")
        return redirect(person)
    return render(request, "schools/person_form.html", {"partnership": partnership, "form": form, "person": person})


@login_required
def governing_body_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    member_ids = School.objects.in_partnership(partnership).values("pk")
    bodies = (
        GoverningBody.objects.filter(schools__in=member_ids)
        .distinct()
        .select_related("chair")
        .annotate(governor_count=Count("governors", distinct=True))
        .prefetch_related(Prefetch("schools", queryset=School.objects.only("pk", "name", "governing_body_id")))
        .order_by("name", "pk")
    )
    page = Paginator(bodies, 50).get_page(request.GET.get("page"))
    return render(
        request, "schools/governing_body_list.html", {"partnership": partnership, "page_obj": page, "query": ""}
    )


@login_required
def governing_body_detail(request, pk):
    body = get_object_or_404(GoverningBody.objects.for_user(request.user).select_related("chair"), pk=pk)
    schools = list(
        School.objects.filter(governing_body=body).prefetch_related(
            Prefetch(
                "partnership_memberships",
                queryset=PartnershipMembership.objects.select_related("partnership__local_authority"),
            )
        )
    )
    memberships = [m for school in schools for m in school.partnership_memberships.all()]
    partnership = use_partnership_of(request, memberships)
    return render(
        request,
        "schools/governing_body_detail.html",
        {
            "body": body,
            "partnership": partnership,
            "can_edit": partnership is not None and can_manage_schools(request.user, partnership),
            "can_change_clerk_email": can_change_clerk_email(request.user, body),
            "schools": with_visibility(request.user, schools),
            "governors": Person.objects.filter(governing_body=body).order_by("last_name", "first_name"),
        },
    )


@login_required
def governing_body_edit(request, pk):
    body = get_object_or_404(GoverningBody.objects.for_user(request.user), pk=pk)
    memberships = PartnershipMembership.objects.filter(school__governing_body=body).select_related(
        "partnership__local_authority"
    )
    partnership = use_partnership_of(request, list(memberships))
    require(partnership is not None and can_manage_schools(request.user, partnership))
    members = School.objects.in_partnership(partnership).unshared_beyond(partnership, request.user).order_by("name")
    people = (
        Person.objects.filter(Q(governing_body=body) | Q(school__governing_body=body)).distinct().order_by("last_name")
    )
    may_change_clerk = can_change_clerk_email(request.user, body)
    if request.method == "POST" and not may_change_clerk:
        refuse_posted_change(request, "clerk_email", body.clerk_email, CLERK_LOCKED)
    form = GoverningBodyForm(
        request.POST or None, instance=body, schools=members, people=people, can_change_clerk_email=may_change_clerk
    )
    if request.method == "POST" and form.is_valid():
        save_governing_body(form=form, actor=request.user, partnership=partnership)
        messages.success(request, "Governing body saved.")
        return redirect(body)
    return render(request, "schools/governing_body_form.html", {"body": body, "partnership": partnership, "form": form})


@login_required
def clerk_email_edit(request, pk):
    """Where the body's papers go: its schools' heads, their local authority or a deployment
    administrator change it, never a partnership's coordinator alone."""
    body = get_object_or_404(GoverningBody.objects.prefetch_related("schools"), pk=pk)
    allowed = can_change_clerk_email(request.user, body)
    if not allowed and not GoverningBody.objects.for_user(request.user).filter(pk=pk).exists():
        raise Http404
    if not allowed:
        raise PermissionDenied(CLERK_LOCKED)
    form = ClerkEmailForm(request.POST or None, instance=GoverningBody.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        change_clerk_email(body_id=body.pk, clerk_email=form.cleaned_data["clerk_email"], actor=request.user)
        messages.success(request, "Clerk's e-mail saved. The previous address has been told.")
        return redirect(body)
    return render(
        request,
        "schools/clerk_email_form.html",
        {"body": body, "form": form, "is_admin": is_deployment_admin(request.user)},
    )
