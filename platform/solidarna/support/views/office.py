"""The office's side (advisors: the space's admins): the dashboard of open cases by advisor,
overdue first, and the forms on a case's page (status, advisor, priority, due day, private
notes, barrier codes)."""

from __future__ import annotations

from types import SimpleNamespace

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from solidarna.core.evidence import today
from solidarna.core.fragments import Lazy
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.core.urls import page_arg
from solidarna.extensions import db
from solidarna.support import kit, services
from solidarna.support.forms import BarriersForm, ManageForm, NoteForm
from solidarna.support.models import OPEN_STATUSES, PRIORITY_RANK, SupportCase
from solidarna.support.permissions import can_advise, can_work_case
from solidarna.support.views.common import load_case
from solidarna.support.views.requests import case_page, refusal
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("support_office", __name__, url_prefix="/support/office")
PER_PAGE = 50
UNASSIGNED = "none"


def _back(case: SupportCase, anchor: str):
    return redirect(url_for("support.case", case_id=case.id) + anchor, 303)


@bp.get("/")
@require(can_advise)
def dashboard():
    """Open cases: per advisor, how many and how many overdue (one GROUP BY); then the open
    cases of the chosen advisor (or all), overdue first, then by priority and due day. A
    page shell (core/fragments.py shell_page) kept per viewer level, address and day (what
    is overdue): nothing on it is the advisor's own; on a kept page nothing is read."""
    day = today()
    return render(
        "support/dashboard.html",
        shell=(day.isoformat(),),
        board=Lazy(_board, day, request.args.get("advisor", "")[:12], page_arg(request.args)),
        today=day,
        categories=Lazy(kit.categories, g.tenant),
        unassigned=UNASSIGNED,
    )


def _board(day, chosen: str, page: int) -> SimpleNamespace:
    overdue = when((SupportCase.due_on < day, 1), else_=0)
    summary = db.session.execute(
        select(SupportCase.advisor_id, func.count(), func.sum(overdue))
        .where(SupportCase.status.in_(OPEN_STATUSES))
        .group_by(SupportCase.advisor_id)
    ).all()
    advisors = {u.id: u for u in services.advisors()}
    rows = [
        (advisors.get(advisor_id), advisor_id, n, int(late or 0)) for advisor_id, n, late in summary
    ]
    rows.sort(key=lambda r: (r[0] is None and r[1] is not None, -r[3], -r[2]))
    query = select(SupportCase).where(SupportCase.status.in_(OPEN_STATUSES))
    if chosen == UNASSIGNED:
        query = query.where(SupportCase.advisor_id.is_(None))
    elif chosen.isdigit() and int(chosen) in advisors:
        query = query.where(SupportCase.advisor_id == int(chosen))
    else:
        chosen = ""
    rank = when(*((SupportCase.priority == p, r) for p, r in PRIORITY_RANK.items()), else_=9)
    total = sum(r[2] for r in rows if not chosen or str(r[1] or UNASSIGNED) == chosen)
    cases = db.session.scalars(
        query.options(selectinload(SupportCase.advisor))
        .order_by(overdue.desc(), rank, SupportCase.due_on.is_(None), SupportCase.due_on,
                  SupportCase.created_at, SupportCase.id)
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()  # fmt: skip
    return SimpleNamespace(
        rows=rows, cases=cases, chosen=chosen, total=total, page=page,
        pages=max(1, -(-total // PER_PAGE)),
    )  # fmt: skip


@bp.post("/<int:case_id>/manage")
@require(can_work_case, obj=load_case)
def manage(case: SupportCase):
    form = ManageForm(case=case, advisors=services.advisors())
    if not form.validate_on_submit():
        return case_page(case, manage_form=form, status=422)
    try:
        changed = services.manage(case, form.data_dict(), current_person())
    except services.TransitionError:
        form.status.errors = [_("The request cannot move to this status from where it is.")]
        return case_page(case, manage_form=form, status=409)
    db.session.commit()
    flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
    return _back(case, "#office")


@bp.post("/<int:case_id>/notes")
@require(can_work_case, obj=load_case)
def note(case: SupportCase):
    form = NoteForm()
    if case.erased_at is not None:  # erased since the page was opened: the text stays
        form.note.errors = [refusal(case)]
        return case_page(case, note_form=form, status=409)
    if not form.validate_on_submit():
        return case_page(case, note_form=form, status=422)
    services.add_note(case, form.note.data.strip(), current_person())
    db.session.commit()
    flash(_("The note is saved. Only the advisors see it."), "success")
    return _back(case, "#notes")


@bp.post("/<int:case_id>/barriers")
@require(can_work_case, obj=load_case)
def barriers(case: SupportCase):
    form = BarriersForm(tenant=g.tenant)
    if not form.validate_on_submit():
        return case_page(case, barriers_form=form, status=422)
    changed = services.set_barriers(case, form.codes.data or [], current_person())
    db.session.commit()
    flash(_("The barriers are saved.") if changed else _("Nothing was changed."), "success")
    return _back(case, "#barriers")
