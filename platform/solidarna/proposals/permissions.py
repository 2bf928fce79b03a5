"""Who may do what with proposals (DESIGN §12: the capability's rules live here): reading,
writing the text, keeping the institutions, endorsing and supporting, and the workflow's
transition table with a named permission for every move."""

from __future__ import annotations

from solidarna.core import representation
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.permissions import can_manage_members, is_member, predicate
from solidarna.proposals import coauthors
from solidarna.proposals.models import EDITABLE_STATES, ENDORSING_STATES, SUPPORT_STATES


@predicate
def is_lead_author(user, proposal) -> bool:
    return bool(
        proposal is not None
        and user is not None
        and user.is_authenticated
        and proposal.lead_author_id is not None
        and proposal.lead_author_id == user.id
    )


@predicate
def is_author(user, proposal) -> bool:
    """The lead author or a co-author who accepted the invitation (proposals/coauthors.py)."""
    return coauthors.is_author(user, proposal)


@predicate
def can_view_proposal(user, proposal) -> bool:
    """A draft is seen by its authors (and those invited to co-author it) and the space's
    admins; from consultation on, by everyone who may read the space (the routing already
    checked that)."""
    if proposal is None:
        return False
    if proposal.state != "draft":
        return True
    return coauthors.sees_draft(user, proposal) or can_manage_members(user, proposal)


can_draft_proposal = (is_member | can_manage_members).named(
    "can_draft_proposal", "Members draft proposals; admins too."
)
can_author_proposal = ((is_member & is_author) | can_manage_members).named(
    "can_author_proposal",
    "The authors (the lead and accepted co-authors, while members) and the space's admins.",
)
can_invite_coauthors = ((is_member & is_lead_author) | can_manage_members).named(
    "can_invite_coauthors", "The lead author invites co-authors (and takes invitations back)."
)


@predicate
def text_is_open(user, proposal) -> bool:
    return proposal is not None and proposal.state in EDITABLE_STATES


can_edit_proposal = (can_author_proposal & text_is_open).named(
    "can_edit_proposal", "The authors change the text while it is a draft or in consultation."
)
can_manage_institutions = can_manage_members.named(
    "can_manage_institutions", "The space's admins keep the list of institutions."
)
can_follow_proposal = is_member.named(
    "can_follow_proposal", "Members follow a proposal to hear of every move on its road."
)
can_endorse = is_member.named(
    "can_endorse", "Members who represent an organization endorse on its behalf."
)


@predicate
def can_support_proposal(user, proposal) -> bool:
    return bool(proposal is not None and proposal.state in SUPPORT_STATES and is_member(user))


def may_endorse_for(user, proposal, organization_id: int) -> bool:
    """An active member who is a verified representative of that organization, while the
    proposal gathers endorsements."""
    return bool(
        proposal.state in ENDORSING_STATES
        and is_member(user)
        and representation.may_act_for(user, organization_id)
    )


# --- the workflow: named permissions per move --------------------------------------------------

can_open_consultation = can_author_proposal.named(
    "can_open_consultation", "The authors open their draft to the members' comments."
)
can_return_to_draft = can_author_proposal.named(
    "can_return_to_draft", "The authors take the text back to drafting."
)
can_open_endorsement = can_author_proposal.named(
    "can_open_endorsement", "The authors close the consultation and ask for endorsements."
)
can_adopt_position = can_manage_members.named(
    "can_adopt_position", "The space's admins adopt the proposal as the space's position."
)
can_submit_proposal = can_manage_members.named(
    "can_submit_proposal", "The space's admins record that it was submitted to an institution."
)
can_record_outcome = can_manage_members.named(
    "can_record_outcome", "The space's admins record what the institution did."
)
can_archive_proposal = can_manage_members.named(
    "can_archive_proposal", "The space's admins archive a proposal."
)

_INSTITUTION_ROAD = (
    "public_consultation", "government_procedure", "in_assembly", "adopted_by_institution",
    "partly_adopted", "rejected", "no_answer",
)  # fmt: skip
_ANSWERS = ("adopted_by_institution", "partly_adopted", "rejected", "no_answer")

#: (from, to) -> the named permission of that move. A move not listed is not allowed.
TRANSITIONS: dict[tuple[str, str], object] = {
    ("draft", "consultation"): can_open_consultation,
    ("consultation", "draft"): can_return_to_draft,
    ("consultation", "endorsement"): can_open_endorsement,
    ("endorsement", "consultation"): can_return_to_draft,
    ("endorsement", "adopted"): can_adopt_position,
    ("adopted", "submitted"): can_submit_proposal,
    **{("submitted", to): can_record_outcome for to in _INSTITUTION_ROAD},
    **{("public_consultation", to): can_record_outcome for to in _INSTITUTION_ROAD[1:]},
    **{("government_procedure", to): can_record_outcome for to in _INSTITUTION_ROAD[2:]},
    **{("in_assembly", to): can_record_outcome for to in _ANSWERS},
    **{("no_answer", to): can_record_outcome for to in _INSTITUTION_ROAD[:-1]},
    ("adopted_by_institution", "implemented"): can_record_outcome,
    ("partly_adopted", "implemented"): can_record_outcome,
    **{
        (state, "archived"): can_archive_proposal
        for state in (
            "draft",
            "consultation",
            "endorsement",
            "adopted",
            "submitted",
            "public_consultation",
            "government_procedure",
            "in_assembly",
            "adopted_by_institution",
            "partly_adopted",
            "rejected",
            "no_answer",
            "implemented",
        )
    },  # fmt: skip
}

NOT_ALLOWED = _l("A proposal that is “%(from)s” cannot move to “%(to)s”.")


def moves_from(state: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == state]


def allowed_moves(user, proposal) -> list[str]:
    """The states this person may move the proposal to now."""
    return [
        to for to in moves_from(proposal.state) if TRANSITIONS[(proposal.state, to)](user, proposal)
    ]


# --- amendments (proposals/amendments.py) ----------------------------------------------------


@predicate
def amendments_open(user, proposal) -> bool:
    """Amendments are proposed and decided while the proposal is in consultation."""
    return proposal is not None and proposal.state == "consultation"


can_amend = (is_member & amendments_open).named(
    "can_amend", "Members propose amendments while the proposal is in consultation."
)
can_decide_amendment = (can_author_proposal & amendments_open).named(
    "can_decide_amendment", "The authors and the space's admins accept or reject amendments."
)


@predicate
def is_amender(user, amendment) -> bool:
    return bool(
        amendment is not None
        and user is not None
        and user.is_authenticated
        and amendment.author_id == user.id
    )


can_withdraw_amendment = (is_member & is_amender).named(
    "can_withdraw_amendment", "The amender changes, submits and withdraws their own amendment."
)
can_promote_amendment = ((is_member & is_amender) | can_manage_members).named(
    "can_promote_amendment",
    "The amender (or an admin) turns a rejected amendment into a proposal of its own.",
)


def can_see_amendment(user, amendment) -> bool:
    """A draft amendment is its author's alone; once open, it is public with its proposal."""
    return amendment.state != "draft" or is_amender(user, amendment)


TEMPLATE_PREDICATES = (
    can_draft_proposal,
    can_author_proposal,
    can_edit_proposal,
    can_manage_institutions,
    can_support_proposal,
    can_follow_proposal,
    can_amend,
    can_decide_amendment,
    can_withdraw_amendment,
)
