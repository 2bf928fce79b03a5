"""Who may read and write what in a space's discussions (DESIGN §12: the rules live in the
capability). Composable predicates from core/permissions.py, each taking the object it is
about; views ask them through `@require(predicate, obj=loader)` and templates by name."""

from __future__ import annotations

from solidarna.core import subjects
from solidarna.core.permissions import (
    ROLE_RANK,
    can_manage_members,
    can_moderate,
    is_member,
    predicate,
)
from solidarna.discussions.models import Category, Post, Thread


def visible_levels(user) -> list[str]:
    """The category visibilities the user may read in the current tenant."""
    levels = ["public"]
    if is_member(user) or can_moderate(user):
        levels.append("members")
    if can_manage_members(user):
        levels.append("admins")
    return levels


@predicate
def can_view_category(user, category: Category | None) -> bool:
    return category is not None and category.visibility in visible_levels(user)


#: members write in the space's discussions (moderators and admins too)
can_take_part = (is_member | can_moderate).named("can_take_part")


@predicate
def can_post(user, thread: Thread | None = None) -> bool:
    """Members write; a locked or deleted thread takes only moderators' posts."""
    if can_moderate(user):
        return True
    return is_member(user) and not (thread is not None and (thread.locked or thread.deleted_at))


@predicate
def can_edit_post(user, post: Post) -> bool:
    """Moderators; and the author while a member, unless the post is hidden or the thread
    locked. Nobody edits a deleted post."""
    if post is None or post.is_deleted or user is None or not user.is_authenticated:
        return False
    if can_moderate(user):
        return True
    return (
        post.author_id == user.id
        and is_member(user)
        and not post.is_hidden
        and not post.thread.locked
    )


can_delete_post = can_edit_post.named("can_delete_post")


class PostRef:
    """What `can_edit_post` and `can_report_post` read of a post, from the slot of a kept
    posts list (core/fragments.py: templates/discussions/_post_slots.html), so each request
    asks the same predicates without loading the posts. Only for posts shown undeleted.
    `can_edit_post` reads of it only the author and whether it is hidden: the posts' filler
    asks it once per such pair on a page (reading.py post_actions_fill)."""

    is_deleted = False

    def __init__(self, post_id: int, author_id: int, hidden: bool, thread: Thread):
        self.id, self.author_id, self.is_hidden, self.thread = (
            post_id,
            author_id or None,
            hidden,
            thread,
        )
        self.thread_id, self.tenant_id = thread.id, thread.tenant_id


@predicate
def can_report_post(user, post: Post) -> bool:
    """Members report what they can read."""
    return post is not None and is_member(user)


def thread_subject(thread: Thread) -> subjects.Subject | None:
    """The object an attached thread is about, if the viewer may see it."""
    if not thread.subject_type:
        return None
    return subjects.resolve_one(thread.subject_type, thread.subject_id)


@predicate
def can_read_thread(user, thread: Thread | None) -> bool:
    """A thread in a category the person may read, or about an object they may see; deleted
    threads only for moderators."""
    if thread is None:
        return False
    if thread.deleted_at is not None and not can_moderate(user):
        return False
    if thread.category_id is not None:
        return can_view_category(user, thread.category)
    return thread_subject(thread) is not None


def reader_rank(thread: Thread | None = None, category: Category | None = None) -> int:
    """The role rank an active member needs to read the thread (or a new thread in `category`):
    admins for an admins' category, any member otherwise. Notices and mention suggestions go
    only to those."""
    if thread is not None:
        category = thread.category
    return ROLE_RANK["admin"] if category is not None and category.visibility == "admins" else 1


#: the rules templates ask by name (Capability.predicates)
TEMPLATE_PREDICATES = (can_edit_post,)
