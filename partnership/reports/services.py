from django.db import transaction
from django.db.models import Max

from ..audit import record
from ..jobs import enqueue_on_commit
from ..models import Partnership
from .models import TermlyReport


@transaction.atomic
def request_report(*, partnership, term, requested_by=None) -> tuple[TermlyReport, bool]:
    """Queue a new version of the partnership's report for `term`, or return the version
    already queued or running. Returns (report, created)."""
    from .tasks import mark_not_sent, render_termly_report

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
    # If the broker refuses, the row stays QUEUED and marked; the sweep sends it again.
    # `report.dispatch.refused` tells the view, once the transaction has committed.
    report.dispatch = enqueue_on_commit(render_termly_report, report.pk, on_refused=mark_not_sent)
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
