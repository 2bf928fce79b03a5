"""Answering and distribution: one section per page with a display condition, resumed by the
invitation's token, by the response's own link and by the account; refused answers (a hidden
question, out of range, a wrong PIB, too many choices) keep what was typed and answer 422; a
closed survey, a used token and another space's token get clear 4xx pages; two windows never
lose an answer; invitations drawn from the directory by stratum with a reproducible sample;
reminders at most N, at least D days apart, never to the unsubscribed; the directory update
lands in the office's queue (a pending entry, or a proposed change of an existing one)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import g

from solidarna.core.mail import OutboxMessage
from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import (
    Organization,
    OrganizationSuggestion,
    Representative,
)
from solidarna.extensions import db
from solidarna.research import distribution, services, tokens
from solidarna.research.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from solidarna.tenants.models import Tenant
from tests.conftest import Client, parse, verified_organization

TEMPLATE = {
    "key": "t",
    "sections": [
        {
            "title": "Prvi deo",
            "questions": [
                {"code": "q1", "kind": "single", "label": "Da li radite?", "required": True,
                 "options": [{"value": "a", "label": "Da"}, {"value": "b", "label": "Ne"}]},
                {"code": "q2", "kind": "short_text", "label": "Šta radite?",
                 "condition": {"question": "q1", "op": "equals", "value": "a"}},
                {"code": "n", "kind": "number", "label": "Broj zaposlenih",
                 "min": 0, "max": 500, "integer": True},
            ],
        },
        {
            "title": "Drugi deo",
            "questions": [
                {"code": "m", "kind": "multiple", "label": "Prepreke", "max_choices": 2,
                 "options": [{"value": "x", "label": "X"}, {"value": "y", "label": "Y"},
                             {"value": "z", "label": "Z"}]},
                {"code": "org", "kind": "organization", "label": "Identitet"},
                {"code": "q3", "kind": "long_text", "label": "Zašto ne?",
                 "condition": {"question": "q1", "op": "equals", "value": "b"}},
            ],
        },
    ],
}  # fmt: skip


def english(app) -> Client:
    client = Client(app)
    client.raw._client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def space(app, make_user, make_tenant):
    admin = make_user(email="admin@example.org", name="Ana Admin", locale="en")
    member = make_user(email="member@example.org", name="Mira Member", locale="en")
    rep = make_user(email="rep@example.org", name="Rade Rep", locale="en")
    tenant = make_tenant("alfa", members={admin: "admin", member: "member", rep: "member"})
    other = make_tenant("beta", members={admin: "admin"})
    with app.test_request_context(), tenant_context(tenant.id):
        org = verified_organization("Zadruga Brus", "cooperative", "Brus")
        org.contact_email = "zadruga@example.org"
        db.session.add(Representative(organization_id=org.id, user_id=rep.id, status="active"))
        db.session.commit()
        org_id = org.id

    class Space:
        pass

    s = Space()
    s.app, s.tenant, s.other, s.org_id = app, tenant, other, org_id
    s.admin, s.member, s.rep = admin, member, rep

    def survey(tenant=tenant, **fields):
        with app.test_request_context(), tenant_context(tenant.id):
            found = services.new_survey("Anketa", template=TEMPLATE)
            found.status = "open"
            for name, value in fields.items():
                setattr(found, name, value)
            db.session.commit()
            return found.id

    s.survey = survey
    return s


def client_of(app, email=None) -> Client:
    client = english(app)
    if email:
        client.login(email)
    return client


def form_of(html, **extra) -> dict:
    doc = parse(html)
    found = {
        i["name"]: i.get("value", "") for i in doc.select("form.survey-form input[type=hidden]")
    }
    found.update(extra)
    return found


def rows(app, tenant_id, model, **where):
    with app.app_context(), tenant_context(tenant_id):
        query = db.select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list(db.session.scalars(query))


# --- answering -----------------------------------------------------------------------------


def test_answer_two_sections_with_a_condition_and_resume_by_link(space):
    sid = space.survey()
    visitor = english(space.app)
    url = f"/alfa/research/{sid}/answer"
    page = visitor.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Da li radite?" in html and "Šta radite?" not in html  # q2 waits for q1
    assert parse(html).select_one("fieldset legend")  # choices are a fieldset
    # choosing "a" opens q2 on the same page: the page comes again
    response = visitor.post(url, form_of(html, q_q1="a", go="next"))
    assert response.status_code == 303
    link = response.headers["Location"]
    assert "key=" in link and "s=0" in link
    page = visitor.get(link).get_data(as_text=True)
    assert "Šta radite?" in page and "Your link to come back" in page
    response = visitor.post(url, form_of(page, q_q1="a", q_q2="Pčelarstvo", q_n="12", go="next"))
    assert response.status_code == 303 and "s=1" in response.headers["Location"]
    # a new browser with the resume link continues where it stopped
    other = english(space.app)
    page = other.get(link.replace("s=0", "")).get_data(as_text=True)
    assert "Drugi deo" in page and "Prepreke" in page and "Zašto ne?" not in page
    # back shows the first part with the answers kept
    response = other.post(url, form_of(page, go="back"))
    page = other.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Pčelarstvo"' in page and 'value="12"' in page
    [resp] = rows(space.app, space.tenant.id, SurveyResponse, survey_id=sid)
    assert resp.user_id is None and resp.resume_key


def test_resume_by_cookie_and_by_account(space):
    sid = space.survey()
    url = f"/alfa/research/{sid}/answer"
    visitor = english(space.app)
    html = visitor.get(url).get_data(as_text=True)
    visitor.post(url, form_of(html, q_q1="b", q_n="3", go="later"))
    # the same browser, without the link: the cookie scoped to the survey resumes
    page = visitor.get(url).get_data(as_text=True)
    assert "Drugi deo" in page and "Zašto ne?" in page
    # by account: one response per account
    member = client_of(space.app, "member@example.org")
    html = member.get(url).get_data(as_text=True)
    response = member.post(url, form_of(html, q_q1="b", go="next"))
    assert "key=" not in response.headers["Location"]
    again = client_of(space.app, "member@example.org")
    assert "Drugi deo" in again.get(url).get_data(as_text=True)
    responses = rows(space.app, space.tenant.id, SurveyResponse, survey_id=sid)
    assert len(responses) == 2
    assert sorted(r.user_id or 0 for r in responses) == [0, space.member.id]


def test_refused_answers_keep_what_was_typed(space):
    sid = space.survey()
    url = f"/alfa/research/{sid}/answer"
    visitor = english(space.app)
    html = visitor.get(url).get_data(as_text=True)
    response = visitor.post(url, form_of(html, q_q1="a", q_n="900", go="next"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The largest allowed number is 500." in page and 'value="900"' in page
    assert parse(page).select_one("#q-n[aria-invalid=true]")
    # a hidden question's answer is refused, not saved
    response = visitor.post(url, form_of(html, q_q1="b", q_q2="sakriveno", go="next"))
    assert response.status_code == 422
    assert "cannot be saved" in response.get_data(as_text=True)
    assert rows(space.app, space.tenant.id, SurveyAnswer) == []
    # required
    response = visitor.post(url, form_of(html, go="next"))
    assert response.status_code == 422 and "This question needs an answer." in response.get_data(
        as_text=True
    )
    response = visitor.post(url, form_of(html, q_q1="b", go="next"))
    page2 = visitor.get(response.headers["Location"]).get_data(as_text=True)
    # too many choices, a wrong PIB
    response = visitor.post(url, form_of(page2, q_m=["x", "y", "z"], q_org_pib="123456789",
                                         q_q3="Zato", go="next"))  # fmt: skip
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose at most 2 options." in page
    assert 'value="123456789"' in page and "Zato" in page
    assert parse(page).select_one("#q-org-error")


def test_two_windows_last_write_wins_and_the_page_says_so(space):
    sid = space.survey()
    url = f"/alfa/research/{sid}/answer"
    member = client_of(space.app, "member@example.org")
    html = member.get(url).get_data(as_text=True)
    member.post(url, form_of(html, q_q1="a", q_n="1", go="next"))
    first = member.get(url + "?s=0").get_data(as_text=True)
    second = member.get(url + "?s=0").get_data(as_text=True)
    assert member.post(url, form_of(first, q_q1="a", q_n="2", go="next")).status_code == 303
    response = member.post(url, form_of(second, q_q1="a", q_n="3", go="next"))
    assert response.status_code == 303
    page = member.get(response.headers["Location"]).get_data(as_text=True)
    assert "also changed in another window" in page
    [answer] = rows(space.app, space.tenant.id, SurveyAnswer, question_code="n")
    assert answer.value == 3


def test_finish_with_consent_licence_and_directory_update_as_a_proposed_change(space):
    sid = space.survey()
    url = f"/alfa/research/{sid}/answer"
    rep = client_of(space.app, "rep@example.org")
    html = rep.get(url).get_data(as_text=True)
    assert "Answering for" in html and "Zadruga Brus" in html
    response = rep.post(url, form_of(html, organization_id=str(space.org_id), q_q1="b",
                                     go="next"))  # fmt: skip
    page = rep.get(response.headers["Location"]).get_data(as_text=True)
    response = rep.post(url, form_of(page, q_org_pib="101134702", q_q3="Nema sredstava",
                                     go="next"))  # fmt: skip
    closing = rep.get(response.headers["Location"]).get_data(as_text=True)
    assert "How may your answers be used?" in closing
    response = rep.post(url, form_of(closing, go="finish"))
    assert (
        response.status_code == 422
        and "Choose how your answers may be used." in response.get_data(as_text=True)
    )
    response = rep.post(url, form_of(closing, licence="cc_by", consent_directory="1",
                                     directory_update="1", go="finish"))  # fmt: skip
    assert response.status_code == 303
    [resp] = rows(space.app, space.tenant.id, SurveyResponse, survey_id=sid)
    assert resp.status == "complete" and resp.licence == "cc_by" and resp.consent_directory
    assert resp.organization_id == space.org_id and resp.municipality == "Brus"
    assert resp.actor_type == "cooperative"
    # the answering organization exists: its entry gets a proposed change of what differs
    # (the PIB), never a second entry
    assert rows(space.app, space.tenant.id, Organization, moderation="pending") == []
    [proposal] = rows(space.app, space.tenant.id, OrganizationSuggestion, status="pending")
    assert proposal.organization_id == space.org_id and proposal.fields == {"pib": "101134702"}
    assert "Anketa" in proposal.source_detail and f"#{sid}" in proposal.source_detail
    # answered: coming back says so
    assert "already answered" in rep.get(url).get_data(as_text=True)


def test_closed_not_open_members_only_and_invitation_only(space):
    closed = space.survey(status="closed")
    later = space.survey(opens_at=utcnow() + timedelta(days=3))
    members = space.survey(access="members")
    invited = space.survey(access="invitation")
    visitor = english(space.app)
    response = visitor.get(f"/alfa/research/{closed}/answer")
    assert response.status_code == 409 and "This survey is closed" in response.get_data(
        as_text=True
    )
    response = visitor.post(f"/alfa/research/{closed}/answer", {"section": "0", "q_q1": "a"})
    assert response.status_code == 409
    assert visitor.get(f"/alfa/research/{later}/answer").status_code == 409
    response = visitor.get(f"/alfa/research/{members}/answer")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
    assert (
        client_of(space.app, "member@example.org")
        .get(f"/alfa/research/{members}/answer")
        .status_code
        == 200
    )
    response = visitor.get(f"/alfa/research/{invited}/answer")
    assert response.status_code == 403 and "personal invitation" in response.get_data(as_text=True)
    landing = visitor.get(f"/alfa/research/{closed}/").get_data(as_text=True)
    assert "This survey is closed" in landing


def _invite(space, sid, tenant=None, email="zadruga@example.org"):
    tenant = tenant or space.tenant
    with space.app.test_request_context(), tenant_context(tenant.id):
        invitation = SurveyInvitation(survey_id=sid, organization_id=space.org_id,
                                      organization_name="Zadruga Brus", email=email,
                                      municipality="Brus", actor_type="cooperative")  # fmt: skip
        db.session.add(invitation)
        db.session.commit()
        return invitation.id, tokens.invitation_token(invitation)


def test_invitation_token_resumes_and_a_used_one_is_refused(space):
    sid = space.survey(access="invitation")
    _id, token = _invite(space, sid)
    url = f"/alfa/research/{sid}/i/{token}"
    visitor = english(space.app)
    html = visitor.get(url).get_data(as_text=True)
    response = visitor.post(url, form_of(html, q_q1="b", go="next"))
    assert response.status_code == 303 and "key=" not in response.headers["Location"]
    # another browser with the token continues
    assert "Drugi deo" in english(space.app).get(url).get_data(as_text=True)
    page = visitor.get(url).get_data(as_text=True)
    response = visitor.post(url, form_of(page, go="next"))
    closing = visitor.get(response.headers["Location"]).get_data(as_text=True)
    response = visitor.post(url, form_of(closing, licence="aggregate", go="finish"))
    assert response.status_code == 303
    [inv] = rows(space.app, space.tenant.id, SurveyInvitation, survey_id=sid)
    assert inv.status == "complete" and inv.response_id
    [resp] = rows(space.app, space.tenant.id, SurveyResponse, survey_id=sid)
    assert resp.municipality == "Brus" and resp.invitation_id == inv.id
    response = english(space.app).get(url)
    assert response.status_code == 410 and "already been used" in response.get_data(as_text=True)
    # a forged token, another survey's or another space's: 404
    assert visitor.get(f"/alfa/research/{sid}/i/{token}x").status_code == 404
    beta_sid = space.survey(tenant=space.other, access="invitation")
    _bid, beta_token = _invite(space, beta_sid, tenant=space.other)
    assert visitor.get(f"/alfa/research/{sid}/i/{beta_token}").status_code == 404


def test_unsubscribe_stops_the_invitation(space):
    sid = space.survey(access="invitation")
    iid, token = _invite(space, sid)
    visitor = english(space.app)
    page = visitor.get(f"/alfa/research/{sid}/i/{token}/unsubscribe")
    assert page.status_code == 200
    response = visitor.post(f"/alfa/research/{sid}/i/{token}/unsubscribe", {})
    assert response.status_code == 303
    [inv] = rows(space.app, space.tenant.id, SurveyInvitation, id=iid)
    assert inv.status == "unsubscribed"
    assert visitor.get(f"/alfa/research/{sid}/i/{token}").status_code == 410


# --- distribution --------------------------------------------------------------------------


def _directory(space):
    """Seven more verified entries: four in Brus, three in Kruševac (one without an address)."""
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        for n, (place, kind) in enumerate(
            [("Brus", "association")] * 3
            + [("Brus", "cooperative")]
            + [("Kruševac", "association")] * 3
        ):
            org = verified_organization(f"Udruženje {n}", kind, place)
            org.contact_email = None if n == 6 else f"org{n}@example.org"
        db.session.commit()


@contextmanager
def in_space(space):
    """A request in the space (g.tenant set, as the registries ask)."""
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        g.tenant = db.session.get(Tenant, space.tenant.id)
        yield


def outbox():
    return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_invitations_drawn_by_stratum_with_a_reproducible_sample(space):
    sid = space.survey(access="invitation")
    _directory(space)
    _invite(space, sid)  # Zadruga Brus is already invited
    with in_space(space):
        survey = db.session.get(Survey, sid)
        first = distribution.draw(survey, {}, per_stratum=2, stratify_by=("municipality",), seed=7)
        again = distribution.draw(survey, {}, per_stratum=2, stratify_by=("municipality",), seed=7)
        assert [c.id for c in first.chosen] == [c.id for c in again.chosen]
        assert sorted(c.municipality for c in first.chosen) == [
            "Brus",
            "Brus",
            "Kruševac",
            "Kruševac",
        ]
        assert first.already_invited == 1 and first.without_address == 1 and first.matched == 8
        only = distribution.draw(survey, {"actor_type": ["cooperative"]}, seed=3)
        assert [c.name for c in only.chosen] == ["Udruženje 3"]
        assert len(distribution.draw(survey, {}, quota=3, seed=1).chosen) == 3
    admin = client_of(space.app, "admin@example.org")
    page = admin.get(f"/alfa/research/manage/{sid}/distribution")
    assert page.status_code == 200
    token = parse(page).select_one("form input[name=csrf_token]")["value"]
    data = {"csrf_token": token, "per_stratum": "2", "stratify_by": "municipality", "seed": "7"}
    preview = admin.post(
        f"/alfa/research/manage/{sid}/distribution/draw", {**data, "go": "preview"}
    )
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "Seed 7: 4 of 8" in html and "already invited" in html and "no contact address" in html
    assert rows(space.app, space.tenant.id, SurveyInvitation, survey_id=sid).__len__() == 1
    bad = admin.post(
        f"/alfa/research/manage/{sid}/distribution/draw", {**data, "per_stratum": "-3"}
    )
    assert bad.status_code == 422
    created = admin.post(f"/alfa/research/manage/{sid}/distribution/draw", {**data, "go": "create"})
    assert created.status_code == 303
    invitations = rows(space.app, space.tenant.id, SurveyInvitation, survey_id=sid)
    assert len(invitations) == 5
    drawn = {i.organization_id for i in invitations} - {space.org_id}
    assert drawn == {c.id for c in first.chosen}
    assert all(i.municipality in ("Brus", "Kruševac") and i.email for i in invitations)
    # members may not; visitors log in
    member = client_of(space.app, "member@example.org")
    assert member.get(f"/alfa/research/manage/{sid}/distribution").status_code == 403
    response = english(space.app).get(f"/alfa/research/manage/{sid}/distribution")
    assert response.status_code in (302, 303)


def test_sending_reminders_limits_gap_and_unsubscribe(space):
    sid = space.survey(
        access="invitation",
        reminder_limit=2,
        reminder_gap_days=7,
        closes_at=utcnow() + timedelta(days=60),
    )
    _directory(space)
    admin = client_of(space.app, "admin@example.org")
    with in_space(space):
        survey = db.session.get(Survey, sid)
        found = distribution.draw(survey, {"municipality": ["Kruševac"]}, seed=1)
        distribution.create_invitations(survey, found.chosen, None)
        db.session.commit()
    page = admin.get(f"/alfa/research/manage/{sid}/distribution")
    token = parse(page).select_one("form input[name=csrf_token]")["value"]
    assert (
        admin.post(
            f"/alfa/research/manage/{sid}/distribution/send", {"csrf_token": token}
        ).status_code
        == 303
    )
    with space.app.app_context():
        mails = outbox()
        assert len(mails) == 2
        assert f"/alfa/research/{sid}/i/" in mails[0].body_text
        assert "/unsubscribe" in mails[0].body_text and "List-Unsubscribe" in mails[0].headers
        link = re.search(r"https?://\S+/i/(\S+)/unsubscribe", mails[0].body_text)
        opt_out = "/" + link.group(0).split("/", 3)[3]
    # sending again sends nothing more
    admin.post(f"/alfa/research/manage/{sid}/distribution/send", {"csrf_token": token})
    with space.app.app_context():
        assert len(outbox()) == 2
    # one opts out
    english(space.app).post(opt_out, {"csrf_token": english(space.app).token()})
    visitor = english(space.app)
    visitor.post(opt_out, {})
    statuses = sorted(i.status for i in rows(space.app, space.tenant.id, SurveyInvitation))
    assert statuses == ["sent", "unsubscribed"]
    # reminders: not before the gap, at most the limit, never twice for the same moment
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        survey = db.session.get(Survey, sid)
        start = utcnow()
        assert distribution.send_reminders(survey, now=start) == 0
        assert distribution.send_reminders(survey, now=start + timedelta(days=8)) == 1
        assert distribution.send_reminders(survey, now=start + timedelta(days=8)) == 0
        assert distribution.send_reminders(survey, now=start + timedelta(days=12)) == 0
        db.session.commit()
    with space.app.app_context():
        assert distribution.remind_everywhere(now=start + timedelta(days=16)) == 1
        assert distribution.remind_everywhere(now=start + timedelta(days=40)) == 0  # the limit
        db.session.commit()
        reminders = [m for m in outbox() if m.subject.startswith(("Reminder", "Podsetnik"))]
        assert len(reminders) == 2
    # the worker's scheduler runs the same every hour
    from solidarna.core import jobs

    assert jobs.SPECS["research.send_reminders"].schedule is not None
    # the button obeys the same rules
    response = admin.post(f"/alfa/research/manage/{sid}/distribution/remind", {"csrf_token": token})
    assert response.status_code == 303
    with space.app.app_context():
        assert len(outbox()) == 4
    page = admin.get(f"/alfa/research/manage/{sid}/distribution").get_data(as_text=True)
    assert "Response rate by stratum" in page and "Kruševac" in page


EVERY_KIND = {
    "key": "svi",
    "sections": [{"title": "Sve vrste", "questions": [
        {"code": "t", "kind": "text", "label": "Uvodni tekst"},
        {"code": "s", "kind": "single", "label": "Jedan", "other": True,
         "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
        {"code": "mu", "kind": "multiple", "label": "Više",
         "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
        {"code": "sc", "kind": "scale", "label": "Skala", "min": 1, "max": 5},
        {"code": "nu", "kind": "number", "label": "Broj", "min": 0},
        {"code": "st", "kind": "short_text", "label": "Kratko"},
        {"code": "lt", "kind": "long_text", "label": "Dugo"},
        {"code": "yn", "kind": "yes_no", "label": "Da ili ne"},
        {"code": "da", "kind": "date", "label": "Datum"},
        {"code": "op", "kind": "municipality", "label": "Opština"},
        {"code": "id", "kind": "organization", "label": "Identitet"},
        {"code": "ma", "kind": "matrix", "label": "Matrica", "rows": [
            {"value": "r1", "label": "Red 1"}, {"value": "r2", "label": "Red 2"}]},
    ]}],
}  # fmt: skip


def test_every_kind_renders_with_labels_and_is_saved(space):
    from solidarna.core.questions import KINDS

    assert {q["kind"] for q in EVERY_KIND["sections"][0]["questions"]} == set(KINDS)
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        survey = services.new_survey("Sve", template=EVERY_KIND)
        survey.status = "open"
        db.session.commit()
        sid = survey.id
    visitor = english(space.app)
    url = f"/alfa/research/{sid}/answer"
    html = visitor.get(url).get_data(as_text=True)
    doc = parse(html)
    for control in doc.select(
        "form.survey-form input:not([type=hidden]), form.survey-form select, form.survey-form textarea"
    ):
        assert (
            (control.get("id") and doc.select_one(f"label[for='{control['id']}']"))
            or control.find_parent("label")
            or control.get("aria-label")
        ), control
    assert len(doc.select("form.survey-form fieldset > legend")) >= 6
    data = form_of(html, q_s="other", q_s_other="Nešto", q_mu=["a", "b"], q_sc="4", q_nu="1.234,5",
                   q_st="k", q_lt="d", q_yn="yes", q_da="31.12.2025.", q_op="Kruševac",
                   q_id_pib="", q_id_legal_form="cooperative", q_ma_r1="2", q_ma_r2="5",
                   go="next")  # fmt: skip
    response = visitor.post(url, data)
    assert response.status_code == 303, response.get_data(as_text=True)
    answers = {a.question_code: a.value for a in rows(space.app, space.tenant.id, SurveyAnswer)}
    assert answers["s"] == {"choice": "other", "other": "Nešto"} and answers["nu"] == 1234.5
    assert answers["da"] == "2025-12-31" and answers["ma"] == {"r1": 2, "r2": 5}
    [resp] = rows(space.app, space.tenant.id, SurveyResponse, survey_id=sid)
    assert resp.municipality == "Kruševac" and resp.legal_form == "cooperative"


def test_an_anonymous_survey_keeps_no_tie_to_the_invitation(space):
    sid = space.survey(access="invitation", anonymous=True)
    iid, token = _invite(space, sid)
    url = f"/alfa/research/{sid}/i/{token}"
    visitor = english(space.app)
    html = visitor.get(url).get_data(as_text=True)
    response = visitor.post(url, form_of(html, q_q1="b", go="next"))
    assert response.status_code == 303 and f"/i/{token}" in response.headers["Location"]
    page = visitor.get(url).get_data(as_text=True)  # the cookie resumes it
    assert "Drugi deo" in page
    response = visitor.post(url, form_of(page, go="next"))
    closing = visitor.get(response.headers["Location"]).get_data(as_text=True)
    assert "directory entry" not in closing  # no directory update from anonymous answers
    assert visitor.post(url, form_of(closing, licence="aggregate", go="finish")).status_code == 303
    [inv] = rows(space.app, space.tenant.id, SurveyInvitation, id=iid)
    [resp] = rows(space.app, space.tenant.id, SurveyResponse, survey_id=sid)
    assert inv.status == "complete" and inv.response_id is None
    assert resp.invitation_id is None and resp.organization_id is None and resp.user_id is None
    assert resp.municipality == "Brus" and resp.status == "complete"
    assert english(space.app).get(url).status_code == 410


def test_the_last_step_waits_for_required_answers(space):
    sid = space.survey()
    url = f"/alfa/research/{sid}/answer"
    member = client_of(space.app, "member@example.org")
    closing = member.get(url + "?s=2")
    assert closing.status_code == 200
    html = closing.get_data(as_text=True)
    assert "How may your answers be used?" in html
    assert parse(html).select_one("input[name=directory_update]")  # a known respondent
    visitor_page = english(space.app).get(url + "?s=2").get_data(as_text=True)
    assert not parse(visitor_page).select_one("input[name=directory_update]")
    response = member.post(url, form_of(html, licence="cc_by", go="finish"))
    assert response.status_code == 422
    link = parse(response).select_one(".error-summary a")
    assert "Prvi deo" in link.text and link["href"].endswith(f"/alfa/research/{sid}/answer?s=0")
    assert rows(space.app, space.tenant.id, SurveyResponse, survey_id=sid) == []
