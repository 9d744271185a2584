from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.forms import DateInput
from partnership.inputs import MoneyField

from .models import BudgetLine, Formula, FormulaWeighting, FundingYear, Grant, GrantCondition, SpendingCategory

MONTHS = [(n, date(2000, n, 1).strftime("%B")) for n in range(1, 13)]


def money_field(label: str, *, required: bool = True, allow_zero: bool = False, help_text: str = "") -> MoneyField:
    return MoneyField(
        label=label,
        required=required,
        min_value=Decimal("0.00") if allow_zero else Decimal("0.01"),
        help_text=help_text,
    )


class FundingSettingsForm(forms.Form):
    year_start_month = forms.TypedChoiceField(
        label="Funding years start in", choices=MONTHS, coerce=int, help_text="April is the LA financial year."
    )


class FundingYearForm(forms.Form):
    start_year = forms.IntegerField(
        label="Year the funding year starts", min_value=2000, max_value=2100, help_text="For example 2026 for 2026/27."
    )


class FormulaForm(forms.ModelForm):
    class Meta:
        model = Formula
        fields = [
            "name",
            "mode",
            "lump_sum",
            "per_pupil_rate",
            "total",
            "special_school_weight",
            "floor",
            "cap",
            "notes",
        ]
        widgets = {"mode": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"lump_sum": MoneyField, "total": MoneyField, "floor": MoneyField, "cap": MoneyField}

    def clean(self):
        cleaned = super().clean()
        mode = cleaned.get("mode")
        if mode == Formula.Mode.FIXED_RATES and cleaned.get("per_pupil_rate") is None:
            self.add_error("per_pupil_rate", "Give the amount per pupil for a formula with fixed rates.")
        if mode == Formula.Mode.FIXED_TOTAL and not cleaned.get("total"):
            self.add_error("total", "Give the total to raise for a formula with a fixed total.")
        floor, cap = cleaned.get("floor"), cleaned.get("cap")
        if floor is not None and cap is not None and floor > cap:
            self.add_error("cap", "The cap cannot be lower than the floor.")
        return cleaned


class WeightingForm(forms.ModelForm):
    class Meta:
        model = FormulaWeighting
        fields = ["kind", "phase", "min_pupils", "max_pupils", "weight"]
        labels = {"min_pupils": "From (pupils)", "max_pupils": "To (pupils)"}
        help_texts = {
            "max_pupils": "Leave blank for no upper limit.",
            "weight": "For example 1.2 for 20% more per pupil.",
        }


class RoundForm(forms.Form):
    name = forms.CharField(max_length=160)
    funding_year = forms.ModelChoiceField(queryset=FundingYear.objects.none())
    formula = forms.ModelChoiceField(queryset=Formula.objects.none())
    census_date = forms.DateField(
        widget=DateInput(), help_text="Pupil numbers are taken from the latest count on or before this date."
    )
    members_on = forms.DateField(
        label="Member schools on", widget=DateInput(), help_text="Schools that are members on this date contribute."
    )
    due_on = forms.DateField(label="Payment due by", widget=DateInput(), required=False)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_year"].queryset = FundingYear.objects.filter(partnership=partnership, is_closed=False)
        self.fields["formula"].queryset = Formula.objects.filter(partnership=partnership)


class PreviewForm(forms.Form):
    census_date = forms.DateField(widget=DateInput())
    members_on = forms.DateField(label="Member schools on", widget=DateInput())


class AmendForm(forms.Form):
    amount = money_field("New amount", allow_zero=True)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class PaymentForm(forms.Form):
    amount = money_field("Amount paid")
    paid_on = forms.DateField(label="Paid on", widget=DateInput(), initial=timezone.localdate)
    reference = forms.CharField(max_length=120, help_text="For example the transfer or invoice number.")
    note = forms.CharField(max_length=255, required=False)


class ReverseForm(forms.Form):
    reason = forms.CharField(max_length=255)


class GrantForm(forms.ModelForm):
    amount = money_field("Amount")
    received_on = forms.DateField(
        label="Received on", widget=DateInput(), required=False, help_text="For income with no condition."
    )

    class Meta:
        model = Grant
        fields = ["name", "kind", "funder", "funding_year", "amount", "school", "condition", "condition_detail"]

    def __init__(self, *args, partnership, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_year"].queryset = FundingYear.objects.filter(partnership=partnership, is_closed=False)
        self.fields["school"].queryset = schools
        self.fields["school"].required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("condition") == GrantCondition.MANUAL and not cleaned.get("condition_detail", "").strip():
            self.add_error("condition_detail", "Describe what must happen before the money is released.")
        return cleaned


class ReleaseForm(forms.Form):
    released_on = forms.DateField(label="Condition met on", widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label="How was it met?", max_length=255)


class ConditionMetForm(forms.Form):
    condition = forms.ChoiceField(
        choices=[
            (GrantCondition.HEADS_OF_AGREEMENT_SIGNED, GrantCondition.HEADS_OF_AGREEMENT_SIGNED.label),
            (GrantCondition.BUSINESS_PLAN_APPROVED, GrantCondition.BUSINESS_PLAN_APPROVED.label),
        ]
    )
    met_on = forms.DateField(label="Met on", widget=DateInput(), initial=timezone.localdate)


class BudgetLineForm(forms.ModelForm):
    planned_amount = money_field("Planned amount", allow_zero=True)

    class Meta:
        model = BudgetLine
        fields = ["category", "name", "planned_amount"]


class PlannedAmountForm(forms.Form):
    planned_amount = money_field("Planned amount", allow_zero=True)


class SpendingForm(forms.Form):
    category = forms.ChoiceField(choices=SpendingCategory.choices)
    amount = money_field("Amount")
    spent_on = forms.DateField(label="Spent on", widget=DateInput(), initial=timezone.localdate)
    description = forms.CharField(max_length=255)
    supplier = forms.CharField(max_length=160, required=False)
    school = forms.ModelChoiceField(
        queryset=None, required=False, help_text="The school the money was spent for, if any."
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=255)


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Shows a service's refusal on the form, as a non-field error."""
    for message in error.messages:
        form.add_error(None, message)


class AgreedPupilCountForm(forms.Form):
    """The partnership's own pupil figure for one of its schools (schools.AgreedPupilCount)."""

    school = forms.ModelChoiceField(label="School", queryset=None, empty_label="Choose a school")
    pupils = forms.IntegerField(label="Pupils agreed", min_value=0, max_value=100_000)
    applies_from = forms.DateField(
        label="Used from",
        widget=DateInput,
        help_text="Rounds with a census date on or after this use the figure, until a later one replaces it.",
    )
    note = forms.CharField(
        label="Why, and where it was agreed",
        max_length=200,
        required=False,
        help_text="Shown in each school's working.",
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools

    def clean_applies_from(self):
        day = self.cleaned_data["applies_from"]
        if not 1990 <= day.year <= 2100:
            raise ValidationError("Enter a date between 1990 and 2100.")
        return day
