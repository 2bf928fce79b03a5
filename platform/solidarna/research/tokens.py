"""Personal invitations' links: a signed token naming one invitation of one space (no expiry
of its own: the survey's closing date ends it). Another space's token, a forged one or one
whose invitation is gone reads as None (the page answers 404); the caller says when the
invitation's response is already complete."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from solidarna.extensions import db
from solidarna.research.models import SurveyInvitation

SALT = "solidarna.research.invitation"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def invitation_token(invitation: SurveyInvitation) -> str:
    return _serializer().dumps(
        {"i": invitation.id, "t": invitation.tenant_id, "s": invitation.survey_id}
    )


def read_invitation(token: str, survey) -> SurveyInvitation | None:
    """The invitation behind a token, if it is this survey's (and so this space's)."""
    if not token or len(token) > 300:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("t") != survey.tenant_id:
        return None
    if data.get("s") != survey.id:
        return None
    invitation = db.session.get(SurveyInvitation, data.get("i"))
    if invitation is None or invitation.survey_id != survey.id:
        return None
    return invitation
