"""The discussions' rules (discussions/permissions.py) asked directly, as a view would through
@require(predicate, obj=loader): each takes the object it is about."""

from __future__ import annotations

from contextlib import contextmanager

from flask import g

from solidarna.core.tenancy import tenant_context
from solidarna.discussions.models import Post, Thread
from solidarna.discussions.permissions import (
    can_delete_post,
    can_edit_post,
    can_post,
    can_read_thread,
    can_report_post,
    can_take_part,
)
from solidarna.extensions import db
from solidarna.tenants.models import Membership
from solidarna.tenants.permissions import can_manage_membership


@contextmanager
def asked_by(space, user):
    """A request in the space as `user`, with the membership `tenants` would load."""
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        g.tenant = space.tenant
        g.membership = db.session.scalar(db.select(Membership).where(Membership.user_id == user.id))
        try:
            yield
        finally:
            db.session.rollback()  # what a block changed to ask a question is not kept


def test_writing_and_editing(space):
    thread_id = space.thread(author=space.ana)
    with asked_by(space, space.bojan):
        thread = db.session.get(Thread, thread_id)
        post = db.session.scalar(db.select(Post).where(Post.thread_id == thread_id))
        assert can_take_part(space.bojan, space.tenant) and can_post(space.bojan, thread)
        assert can_read_thread(space.bojan, thread) and can_report_post(space.bojan, post)
        assert not can_edit_post(space.bojan, post) and not can_delete_post(space.bojan, post)
        thread.locked = True
        assert not can_post(space.bojan, thread)
    with asked_by(space, space.ana):
        post = db.session.scalar(db.select(Post).where(Post.thread_id == thread_id))
        assert can_edit_post(space.ana, post)
        post.thread.locked = True
        assert not can_edit_post(space.ana, post), "a locked thread keeps its posts as they are"
    with asked_by(space, space.moderator):
        post = db.session.scalar(db.select(Post).where(Post.thread_id == thread_id))
        post.thread.locked = True
        assert can_edit_post(space.moderator, post) and can_post(space.moderator, post.thread)
    with asked_by(space, space.outsider):
        thread = db.session.get(Thread, thread_id)
        assert not can_take_part(space.outsider, space.tenant)
        assert not can_post(space.outsider, thread)
        assert can_read_thread(space.outsider, thread), "a public category is read by anyone"


def test_members_room_threads_are_read_by_members_only(space):
    thread_id = space.thread(author=space.ana, category=space.members)
    with asked_by(space, space.outsider):
        assert not can_read_thread(space.outsider, db.session.get(Thread, thread_id))
    with asked_by(space, space.cveta):
        assert can_read_thread(space.cveta, db.session.get(Thread, thread_id))


def test_only_owners_manage_an_owners_membership(space, make_user):
    admin = make_user(email="admin@example.org")
    with tenant_context(space.tenant.id):
        db.session.add(Membership(user_id=admin.id, role="admin", status="active"))
        db.session.commit()
    for person, expected in ((space.owner, True), (admin, False), (space.moderator, False)):
        with asked_by(space, person):
            owners = db.session.scalar(db.select(Membership).where(Membership.role == "owner"))
            member = db.session.scalar(
                db.select(Membership).where(Membership.user_id == space.ana.id)
            )
            assert can_manage_membership(person, owners) is expected, person.email
            assert can_manage_membership(person, member) is (person is not space.moderator)
