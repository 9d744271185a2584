from .bookings import (
    book,
    cancel,
    certificate,
    document_download,
    feedback,
    follow_up,
    register,
    sign_in_sheet,
)
from .costs import event_cost_remove, event_costs
from .exports import attendees_csv
from .feeds import feed, feed_revoke, feeds
from .inset import allocation, allocation_publish, allocation_status, choices
from .programme import (
    event_create,
    event_detail,
    event_edit,
    impact,
    my_bookings,
    organiser,
    programme,
    school_bookings,
    session_add,
)

__all__ = [
    "event_cost_remove",
    "event_costs",
    "allocation",
    "allocation_publish",
    "allocation_status",
    "attendees_csv",
    "book",
    "cancel",
    "certificate",
    "choices",
    "document_download",
    "event_create",
    "event_detail",
    "event_edit",
    "feed",
    "feed_revoke",
    "feedback",
    "feeds",
    "follow_up",
    "impact",
    "my_bookings",
    "organiser",
    "programme",
    "register",
    "school_bookings",
    "session_add",
    "sign_in_sheet",
]
