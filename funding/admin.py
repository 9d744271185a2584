from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    BudgetLine,
    Contribution,
    ContributionRound,
    Formula,
    FundingYear,
    Grant,
    Payment,
    SpendingEntry,
    StatementJob,
)


@admin.register(FundingYear)
class FundingYearAdmin(SimpleHistoryAdmin):
    list_display = ["label", "partnership", "start", "end", "is_closed"]
    list_filter = ["partnership", "is_closed"]


@admin.register(Formula)
class FormulaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "partnership", "mode", "lump_sum", "per_pupil_rate", "total"]


@admin.register(ContributionRound)
class ContributionRoundAdmin(SimpleHistoryAdmin):
    list_display = ["name", "partnership", "funding_year", "status", "total"]
    list_filter = ["status"]


@admin.register(Contribution)
class ContributionAdmin(SimpleHistoryAdmin):
    list_display = ["school_name", "round", "version", "is_current", "amount"]
    list_filter = ["is_current"]
    # Money records change through the services, which keep the audit trail.
    readonly_fields = [f.name for f in Contribution._meta.fields]


@admin.register(Payment)
class PaymentAdmin(SimpleHistoryAdmin):
    list_display = ["school", "round", "amount", "paid_on", "reference"]
    readonly_fields = [f.name for f in Payment._meta.fields]


@admin.register(Grant)
class GrantAdmin(SimpleHistoryAdmin):
    list_display = ["name", "partnership", "amount", "condition", "released_on"]


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = ["name", "funding_year", "category", "planned_amount"]


@admin.register(SpendingEntry)
class SpendingEntryAdmin(SimpleHistoryAdmin):
    list_display = ["description", "category", "amount", "spent_on", "voided_at"]
    readonly_fields = [f.name for f in SpendingEntry._meta.fields]


@admin.register(StatementJob)
class StatementJobAdmin(admin.ModelAdmin):
    list_display = ["contribution", "status", "created_at", "finished_at"]
