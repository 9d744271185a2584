"""Joint committees and their meetings (seed 003; DESIGN.md section 2)."""

from .committees import (
    Committee,
    CommitteeMembership,
    EstablishingResolution,
    InterestEntry,
    ResolutionVote,
    TermsOfReference,
)
from .documents import CalendarFeed, Document, MinutesDistribution
from .meetings import (
    RESTRICTED_CATEGORIES,
    Action,
    AgendaItem,
    Attendance,
    Decision,
    InterestDeclaration,
    ItemMinute,
    Meeting,
    Minutes,
    Paper,
    Vote,
)

__all__ = [
    "RESTRICTED_CATEGORIES",
    "Action",
    "AgendaItem",
    "Attendance",
    "CalendarFeed",
    "Committee",
    "CommitteeMembership",
    "Decision",
    "Document",
    "EstablishingResolution",
    "InterestDeclaration",
    "InterestEntry",
    "ItemMinute",
    "Meeting",
    "Minutes",
    "MinutesDistribution",
    "Paper",
    "ResolutionVote",
    "TermsOfReference",
    "Vote",
]
