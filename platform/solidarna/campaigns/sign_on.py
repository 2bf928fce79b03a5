"""The sign-on link by e-mail: the owner space's admins send, to the representatives of chosen
organizations of the owner space's directory, a link to the campaign's page. The link carries
a signed, expiring token (itsdangerous) naming the space, the campaign and the organization;
following it asks the person to log in (or register) and then leads to the page's sign form.
The token never signs: signing is the representative's own act on the page, asked through
core/representation.py as always.

Only the owner space's directory is reached: core/representation.py answers for the current
space, and the shared context (`core.tenancy.shared_subject`) opens the owner's campaign from
a partner space, never a partner's directory from the owner's. A partner space's
organizations are reached by the partner's own members on the shared page."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from solidarna.core import audit, mail, representation
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.i18n import localized
from solidarna.core.notifications import absolute_url
from solidarna.extensions import db
from solidarna.tenants.models import Tenant

SALT = "campaign-sign-on"
MAX_AGE = 30 * 24 * 3600
#: organizations one sending may name
MAX_ORGANIZATIONS = 200


class SignOnError(ValueError):
    def __init__(self, message, status: int = 404):
        super().__init__(str(message))
        self.status = status


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token(campaign, organization_id: int) -> str:
    return _serializer().dumps({"t": campaign.tenant_id, "c": campaign.id, "o": organization_id})


def read(value: str, campaign) -> int:
    """The organization the link was sent for; SignOnError (410 expired, 404 otherwise) for a
    link that is not one of this campaign's."""
    try:
        data = _serializer().loads(value, max_age=MAX_AGE)
    except SignatureExpired:
        raise SignOnError(_l("This sign-on link has expired."), 410) from None
    except BadSignature:
        raise SignOnError(_l("This sign-on link is not valid.")) from None
    if not isinstance(data, dict) or data.get("t") != campaign.tenant_id \
            or data.get("c") != campaign.id or not isinstance(data.get("o"), int):  # fmt: skip
        raise SignOnError(_l("This sign-on link is not valid."))
    return data["o"]


def send(campaign, organization_ids: list[int], note: str, by) -> tuple[int, list[str]]:
    """Queue one mail per representative of each chosen organization (the caller commits).
    Answers how many mails and the names of the chosen organizations nobody represents."""
    cards = representation.describe(organization_ids)
    people = representation.representatives(list(cards))
    tenant = db.session.get(Tenant, campaign.tenant_id)
    sent, nobody = 0, []
    for org_id, card in sorted(cards.items(), key=lambda item: item[1].name):
        users = people.get(org_id) or []
        if not users:
            nobody.append(card.name)
            continue
        link = absolute_url("campaign_admin.sign_on_link", tenant_slug=tenant.slug,
                            campaign_id=campaign.id, token=token(campaign, org_id))  # fmt: skip
        for user in users:
            locale = (
                user.locale or tenant.default_locale or current_app.config["BABEL_DEFAULT_LOCALE"]
            )
            with force_locale(locale):
                space = localized(tenant, "name")
                body = render_template(
                    "mail/campaigns/sign_on.txt", recipient=user, organization=card.name,
                    campaign=campaign, space=space, link=link, note=note, sender=by.name,
                )  # fmt: skip
                subject = _("Sign-on invitation: %(title)s", title=campaign.title)
            mail.queue(user.email, f"{subject} · {space}", body)
            sent += 1
    audit.record("campaign.sign_on_sent", target=campaign, actor=by,
                 organizations=len(cards) - len(nobody), mails=sent)  # fmt: skip
    return sent, nobody
