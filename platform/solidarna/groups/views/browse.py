"""The list of working groups, a group's page, and starting or changing a group."""

from __future__ import annotations

from functools import partial
from types import SimpleNamespace

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from solidarna.core import fragments, markdown, representation
from solidarna.core.fragments import Lazy
from solidarna.core.permissions import can_manage_members, current_person, is_member, require
from solidarna.core.rendering import render, wants_fragment
from solidarna.core.urls import page_arg
from solidarna.extensions import db
from solidarna.groups import kit, meetings, services, work
from solidarna.groups.forms import AnswerForm, GroupForm, JoinForm
from solidarna.groups.models import RSVP_ANSWERS, GroupMembership, WorkingGroup
from solidarna.groups.permissions import (
    can_answer_invitation,
    can_answer_meeting,
    can_create_group,
    can_join_group,
    can_leave_group,
    can_manage_group,
    can_mark_task,
    own_membership,
)
from solidarna.groups.views.common import load_group, show_error
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("groups", __name__, url_prefix="/groups")


@bp.get("/")
def index():
    filters = services.GroupFilters.from_args(request.args)
    user = current_person()
    themes = Lazy(kit.themes, g.tenant)
    return render(
        # a member's page: one shell per viewer level, query and the groups of theirs the
        # list follows from (`_shell_parts`; core/fragments.py shell_page); the groups, their
        # count and the themes' counts are read only when drawn
        "groups/index.html",
        block="results",
        shell=_shell_parts(filters, user),
        filters=filters,
        themes=themes,
        page=Lazy(services.search, filters, user),
        theme_facet=Lazy(services.theme_facet, filters, user, themes),
    )


def _shell_parts(filters: services.GroupFilters, user) -> tuple | None:
    """What the list shows that the viewer level and the query do not say: the private
    groups a member (not an admin: they see all) sees as their active or invited member
    (services.visible_clause), and under "Only my groups" the groups they are in, invited
    to or waiting for. None where no shell is asked for (a visitor, the caches off, an htmx
    request for the results): then nothing is read for it. And the day: what is "working
    now" (services._filtered) changes at midnight."""
    if user is None or not fragments.enabled() or wants_fragment():
        return None
    # the person's rows are writes in the space: kept per person until one (kept_value)
    rows = fragments.kept_value(
        "group-standings",
        user.id,
        compute=lambda: tuple(
            tuple(row)
            for row in db.session.execute(
                select(GroupMembership.group_id, GroupMembership.status, WorkingGroup.visibility)
                .join(WorkingGroup, WorkingGroup.id == GroupMembership.group_id)
                .where(
                    GroupMembership.user_id == user.id,
                    GroupMembership.status.in_(("active", "pending", "invited")),
                )
            )
        ),
    )
    private = ()
    if is_member(user) and not can_manage_members(user):
        private = tuple(
            sorted(gid for gid, status, seen in rows if seen == "private" and status != "pending")
        )
    mine = tuple(sorted(gid for gid, _status, _seen in rows)) if filters.mine else ()
    return (private, mine, services.today().isoformat())


@bp.get("/<int:group_id>")
def detail(group_id: int):
    """A group's page. A logged-in person's whole page is a page shell (core/fragments.py
    shell_page): drawn once per viewer level and what `_page_parts` names, and served to
    everyone else with the same; what is the viewer's own beyond that (their answers to the
    meetings, which tasks they may mark done, adding a document, the forms that name the
    organizations they represent or the proposals they may link) fills its slots
    (groups/_detail_fills.html). Within it, what is the same for everyone who may do the same
    here — the meetings, the documents, the open tasks, the members and the organizations — is
    kept in the fragment cache too, and read from the database only when drawn (`Lazy`)."""
    group = load_group(group_id)
    user = current_person()
    mine = own_membership(user, group)
    today = services.today()
    # a meeting moves from the upcoming to the past ones without a write: the kept meetings
    # and the page shell follow how many have begun
    begun = meetings.begun(group) if fragments.enabled() else 0
    # the organizations the person represents, read only for the forms that offer them
    acting = Lazy(representation.organizations_represented_by, user)
    agenda = Lazy(meetings.of_group, group)
    may_answer = can_answer_meeting(user, group)
    may_join = can_join_group(user, group)
    invited = can_answer_invitation(user, group)
    # the sub-groups the person sees (a private one only by its own members)
    children = _sub_groups(group, user) if group.parent_id is None else []
    shown = _documents_and_proposals(group, user)
    return render(
        "groups/detail.html",
        shell=_page_parts(user, mine, today, begun, children, shown["works_on"]),
        shell_fills="groups/_detail_fills.html",
        group=group,
        themes=Lazy(kit.themes, g.tenant),
        # the Markdown drawn only with the page
        mandate=partial(markdown.render, group.mandate),
        goals=partial(markdown.render, group.goals),
        roster=Lazy(
            partial(
                services.roster,
                group,
                limit=services.ROSTER_SHOWN,
                organization_limit=services.ROSTER_SHOWN,
            )
        ),  # fmt: skip
        children=children,
        mine=mine,
        ended=group.has_ended(today),
        may_join=may_join,
        join_form=Lazy(partial(JoinForm, organizations=acting)) if may_join else None,
        may_answer_invitation=invited,
        answer_form=Lazy(partial(AnswerForm, organizations=acting)) if invited else None,
        may_leave=can_leave_group(user, group),
        may_manage=can_manage_group(user, group),
        agenda=agenda,
        agenda_html=Lazy(
            lambda: {m.id: markdown.render(m.agenda) for m in agenda.upcoming if m.agenda}
        ),
        begun=begun,
        may_answer=may_answer,
        my_answers=Lazy(meetings.answers_of, group, user if may_answer else None),
        rsvp_answers=RSVP_ANSWERS,
        today=today,
        **shown,
        **_work(group, user),
    )


def _sub_groups(group: WorkingGroup, user) -> list[SimpleNamespace]:
    """The sub-groups the person sees (what the page shows of each), kept per account and
    change of the space (core/fragments.py kept_value: the groups and their members are the
    space's rows)."""

    def ask() -> list[SimpleNamespace]:
        return [
            SimpleNamespace(id=child.id, name=child.name, member_count=child.member_count)
            for child in services.sub_groups(group, user)
        ]

    return fragments.kept_value("group-children", user.id if user else None, group.id, compute=ask)


def _page_parts(user, mine, today, begun: int, children, works_on) -> tuple | None:
    """What a group's page shows that the viewer level does not say: the person's place in the
    group (its status and role: the badge, what they are offered, whether they coordinate it
    or answer its meetings), the sub-groups and the proposals they see (a private sub-group,
    a draft of their own the group works on), and the clock (the day: whether the group has
    ended, which tasks are overdue; the meetings begun: which are upcoming). None where no
    shell is asked for (a visitor, the caches off, an htmx request for a part)."""
    if user is None or not fragments.enabled() or wants_fragment():
        return None
    status = mine.status if mine is not None else ""
    role = mine.role if status in ("active", "pending", "invited") else ""
    return (
        status,
        role,
        today.isoformat(),
        begun,
        tuple(child.id for child in children),
        tuple(proposal.id for proposal in works_on),
    )


@bp.get("/<int:group_id>/people")
def people(group_id: int):
    """All the group's members (or, with `list=organizations`, all its organizations), a page
    of them at a time: whoever may see the group page may see them (`load_group`)."""
    group = load_group(group_id)
    listing = "organizations" if request.args.get("list") == "organizations" else "members"
    per_page = services.PEOPLE_PER_PAGE
    page_number = page_arg(request.args)
    start = (page_number - 1) * per_page
    if listing == "members":
        roster = services.roster(group, limit=per_page, offset=start, organization_limit=0)
        total = roster.member_total
    else:
        roster = services.roster(
            group, limit=0, organization_limit=per_page, organization_offset=start
        )
        total = roster.organization_total
    pages = max(1, -(-total // per_page))
    return render(
        "groups/people.html",
        group=group,
        roster=roster,
        listing=listing,
        page_number=page_number,
        pages=pages,
        first=start + 1,
    )


def _documents_and_proposals(group: WorkingGroup, user) -> dict:
    """The group page's latest documents and the proposals and advocacy platforms the group
    works on."""
    from solidarna.core import links, subjects
    from solidarna.groups import documents
    from solidarna.groups.permissions import can_link_campaign, can_link_proposal
    from solidarna.groups.views.links import (
        CAMPAIGN_RELATION,
        RELATION,
        campaign_link_form,
        link_form,
    )

    rows = Lazy(documents.of_group, group, documents.ON_GROUP_PAGE + 1)
    # the proposals the viewer sees (a draft only by its authors): in the page's parts
    # (kept per account and change of the space: core/fragments.py kept_value)
    person = current_person()
    works_on = fragments.kept_value(
        "group-works-on", person.id if person else None, group.id,
        compute=lambda: links.targets(RELATION, group.id),
    )  # fmt: skip
    may_link = can_link_proposal(user, group)
    # the platforms only where advocacy platforms are switched on; which of them the viewer
    # sees follows from the viewer level, read only when drawn
    campaigns_here = subjects.subject_type("campaign") is not None
    on_campaigns = Lazy(links.targets, CAMPAIGN_RELATION, group.id) if campaigns_here else []
    may_link_campaign = campaigns_here and can_link_campaign(user, group)
    return {
        "show_campaigns": campaigns_here,
        "works_on_campaigns": on_campaigns,
        "may_link_campaign": may_link_campaign,
        "campaign_link_form": (
            Lazy(campaign_link_form, group, on_campaigns) if may_link_campaign else None
        ),
        "document_rows": Lazy(lambda: rows.value()[: documents.ON_GROUP_PAGE]),
        "more_documents": Lazy(lambda: len(rows) > documents.ON_GROUP_PAGE),
        "works_on": works_on,
        "may_link_proposal": may_link,
        # the proposals offered are those the person may see (their own drafts too): a slot
        "link_form": Lazy(link_form, group, works_on) if may_link else None,
    }


def _work(group: WorkingGroup, user) -> dict:
    """The group's open tasks on its page, read only when drawn; whether the viewer may mark
    one done is asked per task by the fragment's slot (`may_mark(task id, assignee id)`)."""
    manages = can_manage_group(user, group)

    def may_mark(task_id, assignee_id) -> bool:
        task = SimpleNamespace(id=int(task_id), group_id=group.id, assignee_id=int(assignee_id))
        return manages or can_mark_task(user, group, task)

    return {"open_tasks": Lazy(work.open_tasks, group), "may_mark": may_mark}


def _form_page(form, group=None, status=200):
    return render("groups/form.html", form=form, group=group, status=status)


@bp.route("/new", methods=["GET", "POST"])
@require(can_create_group)
def create():
    user = current_person()
    form = GroupForm(themes=kit.themes(g.tenant), parents=services.possible_parents(user))
    if not form.is_submitted() and request.args.get("parent", "").isdigit():
        form.parent_id.data = request.args["parent"]
    if form.validate_on_submit():
        try:
            group = services.create(form.data_dict(), user)
        except services.GroupError as error:
            return show_error(form, error, "name") or _form_page(form, status=422)
        db.session.commit()
        flash(_("The working group is started. You are its first coordinator."), "success")
        return redirect(url_for("groups.detail", group_id=group.id), 303)
    return _form_page(form, status=422 if form.errors else 200)


@bp.route("/<int:group_id>/edit", methods=["GET", "POST"])
@require(can_manage_group, obj=load_group)
def edit(group: WorkingGroup):
    user = current_person()
    themes = kit.themes(g.tenant)
    if group.theme not in themes:  # a theme the kit no longer names stays choosable here
        themes = {**themes, group.theme: group.theme}
    form = GroupForm(obj=group, themes=themes, parents=services.possible_parents(user, group))
    if form.validate_on_submit():
        try:
            changed = services.update(group, form.data_dict())
        except services.GroupError as error:
            return show_error(form, error, "name") or _form_page(form, group, 422)
        db.session.commit()
        flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
        return redirect(url_for("groups.detail", group_id=group.id), 303)
    return _form_page(form, group, status=422 if form.errors else 200)
