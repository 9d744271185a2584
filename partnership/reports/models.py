from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class TermlyReportQuerySet(models.QuerySet):
    def for_user(self, user):
        """Reports of partnerships where the user holds a role that may read them."""
        from ..permissions import REPORT_READER_ROLES, grants

        ids = {grant.partnership_id for grant in grants(user) if grant.role in REPORT_READER_ROLES}
        return self.filter(partnership_id__in=ids)

    def unfinished(self):
        return self.filter(status__in=[TermlyReport.Status.QUEUED, TermlyReport.Status.RUNNING])

    def without_documents(self):
        return self.defer("html")


class TermlyReport(models.Model):
    """One version of a partnership's report for a term. Regenerating adds a new version and
    keeps the earlier ones; at most one version of a (partnership, term) is unfinished."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="reports")
    term = models.ForeignKey("partnership.Term", on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Progress while running: section `progress_done` of `progress_total`.
    progress_done = models.PositiveSmallIntegerField(default=0)
    progress_total = models.PositiveSmallIntegerField(default=0)
    progress_label = models.CharField(max_length=120, blank=True)
    # Claims so far: a worker that died mid-job is found by the re-queue beat job.
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # The finished document. Files sit in private storage; the names are recorded only once
    # the whole file is written, so a recorded file is always complete.
    html = models.TextField(blank=True, help_text="The report body shown on the web page, the same as in the PDF.")
    pdf_file = models.CharField(max_length=255, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_size = models.PositiveBigIntegerField(null=True, blank=True)
    pdf_pages = models.PositiveIntegerField(null=True, blank=True)
    csv_file = models.CharField(max_length=255, blank=True)
    csv_sha256 = models.CharField(max_length=64, blank=True)
    csv_size = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    objects = TermlyReportQuerySet.as_manager()

    class Meta:
        ordering = ["-term__start", "partnership__name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "term", "version"], name="one_report_per_version"),
            models.UniqueConstraint(
                fields=["partnership", "term"],
                condition=Q(status__in=["queued", "running"]),
                name="one_unfinished_report_per_term",
            ),
        ]
        indexes = [models.Index(fields=["status", "started_at"])]

    def __str__(self):
        return f"{self.partnership} termly report, {self.term} (version {self.version})"

    def get_absolute_url(self):
        return reverse("reports:report_term", args=[self.partnership.slug, self.term_id])

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.READY, self.Status.FAILED}

    @property
    def status_signature(self) -> str:
        """What the status fragment shows, in a word: the page sends it back when polling."""
        return f"{self.status}-{self.progress_done}-{self.attempts}"

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)

    def download_name(self, extension: str) -> str:
        return f"{self.partnership.slug}-{self.term.season}-{self.term.academic_year}-v{self.version}.{extension}"
