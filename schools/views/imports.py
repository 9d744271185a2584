"""GIAS imports: a deployment-level page, for deployment administrators and LA-wide officers.

GIAS is national data, so the page belongs to no partnership. Signed-in people who may not
import get 403 on the page; an import is shown only to whoever ran it and to deployment
administrators (404 for everyone else: we do not admit it exists)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from partnership.models import LocalAuthority
from partnership.permissions import la_wide_authority_ids, require

from ..forms import GiasUploadForm
from ..models import ImportJob
from ..permissions import can_import_gias, gias_import_scope
from ..services import start_gias_import
from ..tasks import job_progress


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    require(can_import_gias(request.user))
    scope = gias_import_scope(request.user)
    form = GiasUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_gias_import(
            upload=form.cleaned_data["file"],
            la_codes=form.cleaned_data["la_codes"],
            skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            dry_run=form.cleaned_data["dry_run"],
            actor=request.user,
        )
        messages.success(request, "File uploaded. The import runs in the background; this page shows its progress.")
        return redirect(job)
    if request.method == "GET" and scope:
        form.initial["la_codes"] = " ".join(sorted(scope))
    authorities = (
        LocalAuthority.objects.filter(pk__in=la_wide_authority_ids(request.user)) if scope is not None else None
    )
    jobs = ImportJob.objects.for_user(request.user).select_related("uploaded_by")[:20]
    return render(request, "schools/import_list.html", {"form": form, "jobs": jobs, "authorities": authorities})


def job_for(request: HttpRequest, pk: int) -> ImportJob:
    """The import, if the user ran it or is a deployment administrator; 404 otherwise."""
    return get_object_or_404(ImportJob.objects.for_user(request.user).select_related("uploaded_by"), pk=pk)


def _progress_context(job):
    progress = job_progress(job)
    percent = 100 if job.is_finished else (min(99, round(100 * progress["bytes"] / job.size)) if job.size else 0)
    return {"job": job, "progress": progress, "percent": percent}


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for(request, pk)
    return render(request, "schools/import_detail.html", _progress_context(job))


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel alone, polled by htmx until the job finishes."""
    job = job_for(request, pk)
    if not request.htmx:  # opened directly (a bookmark, a copied address): the whole page
        return redirect(job)
    return render(request, "schools/partials/import_progress.html", _progress_context(job))
