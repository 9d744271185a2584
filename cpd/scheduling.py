"""Scheduling warnings: advice for the organiser, never a refusal."""

from collections import defaultdict

from django.utils import timezone

from partnership.models import Term

from .models import Event, Session


def _overlaps(a: list[str], b: list[str]) -> bool:
    # A blank audience means everyone.
    return not a or not b or bool(set(a) & set(b))


def _same_audience(one: Event, other: Event) -> bool:
    return _overlaps(one.phase_codes, other.phase_codes) and _overlaps(one.role_codes, other.role_codes)


def warnings_for_sessions(partnership, sessions) -> dict[int, list[str]]:
    """{session id: [warning, ...]} for `sessions`, against every session of the partnership's
    programmes and its term dates, in a fixed number of queries."""
    sessions = list(sessions)
    if not sessions:
        return {}
    terms = list(Term.objects.for_partnership(partnership).values_list("start", "end"))
    everything = list(Session.objects.filter(event__programme__partnership=partnership).select_related("event"))
    by_day = defaultdict(list)
    for other in everything:
        by_day[timezone.localtime(other.starts_at).date()].append(other)
    warnings: dict[int, list[str]] = {}
    for session in sessions:
        day = timezone.localtime(session.starts_at).date()
        found = []
        if not any(start <= day <= end for start, end in terms):
            found.append(f"{day:%-d %B %Y} is outside term.")
        for other in by_day[day]:
            if other.pk == session.pk or other.event_id == session.event_id:
                continue
            if other.event.kind in Event.INSET_KINDS:
                found.append(f"Clashes with the INSET day “{other.event.title}”.")
            elif (
                other.starts_at < session.ends_at
                and session.starts_at < other.ends_at
                and _same_audience(session.event, other.event)
            ):
                found.append(f"Overlaps “{other.event.title}” for the same audience.")
        warnings[session.pk] = list(dict.fromkeys(found))
    return warnings


def warnings_for_session(session) -> list[str]:
    return warnings_for_sessions(session.event.programme.partnership, [session]).get(session.pk, [])
