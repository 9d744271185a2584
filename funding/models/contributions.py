"""Contribution rounds, each school's contribution (versioned), payments and statement PDFs."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from partnership.models import Partnership
from partnership.permissions import school_ids_for, visible_partnership_ids

from ._common import MONEY, _full_view_partnership_ids
from .formulas import Formula
from .years import FundingYear


class ContributionRoundQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partnership_id__in=visible_partnership_ids(user))


class ContributionRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="contribution_rounds")
    funding_year = models.ForeignKey(FundingYear, on_delete=models.PROTECT, related_name="rounds")
    formula = models.ForeignKey(Formula, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=160)
    census_date = models.DateField(help_text="Pupil numbers are taken from the count on or before this date.")
    members_on = models.DateField(help_text="The schools that are members on this date contribute.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The formula as applied, kept whole: the formula may change later, the round does not.
    mode = models.CharField(max_length=20, choices=Formula.Mode.choices)
    lump_sum = models.DecimalField(**MONEY)
    per_pupil_rate = models.DecimalField(max_digits=20, decimal_places=10)
    total = models.DecimalField(**MONEY)
    formula_snapshot = models.JSONField(default=dict)
    rounding_rule = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True, help_text="When payment is due.")

    objects = ContributionRoundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("funding:round_detail", args=[self.pk])

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED


class ContributionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def for_user(self, user):
        """Coordinators and LA officers see every school's contribution; a headteacher sees
        their own school's, once the round is issued; nobody else sees any."""
        full = _full_view_partnership_ids(user)
        heads = Q()
        for pid in visible_partnership_ids(user):
            schools = school_ids_for(user, pid)
            if schools:
                heads |= Q(
                    round__partnership_id=pid, school_id__in=schools, round__status=ContributionRound.Status.ISSUED
                )
        return self.filter(Q(round__partnership_id__in=full) | heads) if (full or heads) else self.none()


class Contribution(models.Model):
    """One school's contribution in a round, with its calculation kept line by line.

    An amendment is a new version (with a reason); the old one stays, no longer current."""

    round = models.ForeignKey(ContributionRound, on_delete=models.CASCADE, related_name="contributions")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="funding_contributions")
    version = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    # Inputs, as they were when the round was calculated.
    school_name = models.CharField(max_length=200)
    urn = models.PositiveIntegerField("URN")
    phase = models.CharField(max_length=60, blank=True)
    is_special = models.BooleanField(default=False)
    pupils = models.PositiveIntegerField()
    pupils_counted_on = models.DateField(null=True, blank=True)
    pupils_source = models.CharField(max_length=200, blank=True)
    pupils_agreed = models.BooleanField(
        "pupils agreed by the partnership",
        default=False,
        help_text="The partnership's own agreed figure was used instead of the national census.",
    )
    # The calculation.
    lump_sum = models.DecimalField(**MONEY)
    per_pupil_rate = models.DecimalField(max_digits=20, decimal_places=10)
    weight = models.DecimalField(max_digits=20, decimal_places=10, default=Decimal("1"))
    weight_reasons = models.JSONField(default=list, blank=True)
    weighted_pupils = models.DecimalField(max_digits=20, decimal_places=6)
    per_pupil_amount = models.DecimalField(max_digits=18, decimal_places=6)
    before_limits = models.DecimalField(max_digits=18, decimal_places=6)
    limit_applied = models.CharField(max_length=10, blank=True)
    exact_amount = models.DecimalField(max_digits=18, decimal_places=6)
    rounded_down = models.DecimalField(**MONEY)
    rounding_adjustment = models.DecimalField(**MONEY)
    calculated_amount = models.DecimalField(**MONEY)
    # What the school is asked to pay: the calculated amount, or an amended figure.
    amount = models.DecimalField(**MONEY)
    amendment_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ContributionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "school_name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["round", "school", "version"], name="one_contribution_version"),
            models.UniqueConstraint(
                fields=["round", "school"], condition=Q(is_current=True), name="one_current_contribution"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contribution_not_negative"),
        ]

    def __str__(self):
        return f"{self.school_name}: {self.round} (version {self.version})"

    def get_absolute_url(self):
        return reverse("funding:statement", args=[self.round_id, self.school_id])

    @property
    def is_amended(self) -> bool:
        return self.version > 1


class PaymentQuerySet(models.QuerySet):
    def for_user(self, user):
        full = _full_view_partnership_ids(user)
        heads = Q()
        for pid in visible_partnership_ids(user):
            schools = school_ids_for(user, pid)
            if schools:
                heads |= Q(round__partnership_id=pid, school_id__in=schools)
        return self.filter(Q(round__partnership_id__in=full) | heads) if (full or heads) else self.none()


class Payment(models.Model):
    """Money a school has paid towards its contribution in a round. Partial, full and
    over-payments are all just entries; the balance is the sum."""

    round = models.ForeignKey(ContributionRound, on_delete=models.PROTECT, related_name="payments")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="funding_payments")
    amount = models.DecimalField(**MONEY)
    paid_on = models.DateField()
    reference = models.CharField(max_length=120, help_text="For example the invoice or transfer reference.")
    note = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # A correction: this entry takes back the payment it reverses (amount negated).
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal")

    objects = PaymentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-paid_on", "-pk"]
        constraints = [
            # A payment is positive; only a reversal of an earlier payment is negative.
            models.CheckConstraint(
                condition=Q(amount__gt=0, reverses__isnull=True) | Q(amount__lt=0, reverses__isnull=False),
                name="payment_positive_or_a_reversal",
            )
        ]

    def __str__(self):
        return f"£{self.amount:,.2f} from school {self.school_id} on {self.paid_on}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class StatementJob(models.Model):
    """A school's statement PDF for a round, rendered by a Celery task and kept privately."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="statement_jobs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Statement PDF for {self.contribution}"
