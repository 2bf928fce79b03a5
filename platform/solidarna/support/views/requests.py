"""The requester's side: asking the office for help, "my requests", a case's page (shared
with the office, which sees its forms and notes there), messages and their attachments, the
mailed reply link and erasing one's request."""

from __future__ import annotations

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import load_only, selectinload

from solidarna.core import representation, storage
from solidarna.core.evidence import today
from solidarna.core.fragments import Lazy
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.support import kit, services
from solidarna.support.forms import (
    BarriersForm,
    EraseForm,
    ManageForm,
    MessageForm,
    NoteForm,
    RequestForm,
)
from solidarna.support.models import SupportCase, SupportMessage, SupportNote
from solidarna.support.permissions import (
    can_request_support,
    can_view_case,
    can_work_case,
    can_write_message,
    is_requester,
)
from solidarna.support.tokens import read_reply_token
from solidarna.support.views.common import load_case
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("support", __name__, url_prefix="/support")
MY_LIMIT = 200


@bp.get("/")
@require(can_request_support)
def index():
    """The person's own requests: a page shell of their own (core/fragments.py shell_page,
    keyed by their account; only they and the advisors see a request, and this page lists
    only theirs), kept per change of the space; on a kept page nothing is read."""
    person = current_person()

    def mine() -> list[SupportCase]:
        return db.session.scalars(
            select(SupportCase)
            .options(load_only(*LISTED))
            .where(SupportCase.requester_id == person.id, SupportCase.erased_at.is_(None))
            .order_by(SupportCase.created_at.desc(), SupportCase.id.desc())
            .limit(MY_LIMIT)
        ).all()

    return render(
        "support/index.html",
        shell=(person.id,),
        cases=Lazy(mine),
        categories=Lazy(kit.categories, g.tenant),
    )


#: what the list shows of a request
LISTED = (SupportCase.id, SupportCase.category, SupportCase.status, SupportCase.created_at)


def _request_form(**kwargs) -> RequestForm:
    return RequestForm(
        tenant=g.tenant,
        organizations=representation.organizations_represented_by(current_person()),
        **kwargs,
    )


@bp.route("/new", methods=["GET", "POST"])
@require(can_request_support)
def new():
    form = _request_form()
    if form.validate_on_submit():
        case = services.create(form.data_dict(), current_person(), form.organization())
        db.session.commit()
        flash(_("Your request is sent. The office will answer you here and by e-mail."), "success")
        return redirect(url_for("support.case", case_id=case.id), 303)
    return render("support/new.html", form=form, status=422 if form.errors else 200)


def case_page(case: SupportCase, *, message_form=None, note_form=None, manage_form=None,
              barriers_form=None, erase_form=None, status=200):  # fmt: skip
    """The case's page: the requester sees the request and the messages; advisors see the
    office's forms and the private notes too."""
    person = current_person()
    messages = db.session.scalars(
        select(SupportMessage).where(SupportMessage.case_id == case.id)
        .options(selectinload(SupportMessage.author), selectinload(SupportMessage.file))
        .order_by(SupportMessage.created_at, SupportMessage.id)
    ).all()  # fmt: skip
    office = can_work_case(person, case)
    notes, advisors, codes = [], [], []
    barriers = kit.barriers(g.tenant)
    if office:
        notes = db.session.scalars(
            select(SupportNote).where(SupportNote.case_id == case.id)
            .options(selectinload(SupportNote.author))
            .order_by(SupportNote.created_at, SupportNote.id)
        ).all()  # fmt: skip
        advisors = services.advisors()
        codes = services.barrier_codes(case)
        if manage_form is None:
            manage_form = ManageForm(case=case, advisors=advisors, formdata=None, data={
                "status": case.status, "priority": case.priority, "due_on": case.due_on,
                "advisor_id": str(case.advisor_id) if case.advisor_id else ""})  # fmt: skip
        note_form = note_form or NoteForm(formdata=None)
        barriers_form = barriers_form or BarriersForm(tenant=g.tenant, formdata=None,
                                                      data={"codes": codes})  # fmt: skip
    writable = can_write_message(person, case)
    if writable:
        message_form = message_form or MessageForm(formdata=None)
    # otherwise only a refused message comes back, with its text
    if not is_requester(person, case):
        erase_form = None
    elif erase_form is None:
        erase_form = EraseForm(formdata=None)
    return render(
        "support/case.html", case=case, messages=messages, notes=notes, office=office,
        message_form=message_form, note_form=note_form if office else None,
        manage_form=manage_form if office else None,
        barriers_form=barriers_form if office else None, erase_form=erase_form,
        categories=kit.categories(g.tenant), barriers=barriers, codes=codes,
        overdue=services.is_overdue(case, today()), writable=writable, status=status,
    )  # fmt: skip


def refusal(case: SupportCase) -> str:
    """Why a message (or a note) on this case cannot be sent, and that the text is kept."""
    if case.erased_at is not None:
        return _("This request was erased at the requester's wish: nothing more can be added "
                 "to it. Your text is still in the box if you want to copy it.")  # fmt: skip
    return _("This request is closed, so your message was not sent. Your text is still in "
             "the box: copy it into a new request if you need more help.")  # fmt: skip


@bp.get("/<int:case_id>/")
@require(can_view_case, obj=load_case)
def case(case: SupportCase):
    return case_page(case)


@bp.post("/<int:case_id>/messages")
@require(can_view_case, obj=load_case)
def message(case: SupportCase):
    person = current_person()
    form = MessageForm()
    if not can_write_message(person, case):
        # Closed (or erased) since the page was opened: refused, but the typed text stays in
        # the box, so the person can copy it into a new request.
        form.body.errors = [refusal(case)]
        return case_page(case, message_form=form, status=409)
    if not form.validate_on_submit():
        return case_page(case, message_form=form, status=form.status())
    services.post_message(case, form.body.data.strip(), person,
                          from_requester=is_requester(person, case),
                          checked=getattr(form.file, "checked", None))  # fmt: skip
    db.session.commit()
    flash(_("Your message is sent."), "success")
    return redirect(url_for("support.case", case_id=case.id) + "#messages", 303)


def load_message(case_id: int, support_message_id: int) -> SupportMessage:
    case = load_case(case_id)
    message = db.session.get(SupportMessage, support_message_id)
    if message is None or message.case_id != case.id or message.file_id is None:
        abort(404)
    message.case = case
    return message


def _may_download(user, message) -> bool:
    return can_view_case(user, message.case)


@bp.get("/<int:case_id>/messages/<int:support_message_id>/file")
@require(_may_download, obj=load_message)
def attachment(message: SupportMessage):
    record = db.session.get(storage.StoredFile, message.file_id)
    if record is None:
        abort(404)
    return storage.send_stored(record)


def load_token(support_token: str) -> SupportCase:
    case = read_reply_token(support_token, g.tenant.id)
    if case is None:
        abort(404)
    person = current_person()
    if person is not None and not is_requester(person, case):
        abort(404)
    return case


@bp.get("/reply/<support_token>")
@require(is_requester, obj=load_token)
def reply(case: SupportCase):
    """The mailed link: after logging in, the case's message form."""
    return redirect(url_for("support.case", case_id=case.id) + "#reply", 303)


@bp.post("/<int:case_id>/erase")
@require(is_requester, obj=load_case)
def erase(case: SupportCase):
    form = EraseForm()
    if not form.validate_on_submit():
        return case_page(case, erase_form=form, status=422)
    services.erase(case, current_person())
    db.session.commit()
    flash(_("Your request is erased. The office keeps only anonymous counts."), "success")
    return redirect(url_for("support.index"), 303)
