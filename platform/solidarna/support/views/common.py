"""Loading a case: 404 for another space's, an unknown id, or a case the logged-in person may
not see (another member's request looks like no request at all). A visitor gets the case
back, so the permission check sends them to log in."""

from __future__ import annotations

from flask import abort
from sqlalchemy.orm import selectinload

from solidarna.core.permissions import current_person
from solidarna.extensions import db
from solidarna.support.models import SupportCase
from solidarna.support.permissions import can_view_case


def load_case(case_id: int) -> SupportCase:
    case = db.session.get(
        SupportCase, case_id,
        options=[selectinload(SupportCase.requester), selectinload(SupportCase.advisor)],
    )  # fmt: skip
    if case is None:
        abort(404)
    person = current_person()
    if person is not None and not can_view_case(person, case):
        abort(404)
    return case
