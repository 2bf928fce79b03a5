"""The link in the office's mail: a signed token naming one case of one space and its
requester. Opening it (after logging in) leads to the case's message form. Another space's
token, a forged one, or one for a case that was erased or given to another person reads as
None (404)."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from solidarna.extensions import db
from solidarna.support.models import SupportCase

SALT = "solidarna.support.reply"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def reply_token(case: SupportCase) -> str:
    return _serializer().dumps({"c": case.id, "t": case.tenant_id, "u": case.requester_id})


def read_reply_token(token: str, tenant_id: int) -> SupportCase | None:
    if not token or len(token) > 300:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("t") != tenant_id:
        return None
    case_id = data.get("c")
    if not isinstance(case_id, int):
        return None
    case = db.session.get(SupportCase, case_id)
    if case is None or case.erased_at is not None or case.requester_id != data.get("u"):
        return None
    return case
