"""Following a subject (DESIGN §12: built once, here): a person asks to hear of what happens to
one object of a space — a campaign's new steps and comments, and whatever else a capability
tells its followers about. One `follows` table for every subject type, keyed by the space that
owns the object, the subject (type and id) and the person, unique; each row also records the
space the person followed from (the owner's own, or a partner space reading a shared object
through `core.tenancy.shared_subject`, inside which these helpers are then called).

What a capability tells the followers goes through core/notifications.py, by each person's
settings; this module only keeps who follows. The caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.core.models import TenantScoped, utcnow
from solidarna.core.tenancy import origin_tenant_id
from solidarna.extensions import db


class Follow(TenantScoped, db.Model):
    """A person who follows one object of this space (`subject_type`, `subject_id`)."""

    __tablename__ = "follows"
    #: only its follower sees it (core/pagecache.py): following changes no visitor's page
    pagecache_exempt = True
    __table_args__ = (
        UniqueConstraint("tenant_id", "subject_type", "subject_id", "user_id"),
        Index("ix_follows_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: the space the person followed from: the owner's own, or a partner space
    origin_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # By name: accounts' User lives on the same declarative base (core imports no capability).
    user = relationship("User", viewonly=True, lazy="joined")


@dataclass(frozen=True)
class Follower:
    user: object
    #: the space they follow from (where their notices link to)
    origin_tenant_id: int


def _person(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _row(user, subject_type: str, subject_id: int):
    return select(Follow.id).where(
        Follow.subject_type == subject_type,
        Follow.subject_id == subject_id,
        Follow.user_id == user.id,
    )


def is_following(user, subject_type: str, subject_id: int) -> bool:
    if not _person(user):
        return False
    return (subject_type, subject_id) in followed_here(user)


def followed_here(user) -> frozenset[tuple[str, int]]:
    """What the person follows in the current space, (subject type, id): kept per account
    and its follows version (`set_following` raises it) and per change of the space
    (core/fragments.py `kept_value`), so a page asks it without a statement; read afresh
    while this request's writes wait for their commit."""
    from solidarna.core.fragments import kept_value

    def read() -> frozenset[tuple[str, int]]:
        rows = db.session.execute(
            select(Follow.subject_type, Follow.subject_id).where(Follow.user_id == user.id)
        )
        return frozenset((subject_type, subject_id) for subject_type, subject_id in rows)

    version = getattr(user, "follows_version", None)
    if version is None:  # not an account row (nothing to key it by): asked each time
        return read()
    return kept_value("follows", user.id, version, compute=read)


def set_following(user, subject_type: str, subject_id: int, follow: bool) -> bool:
    """Follow or stop following; answers whether the person follows now. A new row records
    the space it is made from (`origin_tenant_id()`). The caller commits (a unique constraint
    keeps two clicks at once to one row: the caller may treat that IntegrityError as done)."""
    now = db.session.scalar(_row(user, subject_type, subject_id)) is not None
    if follow and not now:
        db.session.add(
            Follow(subject_type=subject_type, subject_id=subject_id, user_id=user.id,
                   origin_tenant_id=origin_tenant_id())
        )  # fmt: skip
    elif not follow and now:
        db.session.execute(
            delete(Follow).where(
                Follow.subject_type == subject_type,
                Follow.subject_id == subject_id,
                Follow.user_id == user.id,
            )
        )
    if follow != now:
        _raise_version(user)
    return follow


def _raise_version(user) -> None:
    """What the account follows changed: its follows version goes up with the change (one
    UPDATE at the flush; not a change anybody's page shows, so no space's marker moves)."""
    from solidarna.accounts.models import User

    account = db.session.get(User, user.id)  # the session's own row of the account
    if account is not None:
        account.follows_version = User.follows_version + 1


def followers_of(subject_type: str, subject_id: int) -> list[Follower]:
    """Who follows the object, in the order they started, with the space each follows from."""
    rows = db.session.scalars(
        select(Follow)
        .where(Follow.subject_type == subject_type, Follow.subject_id == subject_id)
        .order_by(Follow.id)
    ).all()
    return [Follower(row.user, row.origin_tenant_id) for row in rows if row.user is not None]
