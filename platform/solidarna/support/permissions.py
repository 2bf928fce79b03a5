"""Who may do what with support requests (DESIGN §12: the capability's rules live here).

Any logged-in person may ask the office for help (for themselves, or for an organization they
represent). A request and its case are visible only to the requester and to the space's
advisors: the space's admins and owners (and platform admins), the staff role that already
manages the space (docs/architecture.md, "Support"). Everyone else gets 404, as if it did not
exist. Private notes, the advisor, the priority and the barrier codes are for advisors only."""

from __future__ import annotations

from solidarna.core.permissions import can_manage_members, predicate


def _person(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


can_advise = can_manage_members.named(
    "can_advise", "The space's admins are its advisors: they work the support cases."
)


@predicate
def can_request_support(user, tenant=None) -> bool:
    return _person(user)


@predicate
def is_requester(user, case) -> bool:
    return bool(
        _person(user) and case is not None and case.erased_at is None
        and case.requester_id == user.id
    )  # fmt: skip


@predicate
def can_view_case(user, case) -> bool:
    return case is not None and (is_requester(user, case) or can_advise(user, case))


@predicate
def can_work_case(user, case) -> bool:
    """Change the status, the advisor, the notes and the barriers: advisors."""
    return case is not None and can_advise(user, case)


@predicate
def can_write_message(user, case) -> bool:
    """Messages: the requester while the case is not closed (an erased one never), advisors
    always (writing on a closed case does not reopen it)."""
    if case is None:
        return False
    if can_advise(user, case):
        return case.erased_at is None
    return is_requester(user, case) and case.status != "closed"


TEMPLATE_PREDICATES = (can_advise, can_view_case, can_work_case, can_write_message, is_requester)
