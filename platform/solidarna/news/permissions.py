"""Who may do what with a space's news (DESIGN §12: the capability's rules live here).

The space's admins (and owner) write, edit, publish, unpublish and delete posts: the roles
have no "news editor", so writing news is managing the space. Whoever may read the space
reads its published posts; a draft is seen by its admins only (others get 404)."""

from __future__ import annotations

from solidarna.core.permissions import can_manage_members, can_view_tenant, predicate

can_write_news = can_manage_members.named(
    "can_write_news", "The space's admins write, publish and delete its news."
)


@predicate
def can_view_news_post(user, post) -> bool:
    """A published post: whoever reads the space (the routing checked that); a draft: its
    admins."""
    if post is None:
        return False
    return post.is_published or can_manage_members(user, post)


@predicate
def can_edit_news_post(user, post) -> bool:
    return post is not None and can_manage_members(user, post)


@predicate
def can_follow_news(user, tenant=None) -> bool:
    """Whoever has an account and may read the space hears of its new posts if they ask to."""
    return bool(getattr(user, "is_authenticated", False) and can_view_tenant(user, tenant))


TEMPLATE_PREDICATES = (can_write_news, can_edit_news_post, can_follow_news)
