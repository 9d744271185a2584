from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from partnership.current import get_partnership
from partnership.permissions import require, visible_partnership_ids

from ..forms import GiasUploadForm
from ..models import ImportJob
from ..permissions import can_manage_schools
from ..services import start_gias_import
from ..tasks import job_progress


@login_required
def import_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(can_manage_schools(request.user, partnership))
    form = GiasUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_gias_import(
            partnership=partnership,
            upload=form.cleaned_data["file"],
            la_codes=form.cleaned_data["la_codes"],
            skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            dry_run=form.cleaned_data["dry_run"],
            actor=request.user,
        )
        messages.success(request, "File uploaded. The import runs in the background; this page shows its progress.")
        return redirect(job)
    if request.method == "GET":
        form.initial["la_codes"] = partnership.local_authority.code if partnership.local_authority_id else ""
    jobs = ImportJob.objects.filter(partnership=partnership).select_related("uploaded_by")[:20]
    return render(request, "schools/import_list.html", {"partnership": partnership, "form": form, "jobs": jobs})


def _job_for(request, pk):
    job = get_object_or_404(
        ImportJob.objects.filter(partnership_id__in=visible_partnership_ids(request.user)).select_related(
            "partnership__local_authority", "uploaded_by"
        ),
        pk=pk,
    )
    require(can_manage_schools(request.user, job.partnership))
    return job


def _progress_context(job):
    progress = job_progress(job)
    percent = 100 if job.is_finished else (min(99, round(100 * progress["bytes"] / job.size)) if job.size else 0)
    return {"job": job, "progress": progress, "percent": percent}


@login_required
def import_detail(request, pk):
    job = _job_for(request, pk)
    request.partnership = job.partnership
    return render(request, "schools/import_detail.html", {"partnership": job.partnership, **_progress_context(job)})


@login_required
def import_progress(request, pk):
    """The progress panel alone, polled by htmx until the job finishes."""
    job = _job_for(request, pk)
    if not request.htmx:  # opened directly (a bookmark, a copied address): the whole page
        return redirect(job)
    return render(request, "schools/partials/import_progress.html", _progress_context(job))
