"""The sign-on link by e-mail: the owner's admins send it to the representatives of chosen
organizations of the owner space's directory; the mail carries a signed, expiring token; the
link asks a visitor to log in first and then leads to the page's sign form; the token itself
signs nothing; a tampered, foreign or expired token is refused."""

from __future__ import annotations

import re
import time

from itsdangerous import URLSafeTimedSerializer

from solidarna.campaigns import sign_on
from solidarna.campaigns.models import CampaignSignature
from solidarna.core.audit import AuditEntry
from solidarna.core.mail import OutboxMessage
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from tests.campaigns.conftest import client_of, english
from tests.conftest import parse


def outbox(to=None):
    query = db.select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(query))


def link_in(message) -> str:
    found = re.search(r"https?://\S+/sign-on/\S+", message.body_text)
    assert found, message.body_text
    return "/" + found.group(0).split("/", 3)[3]


def signatures(world, cid):
    with tenant_context(world.owner.id):
        return list(db.session.scalars(
            db.select(CampaignSignature).where(CampaignSignature.campaign_id == cid)))  # fmt: skip


def test_admins_send_the_link_and_it_leads_to_the_sign_form_after_login(world):
    cid = world.campaign()
    admin = client_of(world.app, "owner_admin@example.org")
    page = admin.get(f"/korse/campaigns/{cid}/sign-on")
    assert page.status_code == 200
    boxes = parse(page.get_data(as_text=True)).select("input[name=organization_ids]")
    assert [b["value"] for b in boxes] == [str(world.orgs["korse"])]  # own directory only
    # nothing chosen: 422, the note kept
    response = admin.post(f"/korse/campaigns/{cid}/sign-on", {"note": "Pozivamo vas."})
    assert response.status_code == 422
    assert "Choose at least one organization." in response.get_data(as_text=True)
    assert "Pozivamo vas." in response.get_data(as_text=True)
    # another space's organization is not one of the choices
    response = admin.post(f"/korse/campaigns/{cid}/sign-on",
                          {"organization_ids": str(world.orgs["krusevac"])})  # fmt: skip
    assert response.status_code == 422
    assert outbox() == []
    response = admin.post(f"/korse/campaigns/{cid}/sign-on",
                          {"organization_ids": str(world.orgs["korse"]), "note": "Pozivamo vas."})  # fmt: skip
    assert response.status_code == 303
    mails = outbox("owner_rep@example.org")
    assert len(mails) == 1 and len(outbox()) == 1
    assert "Zadruga Beograd" in mails[0].body_text and "Pozivamo vas." in mails[0].body_text
    link = link_in(mails[0])
    assert link.startswith(f"/korse/campaigns/{cid}/sign-on/")
    # a visitor is asked to log in first (and comes back to the link)
    visitor = english(world.app)
    response = visitor.get(link)
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]
    # the representative, logged in: led to the sign form; the token signed nothing
    rep = client_of(world.app, "owner_rep@example.org")
    response = rep.get(link)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/korse/campaigns/{cid}#sign")
    page = rep.get(f"/korse/campaigns/{cid}").get_data(as_text=True)
    assert "You may sign here for Zadruga Beograd." in page
    assert parse(page).select_one("form[action$='/sign'] select[name=organization_id]")
    assert signatures(world, cid) == []
    with tenant_context(world.owner.id):
        assert "campaign.sign_on_sent" in set(db.session.scalars(db.select(AuditEntry.action)))


def test_a_bad_foreign_or_expired_token_is_refused(world, monkeypatch):
    cid = world.campaign()
    other = world.campaign(title="Druga platforma")
    rep = client_of(world.app, "owner_rep@example.org")
    with world.app.test_request_context(), tenant_context(world.owner.id):
        good = sign_on.token(world.get(cid), world.orgs["korse"])
        forged = URLSafeTimedSerializer("not-the-key", salt=sign_on.SALT).dumps(
            {"t": world.owner.id, "c": cid, "o": world.orgs["korse"]})  # fmt: skip
    assert rep.get(f"/korse/campaigns/{cid}/sign-on/{good}").status_code == 303
    assert rep.get(f"/korse/campaigns/{cid}/sign-on/{forged}").status_code == 404
    assert rep.get(f"/korse/campaigns/{cid}/sign-on/{good}x").status_code == 404
    # the token of one campaign does not open another
    assert rep.get(f"/korse/campaigns/{other}/sign-on/{good}").status_code == 404
    # a partner space does not serve the owner's sign-on links
    world.partner_with(cid)
    partner = client_of(world.app, "partner_rep@example.org")
    assert partner.get(f"/krusevac/campaigns/{cid}/sign-on/{good}").status_code == 404
    assert partner.get(f"/krusevac/campaigns/{cid}/sign-on").status_code == 404
    # a member who is not an admin may not send
    member = client_of(world.app, "owner_member@example.org")
    assert member.get(f"/korse/campaigns/{cid}/sign-on").status_code == 403
    monkeypatch.setattr(sign_on, "MAX_AGE", 1)
    time.sleep(2)
    expired = rep.get(f"/korse/campaigns/{cid}/sign-on/{good}")
    assert expired.status_code == 410
    assert "This sign-on link has expired." in expired.get_data(as_text=True)


def test_no_link_while_the_campaign_takes_no_signatures(world):
    cid = world.campaign(status="won")
    admin = client_of(world.app, "owner_admin@example.org")
    assert admin.get(f"/korse/campaigns/{cid}/sign-on").status_code == 409
