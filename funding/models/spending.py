"""Budget lines and spending entries."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ._common import MONEY, NON_NEGATIVE, _full_view_partnership_ids
from .years import FundingYear


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
