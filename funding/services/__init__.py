"""Writes to the funding area. Other apps (cpd, improvement) call `record_spending`,
`void_spending` and `release_grants_for_condition`; funding never imports them."""

from .contributions import (
    amend_contribution,
    confirm_contribution,
    create_round,
    discard_round,
    gather_inputs,
    issue_round,
    preview_round,
    record_payment,
    reverse_payment,
    spec_for,
)
from .grants import add_grant, release_grant, release_grants_for_condition
from .spending import add_budget_line, record_spending, update_budget_line, void_spending, void_spending_entry
from .statements import request_statement
from .years import (
    add_weighting,
    close_funding_year,
    create_formula,
    create_funding_year,
    remove_weighting,
    reopen_funding_year,
    set_year_start_month,
    update_formula,
)

__all__ = [
    "add_budget_line",
    "add_grant",
    "add_weighting",
    "amend_contribution",
    "close_funding_year",
    "confirm_contribution",
    "create_formula",
    "create_funding_year",
    "create_round",
    "discard_round",
    "gather_inputs",
    "issue_round",
    "preview_round",
    "record_payment",
    "record_spending",
    "release_grant",
    "release_grants_for_condition",
    "remove_weighting",
    "reopen_funding_year",
    "reverse_payment",
    "request_statement",
    "set_year_start_month",
    "spec_for",
    "update_budget_line",
    "update_formula",
    "void_spending",
    "void_spending_entry",
]
