from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import get_partnership
from partnership.permissions import require

from ..forms import ExpertiseForm, ExpertiseSearchForm
from ..models import Expertise, Person, School
from ..permissions import can_edit_person, can_edit_school
from ..services import add_expertise, remove_expertise
from .common import query_without
from .schools import _school_for_page


@login_required
def expertise_search(request, partnership_slug):
    """The partnership's directory of who can help with what."""
    partnership = get_partnership(request, partnership_slug)
    form = ExpertiseSearchForm(request.GET)
    offers = (
        Expertise.objects.in_partnership(partnership)
        .select_related("specialism", "school", "person__school")
        .order_by("specialism__kind", "specialism__name", "school__name", "person__last_name", "pk")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["specialism"]:
            offers = offers.filter(specialism=data["specialism"])
        if data["kind"]:
            offers = offers.filter(specialism__kind=data["kind"])
        for word in data["q"].split()[:5]:
            offers = offers.filter(
                Q(specialism__name__icontains=word)
                | Q(specialism__abbreviation__iexact=word)
                | Q(details__icontains=word)
                | Q(school__name__icontains=word)
                | Q(person__last_name__icontains=word)
                | Q(person__first_name__icontains=word)
                | Q(person__job_role__icontains=word)
            )
    else:
        offers = offers.none()
    page = Paginator(offers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "schools/expertise_search.html",
        {"partnership": partnership, "form": form, "page_obj": page, "query": query_without(request, "page")},
    )


@login_required
@require_POST
def school_expertise_add(request, pk):
    school, partnership = _school_for_page(request, pk)
    require(can_edit_school(request.user, school))
    form = ExpertiseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a specialism, designation or provision to add.")
        return redirect(school)
    add_expertise(
        specialism=form.cleaned_data["specialism"],
        details=form.cleaned_data["details"],
        school=school,
        actor=request.user,
        partnership=partnership,
    )
    messages.success(request, f"Added {form.cleaned_data['specialism'].name}.")
    return redirect(school)


@login_required
@require_POST
def person_expertise_add(request, pk):
    person = get_object_or_404(Person.objects.for_user(request.user).select_related("school"), pk=pk)
    require(can_edit_person(request.user, person))
    form = ExpertiseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a specialism, designation or provision to add.")
        return redirect(person)
    add_expertise(
        specialism=form.cleaned_data["specialism"],
        details=form.cleaned_data["details"],
        person=person,
        actor=request.user,
    )
    messages.success(request, f"Added {form.cleaned_data['specialism'].name}.")
    return redirect(person)


@login_required
@require_POST
def expertise_remove(request, pk):
    expertise = get_object_or_404(
        Expertise.objects.for_user(request.user).select_related("specialism", "school", "person__school"), pk=pk
    )
    if expertise.school is not None:
        school = School.objects.prefetch_related("partnership_memberships").get(pk=expertise.school_id)
        require(can_edit_school(request.user, school))
        back = school
    else:
        require(can_edit_person(request.user, expertise.person))
        back = expertise.person
    remove_expertise(expertise=expertise, actor=request.user)
    messages.success(request, f"Removed {expertise.specialism.name}.")
    return redirect(back)
