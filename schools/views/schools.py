from itertools import chain

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from partnership.current import get_partnership
from partnership.exports import csv_response
from partnership.permissions import has_role, require

from ..forms import SORTS, ExpertiseForm, LeaveForm, SchoolContactsForm, SchoolFilterForm
from ..listing import TwoEndedPaginator, bounded_count, filter_options, member_count
from ..models import Expertise, PartnershipMembership, Person, PupilCount, School
from ..permissions import WHO_EDITS_SCHOOL_RECORD, can_edit_school, can_edit_school_record, can_manage_schools
from ..services import record_leaving, save_school_contacts
from .common import query_without, use_partnership_of, with_visibility

PER_PAGE = 50
LIST_FIELDS = [
    "pk", "urn", "name", "phase", "type_of_establishment", "religious_character", "number_of_pupils",
    "statutory_low_age", "statutory_high_age", "town",
]  # fmt: skip
EXPORT_COLUMNS = [
    ("URN", "urn"), ("LA (code)", "la_code"), ("EstablishmentNumber", "establishment_number"),
    ("EstablishmentName", "name"), ("TypeOfEstablishment", "type_of_establishment"), ("Phase", "phase"),
    ("StatutoryLowAge", "statutory_low_age"), ("StatutoryHighAge", "statutory_high_age"),
    ("ReligiousCharacter", "religious_character"), ("NumberOfPupils", "number_of_pupils"),
    ("CensusDate", "pupils_counted_on"), ("Street", "street"), ("Town", "town"), ("Postcode", "postcode"),
    ("Telephone", "telephone"), ("Website", "website"), ("Headteacher", "head_name"), ("Trust", "trust_name"),
    ("Federation", "federation_name"),
]  # fmt: skip


def _filtered(request, partnership):
    members = School.objects.in_partnership(partnership)
    form = SchoolFilterForm(request.GET, options=filter_options(partnership, members))
    return form, form.filter(members)


@login_required
def school_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    form, schools = _filtered(request, partnership)
    paginator = TwoEndedPaginator(schools.values(*LIST_FIELDS), PER_PAGE)
    limit = None
    if form.is_valid() and not form.narrows():
        paginator.count = member_count(partnership)
    else:
        paginator.count, paginator.exact, limit = bounded_count(schools)
    page = paginator.get_page(request.GET.get("page"))
    sort = (form.cleaned_data.get("sort") if form.is_valid() else "") or "name"
    return render(
        request,
        "schools/school_list.html",
        {
            "partnership": partnership,
            "form": form,
            "page_obj": page,
            "query": query_without(request, "page"),
            "sort_query": query_without(request, "page", "sort"),
            "sort": sort,
            "count_is_exact": paginator.exact,
            "count_limit": limit,
            "sort_label": SORTS[sort][1],
            "can_manage": can_manage_schools(request.user, partnership),
            "export_query": query_without(request, "page"),
        },
    )


@login_required
def school_export(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    _form, schools = _filtered(request, partnership)
    fields = [field for _label, field in EXPORT_COLUMNS]
    header = [label for label, _field in EXPORT_COLUMNS]
    rows = chain([header], schools.values_list(*fields).iterator(chunk_size=2000))
    stamp = timezone.localdate().isoformat()
    return csv_response(f"{partnership.slug}-schools-{stamp}.csv", rows, stream=True)


def _school_for_page(request, pk):
    memberships = PartnershipMembership.objects.select_related("partnership__local_authority").order_by("-joined_on")
    school = get_object_or_404(
        School.objects.for_user(request.user)
        .select_related("governing_body__chair")
        .prefetch_related(Prefetch("partnership_memberships", queryset=memberships)),
        pk=pk,
    )
    partnership = use_partnership_of(request, school.partnership_memberships.all())
    return school, partnership


@login_required
def school_detail(request, pk):
    school, partnership = _school_for_page(request, pk)
    can_edit = can_edit_school(request.user, school)
    coordinated = [
        m
        for m in school.partnership_memberships.all()
        if m.left_on is None and can_manage_schools(request.user, m.partnership_id)
    ]
    governing_body = school.governing_body
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            "partnership": partnership,
            "pupil_counts": PupilCount.objects.filter(school=school).order_by("-counted_on")[:10],
            "leaders": Person.objects.filter(school=school, kind=Person.Kind.STAFF).order_by("last_name"),
            "governors": (
                Person.objects.filter(governing_body=governing_body).order_by("last_name") if governing_body else []
            ),
            "federated": with_visibility(
                request.user,
                School.objects.filter(governing_body=governing_body).exclude(pk=school.pk).only("pk", "name")
                if governing_body
                else [],
            ),
            "expertise": Expertise.objects.filter(school=school).select_related("specialism"),
            "memberships": school.partnership_memberships.all(),
            "leave_ids": {m.pk for m in coordinated},
            "can_edit": can_edit,
            "can_edit_record": can_edit_school_record(request.user, school),
            "who_edits_record": WHO_EDITS_SCHOOL_RECORD,
            "expertise_form": ExpertiseForm() if can_edit else None,
        },
    )


def _school_for_record(request, pk):
    """The school as `_school_for_page` finds it, or, for those who keep the national record
    without a role in any of the school's partnerships (a deployment administrator, an
    LA-wide officer of the school's local authority), the school itself."""
    try:
        return _school_for_page(request, pk)
    except Http404:
        school = get_object_or_404(School.objects.prefetch_related("partnership_memberships"), pk=pk)
        if not can_edit_school_record(request.user, school):
            raise
        return school, None


@login_required
def school_edit(request, pk):
    school, partnership = _school_for_record(request, pk)
    may_edit = can_edit_school_record(request.user, school)
    # The partnership's coordinators read the record here and learn who changes it.
    require(may_edit or can_edit_school(request.user, school))
    if request.method == "POST":
        require(may_edit)
    form = SchoolContactsForm(request.POST or None, instance=school, read_only=not may_edit)
    if request.method == "POST" and form.is_valid():
        save_school_contacts(form=form, actor=request.user, partnership=partnership)
        messages.success(request, "Contact details saved.")
        return redirect(school)
    return render(
        request,
        "schools/school_edit.html",
        {
            "school": school,
            "partnership": partnership,
            "form": form,
            "may_edit": may_edit,
            "who_edits_record": WHO_EDITS_SCHOOL_RECORD,
        },
    )


@login_required
def membership_leave(request, pk):
    membership = get_object_or_404(
        PartnershipMembership.objects.select_related("school", "partnership").filter(
            school__in=School.objects.for_user(request.user)
        ),
        pk=pk,
    )
    # Someone who cannot see this partnership must not learn the membership exists.
    if not has_role(request.user, membership.partnership):
        raise Http404
    require(can_manage_schools(request.user, membership.partnership))
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_leaving(
                membership_id=membership.pk,
                notice_given_on=form.cleaned_data["notice_given_on"],
                left_on=form.cleaned_data["left_on"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Recorded {membership.school.name} leaving {membership.partnership.name}.")
            return redirect(membership.school)
    return render(
        request,
        "schools/membership_leave.html",
        {"membership": membership, "partnership": membership.partnership, "form": form},
    )
