from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from partnership.current import use_partnership

from ..models import Committee, Meeting


def committee_for(request, pk: int) -> Committee:
    committee = get_object_or_404(Committee.objects.for_user(request.user).select_related("partnership"), pk=pk)
    use_partnership(request, committee.partnership)
    return committee


def meeting_for(request, pk: int) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.for_user(request.user).select_related("committee__partnership", "host_school"), pk=pk
    )
    use_partnership(request, meeting.committee.partnership)
    return meeting


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def show_error(request, error: ValidationError) -> None:
    messages.error(request, error_text(error))


def add_errors(form, error: ValidationError) -> None:
    """Puts a service's ValidationError on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
