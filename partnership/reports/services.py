from functools import partial

from django.db import transaction
from django.db.models import Max

from ..audit import record
from ..models import Partnership
from .models import TermlyReport


@transaction.atomic
def request_report(*, partnership, term, requested_by=None) -> tuple[TermlyReport, bool]:
    """Queue a new version of the partnership's report for `term`, or return the version
    already queued or running. Returns (report, created)."""
    from .tasks import render_termly_report

    # Lock the partnership so two requests cannot take the same version number.
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    waiting = TermlyReport.objects.unfinished().filter(partnership=partnership, term=term).first()
    if waiting is not None:
        return waiting, False
    latest = TermlyReport.objects.filter(partnership=partnership, term=term).aggregate(v=Max("version"))["v"] or 0
    report = TermlyReport.objects.create(
        partnership=partnership, term=term, version=latest + 1, requested_by=requested_by
    )
    record(
        actor=requested_by,
        verb="partnership.report.requested",
        target=report,
        partnership=partnership,
        data={"term_id": term.pk, "version": report.version},
    )
    transaction.on_commit(partial(render_termly_report.delay, report.pk))
    return report, True


@transaction.atomic
def record_download(*, report: TermlyReport, user, kind: str) -> None:
    record(
        actor=user,
        verb="partnership.report.downloaded",
        target=report,
        partnership=report.partnership,
        data={"file": kind, "version": report.version, "term_id": report.term_id},
    )
