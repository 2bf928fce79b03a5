"""Working groups: the list (theme filter, search across scripts), creating and changing a
group, and every move of a membership (join, ask, invite, answer, approve, decline, leave,
remove, change role), each with its rule and an audit entry. The caller commits."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import func, or_, select

from solidarna.accounts.models import User
from solidarna.core import audit, representation, search_index
from solidarna.core.facets import choice_arg, facet_values, many_arg, paginate, text_arg, url_args
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.permissions import can_manage_members, is_member
from solidarna.core.urls import page_arg
from solidarna.extensions import db
from solidarna.groups.models import ROLES, GroupMembership, WorkingGroup
from solidarna.groups.permissions import forget_membership, may_represent, own_membership
from solidarna.tenants.models import Membership

PER_PAGE = 20
MEMBER_LIMIT = 500
FIELDS = ("name", "theme", "mandate", "goals", "ends_on", "visibility", "join_policy", "parent_id")
#: the order members are listed in
ROLE_ORDER = {role: n for n, role in enumerate(ROLES)}


class GroupError(ValueError):
    """A rule of groups was broken: the message is for the person, `field` names the form
    field, `status` the answer (422 input, 403 not permitted, 409 not possible now)."""

    def __init__(self, message, field: str | None = None, status: int = 422):
        super().__init__(str(message))
        self.field = field
        self.status = status


ENDED = _l("The group's work has ended: it takes no new members.")
LAST_COORDINATOR = _l("A group keeps at least one coordinator: name another one first.")
NOT_REPRESENTATIVE = _l(
    "Only a verified representative of an organization may take part on its behalf."
)


def today() -> date:
    name = "Europe/Belgrade"
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", name)
    return datetime.now(ZoneInfo(name)).date()


# --- who sees what ------------------------------------------------------------------------------


def visible_clause(user):
    """Public groups for every reader; members-only groups for the space's members; private
    groups for their own active or invited members; all for the admins."""
    if can_manage_members(user):
        return WorkingGroup.id.is_not(None)
    if not is_member(user):
        return WorkingGroup.visibility == "public"
    own = select(GroupMembership.group_id).where(
        GroupMembership.user_id == user.id, GroupMembership.status.in_(("active", "invited"))
    )
    return or_(WorkingGroup.visibility.in_(("public", "members")), WorkingGroup.id.in_(own))


# --- the list ------------------------------------------------------------------------------------


@dataclass
class GroupFilters:
    q: str = ""
    theme: list[str] = field(default_factory=list)
    mine: bool = False
    #: only groups that take new members (open or on request; with `ended`, "open" groups)
    joinable: bool = False
    ended: str = "current"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> GroupFilters:
        return cls(
            q=text_arg(args),
            theme=many_arg(args, "theme"),
            mine=args.get("mine") == "1",
            joinable=args.get("joinable") == "1",
            ended=choice_arg(args, "ended", ("current", "ended", "all"), "current"),
            page=page_arg(args),
        )

    def active(self) -> bool:
        return bool(self.q or self.theme or self.mine or self.joinable or self.ended != "current")

    def args(self, **changes) -> dict:
        data = {
            "q": self.q or None,
            "theme": self.theme or None,
            "mine": "1" if self.mine else None,
            "joinable": "1" if self.joinable else None,
            "ended": self.ended if self.ended != "current" else None,
        }
        data.update(changes)
        return url_args(data)


def _filtered(query, filters: GroupFilters, user, skip: str | None = None):
    query = query.where(visible_clause(user))
    query = query.where(*search_index.matching(WorkingGroup.__table__, filters.q))
    if filters.theme and skip != "theme":
        query = query.where(WorkingGroup.theme.in_(filters.theme))
    if filters.mine and user is not None and user.is_authenticated:
        query = query.where(
            WorkingGroup.id.in_(
                select(GroupMembership.group_id).where(
                    GroupMembership.user_id == user.id,
                    GroupMembership.status.in_(("active", "pending", "invited")),
                )
            )
        )
    day = today()
    if filters.joinable:
        query = query.where(
            WorkingGroup.join_policy.in_(("open", "request")),
            or_(WorkingGroup.ends_on.is_(None), WorkingGroup.ends_on >= day),
        )
    if filters.ended == "current":
        query = query.where(or_(WorkingGroup.ends_on.is_(None), WorkingGroup.ends_on >= day))
    elif filters.ended == "ended":
        query = query.where(WorkingGroup.ends_on < day)
    return query


def search(filters: GroupFilters, user):
    query = _filtered(select(WorkingGroup), filters, user).order_by(
        WorkingGroup.parent_id.is_not(None), WorkingGroup.name, WorkingGroup.id
    )
    return paginate(query, filters.page, PER_PAGE)


def theme_facet(filters: GroupFilters, user, themes: dict) -> list:
    rows = db.session.execute(
        _filtered(
            select(WorkingGroup.theme, func.count(WorkingGroup.id)), filters, user, skip="theme"
        ).group_by(WorkingGroup.theme)
    )
    return facet_values(dict(rows.all()), filters.theme, themes)


def sub_groups(group: WorkingGroup, user) -> list[WorkingGroup]:
    return list(
        db.session.scalars(
            select(WorkingGroup)
            .where(WorkingGroup.parent_id == group.id, visible_clause(user))
            .order_by(WorkingGroup.name)
        )
    )


def possible_parents(user, exclude: WorkingGroup | None = None) -> list[WorkingGroup]:
    """Top-level groups the person sees (sub-groups go one level deep)."""
    query = select(WorkingGroup).where(WorkingGroup.parent_id.is_(None), visible_clause(user))
    if exclude is not None and exclude.id is not None:
        query = query.where(WorkingGroup.id != exclude.id)
    return list(db.session.scalars(query.order_by(WorkingGroup.name)))


# --- a group --------------------------------------------------------------------------------------


def check_parent(group: WorkingGroup | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    parent = db.session.get(WorkingGroup, parent_id)
    if parent is None:
        raise GroupError(_l("Choose a group of this space."), "parent_id")
    if group is not None and parent.id == group.id:
        raise GroupError(_l("A group cannot be its own sub-group."), "parent_id")
    if parent.parent_id is not None:
        raise GroupError(_l("Sub-groups go one level deep: choose a top-level group."), "parent_id")
    if group is not None and group.id is not None:
        has_children = db.session.scalar(
            select(WorkingGroup.id).where(WorkingGroup.parent_id == group.id).limit(1)
        )
        if has_children:
            raise GroupError(
                _l("This group has sub-groups of its own, so it cannot become one."), "parent_id"
            )


def create(data: dict, user) -> WorkingGroup:
    """A new group; the person who starts it is its first coordinator."""
    check_parent(None, data.get("parent_id"))
    group = WorkingGroup(created_by_id=user.id, member_count=1)
    for name in FIELDS:
        setattr(group, name, data.get(name))
    group.refresh_search()
    db.session.add(group)
    db.session.flush()
    db.session.add(
        GroupMembership(
            group_id=group.id, user_id=user.id, role="coordinator", status="active",
            active_from=today(), decided_by_id=user.id,
        )
    )  # fmt: skip
    audit.record("group.created", target=group)
    forget_membership(user, group)
    return group


def update(group: WorkingGroup, data: dict) -> list[str]:
    check_parent(group, data.get("parent_id"))
    changed = [name for name in FIELDS if getattr(group, name) != data.get(name)]
    for name in changed:
        setattr(group, name, data.get(name))
    if changed:
        group.refresh_search()
        audit.record("group.changed", target=group, fields=changed)
    return changed


# --- the members ---------------------------------------------------------------------------------


#: members and organizations the group page shows; the rest are on the group's people page
ROSTER_SHOWN = 30
#: members (or organizations) per page of the group's people page
PEOPLE_PER_PAGE = 50


class Roster:
    """A group's people: the active members in role order (`members`, a window of at most
    `limit` from `offset`) with their organizations' cards (`cards`, `actor_labels`), and the
    organizations taking part with the counts by municipality and kind of actor, always of
    all of them (`organizations` a window of `organization_limit` from `organization_offset`).
    The organizations' part is worked out when first asked for: a page that keeps it in the
    fragment cache does not describe every organization on each view."""

    def __init__(self, members, cards, people, names, member_total,
                 organization_limit=None, organization_offset=0):  # fmt: skip
        self.members = members
        self.cards = cards
        self.member_total = member_total
        self._people = people
        self._names = names
        self._window = (organization_offset, organization_limit)
        # each label translated once, not once per row that shows it
        self.actor_labels = {oid: str(c.actor_type_label) for oid, c in cards.items()}
        self.role_labels = {code: str(label) for code, label in ROLES.items()}

    @property
    def organization_total(self) -> int:
        return len(self._people)

    @cached_property
    def organizations(self) -> list:  # [(card or None, name, people)]
        """The window of the organizations by name; only its own entries are described."""
        ordered = sorted(self._people, key=lambda oid: self._names[oid].casefold())
        offset, limit = self._window
        shown = ordered[offset : None if limit is None else offset + limit]
        cards = representation.describe(shown)
        return [(cards.get(oid), self._names[oid], self._people[oid]) for oid in shown]

    @cached_property
    def _counts(self) -> dict:
        cards = representation.describe(self._people)
        labels = {oid: str(c.actor_type_label) for oid, c in cards.items()}
        municipalities = Counter(c.municipality for c in cards.values() if c.municipality)
        actor_types = Counter(labels.values())
        return {
            "by_municipality": sorted(municipalities.items(), key=lambda kv: (-kv[1], kv[0])),
            "by_actor_type": sorted(actor_types.items(), key=lambda kv: (-kv[1], kv[0])),
            "organization_labels": labels,
        }

    @property
    def by_municipality(self) -> list:
        return self._counts["by_municipality"]

    @property
    def by_actor_type(self) -> list:
        return self._counts["by_actor_type"]

    @cached_property
    def organization_labels(self) -> dict:
        """{organization id: its kind of actor, translated} for the organizations shown."""
        return {card.id: str(card.actor_type_label) for card, _, _ in self.organizations if card}


def roster(
    group: WorkingGroup,
    limit: int | None = None,
    offset: int = 0,
    organization_limit: int | None = None,
    organization_offset: int = 0,
) -> Roster:
    """The group's roster; with `limit` only that many members from `offset` are loaded as
    memberships (the others are counted from a light query of their columns), and with
    `organization_limit` only that window of the organizations is kept."""
    light = db.session.execute(
        select(
            GroupMembership.id,
            GroupMembership.role,
            GroupMembership.organization_id,
            GroupMembership.organization_name,
            User.name,
        )
        .join(User, User.id == GroupMembership.user_id)
        .where(GroupMembership.group_id == group.id, GroupMembership.status == "active")
        .limit(MEMBER_LIMIT)
    ).all()
    light.sort(key=lambda r: (ROLE_ORDER.get(r.role, 9), (r.name or "").casefold(), r.id))
    window = light[offset : offset + limit] if limit is not None else light[offset:]
    wanted = [r.id for r in window]
    loaded = (
        {
            m.id: m
            for m in db.session.scalars(
                select(GroupMembership).where(GroupMembership.id.in_(wanted))
            )
        }
        if wanted
        else {}
    )
    rows = [loaded[i] for i in wanted if i in loaded]
    people = Counter(r.organization_id for r in light if r.organization_id)
    names: dict[int, str] = {}
    for r in light:  # the name kept with the first membership for it (one pass, not one each)
        if r.organization_id:
            names.setdefault(r.organization_id, r.organization_name)
    return Roster(
        members=rows,
        cards=representation.describe(m.organization_id for m in rows),
        people=people,
        names=names,
        member_total=len(light),
        organization_limit=organization_limit,
        organization_offset=organization_offset,
    )


def waiting(group: WorkingGroup) -> list[GroupMembership]:
    """Requests and invitations not answered yet, oldest first."""
    return list(
        db.session.scalars(
            select(GroupMembership)
            .where(
                GroupMembership.group_id == group.id,
                GroupMembership.status.in_(("pending", "invited")),
            )
            .order_by(GroupMembership.created_at, GroupMembership.id)
        )
    )


def invitable_people(group: WorkingGroup) -> list[User]:
    """Active members of the space who are not in the group nor waiting."""
    taken = select(GroupMembership.user_id).where(
        GroupMembership.group_id == group.id,
        GroupMembership.status.in_(("active", "pending", "invited")),
    )
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.status == "active", User.id.not_in(taken))
            .order_by(User.name)
        )
    )


def _organization_name(organization_id: int | None) -> str:
    if organization_id is None:
        return ""
    card = representation.describe([organization_id]).get(organization_id)
    return card.name if card else ""


def _check_open(group: WorkingGroup) -> None:
    if group.has_ended(today()):
        raise GroupError(ENDED, status=409)


def _set_active(membership: GroupMembership, group: WorkingGroup, by) -> None:
    if membership.status != "active":
        group.member_count = (group.member_count or 0) + 1
    membership.status = "active"
    membership.active_from = today()
    membership.active_to = None
    membership.decided_by_id = getattr(by, "id", None)


def _set_gone(membership: GroupMembership, group: WorkingGroup, status: str) -> None:
    if membership.status == "active":
        group.member_count = max(0, (group.member_count or 0) - 1)
        membership.active_to = today()
    membership.status = status


def _details(membership: GroupMembership) -> dict:
    details = {"person": membership.user.name if membership.user else ""}
    if membership.organization_name:
        details["organization"] = membership.organization_name
    return details


def join(group: WorkingGroup, user, organization_id: int | None, message: str = "") -> str:
    """Join an open group at once, or ask to join one on request; returns the new status."""
    _check_open(group)
    if group.join_policy not in ("open", "request"):
        raise GroupError(_l("This group takes members by invitation only."), status=409)
    if not may_represent(user, organization_id):
        raise GroupError(NOT_REPRESENTATIVE, "organization_id", 403)
    membership = own_membership(user, group)
    if membership is not None and membership.status in ("active", "pending", "invited"):
        raise GroupError(_l("You are already in this group or waiting for an answer."), status=409)
    if membership is None:
        membership = GroupMembership(group_id=group.id, user_id=user.id, role="member")
        db.session.add(membership)
    membership.organization_id = organization_id
    membership.organization_name = _organization_name(organization_id)
    membership.message = message
    membership.role = "member"
    if group.join_policy == "open":
        _set_active(membership, group, user)
    else:
        membership.status = "pending"
        membership.decided_by_id = None
    db.session.flush()
    forget_membership(user, group)
    audit.record(
        "group.joined" if membership.status == "active" else "group.join_requested",
        target=group, **_details(membership),
    )  # fmt: skip
    return membership.status


def invite(group: WorkingGroup, person: User, role: str, by, message: str = "") -> None:
    _check_open(group)
    if role not in ROLES:
        raise GroupError(_l("Choose a role."), "role")
    in_space = db.session.scalar(
        select(Membership.id).where(Membership.user_id == person.id, Membership.status == "active")
    )
    if in_space is None:
        raise GroupError(_l("Only members of this space can be invited."), "user_id")
    membership = db.session.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == group.id, GroupMembership.user_id == person.id
        )
    )
    if membership is not None and membership.status in ("active", "pending", "invited"):
        raise GroupError(
            _l("%(name)s is already in the group or waiting for an answer.", name=person.name),
            "user_id", 409,
        )  # fmt: skip
    if membership is None:
        membership = GroupMembership(group_id=group.id, user_id=person.id)
        db.session.add(membership)
    membership.role = role
    membership.status = "invited"
    membership.organization_id = None
    membership.organization_name = ""
    membership.message = message
    membership.invited_by_id = by.id
    db.session.flush()
    audit.record("group.invited", target=group, person=person.name, role=role)


def answer_invitation(group: WorkingGroup, user, accept: bool, organization_id=None) -> None:
    membership = own_membership(user, group)
    if membership is None or membership.status != "invited":
        raise GroupError(_l("There is no invitation to answer."), status=409)
    if accept:
        _check_open(group)
        if not may_represent(user, organization_id):
            raise GroupError(NOT_REPRESENTATIVE, "organization_id", 403)
        membership.organization_id = organization_id
        membership.organization_name = _organization_name(organization_id)
        _set_active(membership, group, user)
    else:
        membership.status = "declined"
    forget_membership(user, group)
    audit.record(
        "group.invitation_accepted" if accept else "group.invitation_declined",
        target=group, **_details(membership),
    )  # fmt: skip


def decide(group: WorkingGroup, membership: GroupMembership, accept: bool, by) -> None:
    """A coordinator approves or declines a request to join."""
    if membership.status != "pending":
        raise GroupError(_l("This request has been answered already."), status=409)
    if accept:
        _check_open(group)
        # still a representative? the request may be old
        if not may_represent(membership.user, membership.organization_id):
            membership.organization_id = None
            membership.organization_name = ""
        _set_active(membership, group, by)
    else:
        membership.status = "declined"
        membership.decided_by_id = by.id
    audit.record(
        "group.request_approved" if accept else "group.request_declined",
        target=group, **_details(membership),
    )  # fmt: skip


def _other_coordinators(group: WorkingGroup, membership: GroupMembership) -> int:
    return db.session.scalar(
        select(func.count(GroupMembership.id)).where(
            GroupMembership.group_id == group.id,
            GroupMembership.status == "active",
            GroupMembership.role == "coordinator",
            GroupMembership.id != membership.id,
        )
    )


def _keeps_a_coordinator(group: WorkingGroup, membership: GroupMembership) -> None:
    if (
        membership.status == "active"
        and membership.role == "coordinator"
        and not _other_coordinators(group, membership)
    ):
        raise GroupError(LAST_COORDINATOR, "role", 409)


def leave(group: WorkingGroup, user) -> None:
    """The person leaves (or takes back a request to join)."""
    membership = own_membership(user, group)
    if membership is None or membership.status not in ("active", "pending"):
        raise GroupError(_l("You are not in this group."), status=409)
    _keeps_a_coordinator(group, membership)
    _set_gone(membership, group, "left")
    forget_membership(user, group)
    audit.record("group.left", target=group, **_details(membership))


def remove(group: WorkingGroup, membership: GroupMembership) -> None:
    """A coordinator takes a member out of the group (or withdraws an invitation)."""
    if membership.status not in ("active", "invited"):
        raise GroupError(_l("This person is not in the group."), status=409)
    _keeps_a_coordinator(group, membership)
    _set_gone(membership, group, "left")
    audit.record("group.member_removed", target=group, **_details(membership))


def change_role(group: WorkingGroup, membership: GroupMembership, role: str) -> bool:
    if role not in ROLES:
        raise GroupError(_l("Choose a role."), "role")
    if membership.status != "active":
        raise GroupError(_l("Only an active member's role can be changed."), status=409)
    if role == membership.role:
        return False
    if role != "coordinator":
        _keeps_a_coordinator(group, membership)
    old = membership.role
    membership.role = role
    audit.record("group.role_changed", target=group, old=old, new=role, **_details(membership))
    return True
