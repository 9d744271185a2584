"""Who may see and do what in school improvement. Built only on the core permission layer.

Confidential things (a school's category, its support, its peer review report) answer
404 to anyone not allowed to see them: we do not admit they exist."""

from partnership.models import Role
from partnership.permissions import has_role, is_head_of


def is_coordinator(user, partnership) -> bool:
    return has_role(user, partnership, Role.COORDINATOR)


def reads_everything(user, partnership) -> bool:
    """Coordinators and LA officers see every school's category and support."""
    return has_role(user, partnership, Role.COORDINATOR, Role.LA_OFFICER)


def is_member(user, partnership) -> bool:
    return has_role(user, partnership)


def can_see_category(user, partnership, school) -> bool:
    return reads_everything(user, partnership) or is_head_of(user, school)


def can_request_support(user, partnership, school=None) -> bool:
    if is_coordinator(user, partnership):
        return True
    return school is not None and is_head_of(user, school)


def can_see_support_request(user, support_request) -> bool:
    return (
        reads_everything(user, support_request.partnership_id)
        or is_head_of(user, support_request.school_id)
        or bool(support_request.provider_school_id and is_head_of(user, support_request.provider_school_id))
    )


def can_withdraw_request(user, support_request) -> bool:
    return is_coordinator(user, support_request.partnership_id) or is_head_of(user, support_request.school_id)


def can_see_agreement(user, agreement) -> bool:
    return (
        reads_everything(user, agreement.partnership_id)
        or is_head_of(user, agreement.receiving_school_id)
        or is_head_of(user, agreement.supporting_school_id)
        or bool(agreement.supporting_leader_id and agreement.supporting_leader.user_id == user.pk)
    )


def can_log_visit(user, agreement) -> bool:
    """The supporting leader (their head, or the leader's own account) and the coordinator."""
    return (
        is_coordinator(user, agreement.partnership_id)
        or is_head_of(user, agreement.supporting_school_id)
        or bool(agreement.supporting_leader_id and agreement.supporting_leader.user_id == user.pk)
    )


def can_review_agreement(user, agreement) -> bool:
    return is_coordinator(user, agreement.partnership_id) or is_head_of(user, agreement.receiving_school_id)


def can_close_agreement(user, agreement) -> bool:
    """The receiving school evaluates and closes; the coordinator may record it for them."""
    return is_coordinator(user, agreement.partnership_id) or is_head_of(user, agreement.receiving_school_id)


def can_see_review(user, review, partnership) -> bool:
    if is_coordinator(user, partnership) or is_head_of(user, review.school_id):
        return True
    return review.is_shared and is_member(user, partnership)


def can_share_review(user, review) -> bool:
    return is_head_of(user, review.school_id)


def school_ids_led(user, partnership) -> set[int]:
    from partnership.permissions import school_ids_for

    return school_ids_for(user, partnership)
