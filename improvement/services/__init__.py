"""Writes to the improvement area: one transaction each, with an audit row."""

from .categories import add_category, categorise_school
from .news import post_news, set_digest
from .peer import (
    add_follow_up,
    create_round,
    form_groups,
    record_review_report,
    share_review,
    suggest_groups,
    update_follow_up,
)
from .plan import add_priority, approve_plan, create_plan, record_priority_update
from .support import (
    agree_support,
    close_agreement,
    log_visit,
    match_request,
    raise_request,
    record_review,
    withdraw_request,
)
from .surveys import add_question, close_survey, create_survey, send_survey, submit_response

__all__ = [
    "add_category",
    "add_follow_up",
    "add_priority",
    "add_question",
    "agree_support",
    "approve_plan",
    "categorise_school",
    "close_agreement",
    "close_survey",
    "create_plan",
    "create_round",
    "create_survey",
    "form_groups",
    "log_visit",
    "match_request",
    "post_news",
    "raise_request",
    "record_priority_update",
    "record_review",
    "record_review_report",
    "send_survey",
    "set_digest",
    "share_review",
    "submit_response",
    "suggest_groups",
    "update_follow_up",
    "withdraw_request",
]
