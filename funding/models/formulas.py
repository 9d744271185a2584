"""The common formula and its weightings."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from partnership.models import Partnership

from ._common import MONEY, NON_NEGATIVE


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
