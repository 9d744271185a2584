from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone


def attempt(form, action: Callable[[], object]):
    """Runs a service; its ValidationError becomes a form error (nothing was written).
    Returns the service's result, or None when it refused."""
    try:
        return action() or True
    except ValidationError as error:
        form.add_error(None, error.messages)
        return None


def academic_year_of(day=None) -> int:
    day = day or timezone.localdate()
    return day.year if day.month >= 9 else day.year - 1


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"
