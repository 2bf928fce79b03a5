"""Discussions attached to other objects (an organization today; working groups and
proposals later) through core/subjects.py: one mechanism, no copies per object type."""

from __future__ import annotations

from flask import abort, g, render_template, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select

from solidarna.core import subjects
from solidarna.core.fragments import kept_value
from solidarna.core.permissions import can_view_tenant, require
from solidarna.core.rendering import render
from solidarna.discussions import reading
from solidarna.discussions.forms import ThreadForm
from solidarna.discussions.models import Thread
from solidarna.discussions.permissions import can_post, can_take_part
from solidarna.discussions.views import start_thread
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("discussion_subjects", __name__, url_prefix="/discussions/about")

PANEL_LIMIT = 5


def get_subject(subject_type: str, subject_id: int) -> subjects.Subject:
    subject = subjects.resolve_one(subject_type, subject_id)
    if subject is None:
        abort(404)
    return subject


@bp.get("/<subject_type>/<int:subject_id>")
def index(subject_type: str, subject_id: int):
    subject = get_subject(subject_type, subject_id)
    return render(
        "discussions/subject.html",
        subject=subject,
        kind=subjects.subject_type(subject_type),
        threads=reading.subject_threads(subject_type, subject_id),
        can_start=can_post(current_user),
    )


@bp.route("/<subject_type>/<int:subject_id>/new", methods=["GET", "POST"])
@require(can_take_part)
def new_thread(subject_type: str, subject_id: int):
    subject = get_subject(subject_type, subject_id)
    return start_thread(ThreadForm(), subject=subject)


def discussion_panel(subject_type: str, subject_id: int) -> Markup | None:
    """The "Discussions" box on an object's page (the object's page already checked that the
    viewer may see it; the capability registry runs this only where discussions are on and the
    subject's capability exists)."""
    if not can_view_tenant(current_user, g.get("tenant")):
        return None

    def draw() -> str:
        threads = reading.subject_threads(subject_type, subject_id, limit=PANEL_LIMIT + 1)
        return render_template(
            "discussions/_subject_panel.html",
            threads=threads[:PANEL_LIMIT],
            more=len(threads) > PANEL_LIMIT,
            subject_type=subject_type,
            subject_id=subject_id,
            can_start=can_post(current_user),
        )

    # the same for everyone of one viewer level (whether they may start one is a level's
    # predicate; no form, no token): kept per change of the space (core/fragments.py), so an
    # object's page shell, whose slots are filled per request, does not read it each time
    return Markup(kept_value("subject-discussions", subject_type, subject_id, compute=draw))


def attached_posts(subject_type: str, ids: list[int]) -> dict[int, subjects.Attached]:
    """For each object among `ids`: how many posts its discussions hold and where to read them
    or start one (core/subjects.attached; one query). Nothing for who may not read the space."""
    if not can_view_tenant(current_user, g.get("tenant")):
        return {}
    counts = dict(
        db.session.execute(
            select(Thread.subject_id, func.sum(Thread.post_count))
            .where(
                Thread.subject_type == subject_type,
                Thread.subject_id.in_(ids),
                Thread.deleted_at.is_(None),
            )
            .group_by(Thread.subject_id)
        ).all()
    )
    return {
        subject_id: subjects.Attached(
            "discussions",
            int(counts.get(subject_id) or 0),
            url_for("discussion_subjects.index", subject_type=subject_type, subject_id=subject_id),
        )
        for subject_id in ids
    }
