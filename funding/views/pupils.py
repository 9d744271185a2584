"""The pupil numbers the partnership's formula uses: the national census, and the figures
the partnership agreed for itself (schools.AgreedPupilCount), which are its own alone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from partnership.current import get_partnership, use_partnership
from partnership.permissions import require
from schools.models import AgreedPupilCount, School
from schools.services import record_agreed_pupil_count, remove_agreed_pupil_count

from ..forms import AgreedPupilCountForm, add_service_error
from ..rules import can_manage_funding, can_read_all_funding


@login_required
def pupil_numbers(request: HttpRequest, partnership_slug: str) -> HttpResponse:
    partnership = get_partnership(request, partnership_slug)
    require(can_read_all_funding(request.user, partnership))
    can_manage = can_manage_funding(request.user, partnership)
    today = timezone.localdate()
    schools = School.objects.in_partnership(partnership).distinct().order_by("name", "urn")
    form = AgreedPupilCountForm(schools=schools, initial={"applies_from": today})
    if request.method == "POST":
        require(can_manage)
        form = AgreedPupilCountForm(request.POST, schools=schools)
        if form.is_valid():
            try:
                agreed = record_agreed_pupil_count(partnership=partnership, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"{agreed.school}: {agreed.pupils:,} pupils agreed by the partnership from "
                    f"{agreed.applies_from:%-d %B %Y}. Rounds already made keep the figures they were made with.",
                )
                return redirect("funding:pupil_numbers", partnership.slug)
    in_force = AgreedPupilCount.objects.latest_on(partnership, today)
    rows = [(school, in_force.get(school.pk)) for school in schools.with_pupils_on(today)]
    agreed_counts = AgreedPupilCount.objects.filter(partnership=partnership).select_related("school", "recorded_by")
    return render(
        request,
        "funding/pupil_numbers.html",
        {
            "partnership": partnership,
            "rows": rows,
            "agreed_counts": agreed_counts,
            "form": form,
            "can_manage": can_manage,
            "section": "pupils",
        },
    )


@login_required
@require_POST
def agreed_pupil_count_remove(request: HttpRequest, pk: int) -> HttpResponse:
    agreed = get_object_or_404(
        AgreedPupilCount.objects.for_user(request.user).select_related("partnership", "school"), pk=pk
    )
    use_partnership(request, agreed.partnership)
    require(can_manage_funding(request.user, agreed.partnership))
    remove_agreed_pupil_count(agreed=agreed, actor=request.user)
    messages.success(
        request, f"The partnership's figure for {agreed.school} from {agreed.applies_from:%-d %B %Y} was removed."
    )
    return redirect("funding:pupil_numbers", agreed.partnership.slug)
