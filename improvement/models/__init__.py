"""School improvement: the partnership plan, categorisation, school-to-school support,
peer review, surveys and news."""

from .categories import Categorisation, Category
from .news import NewsDigestSubscription, NewsItem
from .peer import FollowUpAction, PeerReview, PeerReviewGroup, PeerReviewRound
from .plan import Plan, Priority, PriorityUpdate, Rag
from .support import SupportAgreement, SupportRequest, SupportReview, SupportVisit
from .surveys import Question, Survey, SurveyRecipient

__all__ = [
    "Categorisation",
    "Category",
    "FollowUpAction",
    "NewsDigestSubscription",
    "NewsItem",
    "PeerReview",
    "PeerReviewGroup",
    "PeerReviewRound",
    "Plan",
    "Priority",
    "PriorityUpdate",
    "Question",
    "Rag",
    "SupportAgreement",
    "SupportRequest",
    "SupportReview",
    "SupportVisit",
    "Survey",
    "SurveyRecipient",
]
