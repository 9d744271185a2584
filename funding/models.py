"""Pooled funding: funding years, the common formula, contribution rounds, payments, grants,
budget lines and spending.

Money is Decimal to the penny everywhere. No balance is stored: what a school owes, what
the partnership holds and what is left of a budget line are always sums of entries
(see the querysets and `funding.balances`)."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from partnership.models import Partnership
from partnership.permissions import has_role, school_ids_for, visible_partnership_ids

PENNY = Decimal("0.01")
MONEY = {"max_digits": 12, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0.00"))]


def _reads_all(user, partnership_id) -> bool:
    return has_role(user, partnership_id, "coordinator", "la_officer")


def _full_view_partnership_ids(user) -> list[int]:
    """Partnerships where the user sees every school's money: coordinators and LA officers."""
    return [pid for pid in visible_partnership_ids(user) if _reads_all(user, pid)]


class FundingSettings(models.Model):
    """How a partnership runs its money. By default the LA financial year (1 April to 31 March)."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="funding_settings")
    year_start_month = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="The month the funding year starts: 4 for the LA financial year (1 April to 31 March).",
    )

    def __str__(self):
        return f"Funding settings of {self.partnership}"

    @classmethod
    def for_partnership(cls, partnership) -> "FundingSettings":
        return cls.objects.get_or_create(partnership=partnership)[0]


class FundingYearQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partnership_id__in=visible_partnership_ids(user))

    def containing(self, day: date):
        return self.filter(start__lte=day, end__gte=day)


class FundingYear(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="funding_years")
    label = models.CharField(max_length=40, help_text="For example 2026/27.")
    start = models.DateField()
    end = models.DateField()
    is_closed = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = FundingYearQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="funding_year_ends_after_start"),
            models.UniqueConstraint(fields=["partnership", "start"], name="one_funding_year_per_start"),
        ]

    def __str__(self):
        return f"Funding year {self.label}"

    def get_absolute_url(self):
        return reverse("funding:year_detail", args=[self.pk])

    @property
    def status(self) -> str:
        return "Closed" if self.is_closed else "Open"


class Formula(models.Model):
    class Mode(models.TextChoices):
        FIXED_RATES = "fixed_rates", "Fixed rates: set the per-pupil rate"
        FIXED_TOTAL = "fixed_total", "Fixed total: set the total to raise and solve the per-pupil rate"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="funding_formulas")
    name = models.CharField(max_length=120)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.FIXED_TOTAL)
    lump_sum = models.DecimalField("lump sum per school", **MONEY, default=Decimal("0.00"), validators=NON_NEGATIVE)
    per_pupil_rate = models.DecimalField(
        "amount per pupil",
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text="For fixed rates.",
    )
    total = models.DecimalField(
        "total to raise", **MONEY, null=True, blank=True, validators=NON_NEGATIVE, help_text="For a fixed total."
    )
    special_school_weight = models.DecimalField(
        "weighting for special schools",
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"))],
        help_text="Multiplies the per-pupil amount of special schools, e.g. 1.5. Leave blank for none.",
    )
    floor = models.DecimalField(
        "floor per school",
        **MONEY,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text="The least a school pays.",
    )
    cap = models.DecimalField(
        "cap per school", **MONEY, null=True, blank=True, validators=NON_NEGATIVE, help_text="The most a school pays."
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("funding:formula_detail", args=[self.pk])


class FormulaWeighting(models.Model):
    """A phase weighting or a size band; both multiply the per-pupil amount."""

    class Kind(models.TextChoices):
        PHASE = "phase", "Phase of education"
        SIZE_BAND = "size_band", "Size band (pupil numbers)"

    formula = models.ForeignKey(Formula, on_delete=models.CASCADE, related_name="weightings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    phase = models.CharField(
        max_length=60, blank=True, help_text="As in Get Information About Schools, e.g. Secondary."
    )
    min_pupils = models.PositiveIntegerField(null=True, blank=True)
    max_pupils = models.PositiveIntegerField(null=True, blank=True)
    weight = models.DecimalField(max_digits=6, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))])

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "phase", "min_pupils"]

    def __str__(self):
        if self.kind == self.Kind.PHASE:
            return f"{self.phase} phase × {self.weight.normalize():f}"
        upper = f"to {self.max_pupils}" if self.max_pupils is not None else "or more"
        return f"{self.min_pupils} {upper} pupils × {self.weight.normalize():f}"


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

    objects = PaymentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-paid_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive")]

    def __str__(self):
        return f"£{self.amount:,.2f} from school {self.school_id} on {self.paid_on}"


class GrantCondition(models.TextChoices):
    NONE = "none", "No condition: received when recorded"
    BUSINESS_PLAN_APPROVED = "business_plan_approved", "Business plan approved"
    HEADS_OF_AGREEMENT_SIGNED = "heads_of_agreement_signed", "Heads of agreement signed"
    MANUAL = "manual", "Another condition (described below, released by hand)"


class GrantQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partnership_id__in=_full_view_partnership_ids(user))

    def released(self):
        return self.filter(released_on__isnull=False)

    def held(self):
        return self.filter(released_on__isnull=True)


class Grant(models.Model):
    """Income beyond contributions. A grant with a condition is held back until the
    condition is met; the page says what is held and why."""

    class Kind(models.TextChoices):
        PARTNERSHIP_PREMIUM = "partnership_premium", "Partnership premium (yearly)"
        START_UP = "start_up", "Start-up funding (one-off)"
        YEAR_FUNDING = "year_funding", "Funding for the year"
        OTHER = "other", "Other income"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="grants")
    funding_year = models.ForeignKey(FundingYear, on_delete=models.PROTECT, related_name="grants")
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    funder = models.CharField(max_length=160, blank=True, help_text="For example the local authority.")
    amount = models.DecimalField(**MONEY)
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_grants",
        help_text="For money given for one school, such as start-up funding per school.",
    )
    condition = models.CharField(max_length=40, choices=GrantCondition.choices, default=GrantCondition.NONE)
    condition_detail = models.CharField(
        max_length=255, blank=True, help_text="What must happen before the money is released."
    )
    released_on = models.DateField(null=True, blank=True)
    release_note = models.CharField(max_length=255, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GrantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["funding_year", "released_on", "name"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="grant_positive")]

    def __str__(self):
        return self.name

    @property
    def is_held(self) -> bool:
        return self.released_on is None

    @property
    def held_because(self) -> str:
        if not self.is_held:
            return ""
        if self.condition == GrantCondition.MANUAL:
            return self.condition_detail or "Waiting for a condition to be met."
        return f"Released when: {self.get_condition_display().lower()}."


class SpendingCategory(models.TextChoices):
    COMMISSIONED_SERVICE = "commissioned_service", "Commissioned services"
    CPD = "cpd", "CPD events"
    SUPPLY_COVER = "supply_cover", "Supply cover"
    INTENSIVE_SUPPORT = "intensive_support", "Intensive support for a school"
    SCHOOL_TO_SCHOOL_SUPPORT = "school_to_school_support", "School-to-school support"
    STAFFING = "staffing", "Partnership staffing"
    OTHER = "other", "Other"


class BudgetLineQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(funding_year__partnership_id__in=_full_view_partnership_ids(user))


class BudgetLine(models.Model):
    funding_year = models.ForeignKey(FundingYear, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(max_length=40, choices=SpendingCategory.choices)
    name = models.CharField(max_length=160)
    planned_amount = models.DecimalField(**MONEY, validators=NON_NEGATIVE)

    objects = BudgetLineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["funding_year", "category", "pk"]
        constraints = [models.CheckConstraint(condition=Q(planned_amount__gte=0), name="budget_line_not_negative")]

    def __str__(self):
        return self.name


class SpendingEntryQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(budget_line__funding_year__partnership_id__in=_full_view_partnership_ids(user))

    def live(self):
        return self.filter(voided_at__isnull=True)


class SpendingEntry(models.Model):
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="entries")
    category = models.CharField(max_length=40, choices=SpendingCategory.choices)
    amount = models.DecimalField(**MONEY)
    spent_on = models.DateField()
    description = models.CharField(max_length=255)
    supplier = models.CharField(max_length=160, blank=True)
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_spending",
        help_text="The school the money was spent for, e.g. for intensive support.",
    )
    # Set by other apps (e.g. "cpd.event:12") so recording the same cost twice is harmless.
    source_ref = models.CharField(max_length=120, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    void_reason = models.CharField(max_length=255, blank=True)

    objects = SpendingEntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-spent_on", "-pk"]
        verbose_name_plural = "spending entries"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="spending_positive"),
            models.UniqueConstraint(fields=["source_ref"], condition=~Q(source_ref=""), name="unique_spending_source"),
        ]

    def __str__(self):
        return f"{self.description} (£{self.amount:,.2f})"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


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
