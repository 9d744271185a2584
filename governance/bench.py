"""Benchmark: the minutes PDF job against WeasyPrint alone on the same finished HTML.

`minutes_pdf_benchmark(items=30)` builds a meeting of `items` agenda items (each with a
minute, a decision with votes, a declaration and an action) inside a transaction it rolls
back, renders once to warm the process (fonts, templates), then times the whole job's work
(data queries, template, WeasyPrint) and WeasyPrint alone on the HTML that job produced."""

import datetime
import statistics
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnership.pdf import html_to_pdf


class _Rollback(Exception):
    pass


def _build(items: int):
    from partnership.models import LocalAuthority, Partnership
    from schools.models import Person, School

    from .models import (
        Action,
        AgendaItem,
        Attendance,
        Committee,
        CommitteeMembership,
        Decision,
        InterestDeclaration,
        InterestEntry,
        ItemMinute,
        Meeting,
        Minutes,
        Vote,
    )

    la, _ = LocalAuthority.objects.get_or_create(code="999", defaults={"name": "Benchmark LA"})
    partnership = Partnership.objects.create(name="Benchmark partnership", slug="bench-governance", local_authority=la)
    school = School.objects.create(urn=999001, name="Benchmark Primary School")
    committee = Committee.objects.create(partnership=partnership, name="Benchmark committee", quorum_min_headteachers=0)
    start = timezone.localdate() - datetime.timedelta(days=60)
    members = [
        CommitteeMembership.objects.create(
            committee=committee,
            person=Person.objects.create(first_name=f"Member{i}", last_name=f"Number {i}", school=school),
            start_on=start,
            is_headteacher=i < 10,
        )
        for i in range(20)
    ]
    meeting = Meeting.objects.create(
        committee=committee,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        place=Meeting.Place.ONLINE,
        status=Meeting.Status.HELD,
    )
    Attendance.objects.bulk_create([Attendance(meeting=meeting, membership=m, status="present") for m in members])
    minutes = Minutes.objects.create(
        meeting=meeting, status=Minutes.Status.SIGNED, signed_by=members[0].person, signed_at=timezone.now()
    )
    interest = InterestEntry.objects.create(
        person=members[1].person, description="Trustee of a local charity", declared_on=start
    )
    for number in range(1, items + 1):
        item = AgendaItem.objects.create(
            meeting=meeting, order=number, title=f"Agenda item {number}", is_confidential=number % 5 == 0
        )
        ItemMinute.objects.create(
            minutes=minutes,
            item=item,
            text=f"Members discussed item {number} at length and agreed the way forward. " * 3,
        )
        decision = Decision.objects.create(
            item=item,
            motion=f"To approve proposal {number}.",
            votes_for=20,
            is_carried=True,
            members_present=20,
            quorum_needed=7,
        )
        Vote.objects.bulk_create([Vote(decision=decision, membership=m, choice="for") for m in members])
        InterestDeclaration.objects.create(item=item, membership=members[1], interest=interest)
        Action.objects.create(
            meeting=meeting,
            item=item,
            description=f"Follow up item {number}",
            owner=members[number % 20].person,
            due_on=timezone.localdate(),
        )
    return minutes


def minutes_pdf_benchmark(items: int = 30, repeats: int = 5) -> dict:
    from .documents import minutes_html

    result = {}
    try:
        with transaction.atomic():
            minutes = _build(items)
            html_to_pdf(minutes_html(minutes.pk, public=False))  # warm: fonts, templates, WeasyPrint
            job_times, weasy_times = [], []
            for _ in range(repeats):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    html = minutes_html(minutes.pk, public=False)
                    pdf = html_to_pdf(html)
                    job_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                html_to_pdf(html)
                weasy_times.append(time.perf_counter() - started)
            job, weasy = statistics.median(job_times), statistics.median(weasy_times)
            result = {
                "items": items,
                "job_seconds": round(job, 4),
                "weasyprint_seconds": round(weasy, 4),
                "ratio": round(job / weasy, 3),
                "queries": len(queries),
                "pdf_bytes": len(pdf),
                "target_ratio": 1.5,
            }
            raise _Rollback
    except _Rollback:
        pass
    return result
