"""Working a case: status transitions (reopen allowed, invalid ones refused), advisor,
priority, due day, private notes (never shown to the requester), messages mailed both ways
with the signed reply link, attachments, erasing."""

from __future__ import annotations

import io
from datetime import date, timedelta

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.support.models import SupportMessage, SupportNote
from tests.conftest import field_error, link_in, parse, text_of


def manage(client, case_id, **data):
    fields = {"status": "new", "advisor_id": "", "priority": "normal", "due_on": "", **data}
    return client.post(f"/alfa/support/office/{case_id}/manage", fields)


def test_status_moves_along_the_transitions_and_reopens(space):
    case_id = space.ask(space.client(space.requester))
    office = space.client(space.advisor)
    refused = manage(office, case_id, status="resolved")
    assert refused.status_code == 422  # not among the offered statuses from "new"
    assert field_error(parse(refused), "status") == "Choose one of the offered options."
    assert space.case(case_id).status == "new"
    for status in ("triaged", "in_progress", "waiting", "resolved", "closed", "in_progress"):
        response = manage(office, case_id, status=status)
        assert response.status_code == 303, (status, response.status_code)
        assert space.case(case_id).status == status
    # assigning, priority and a due day in the Serbian way
    response = manage(office, case_id, status="in_progress", advisor_id=str(space.advisor.id),
                      priority="urgent", due_on="31.12.2026.")  # fmt: skip
    assert response.status_code == 303
    case = space.case(case_id)
    assert (case.advisor_id, case.priority, case.due_on) == (
        space.advisor.id,
        "urgent",
        date(2026, 12, 31),
    )
    bad = manage(office, case_id, status="in_progress", due_on="31.02.2026.", priority="x")
    assert bad.status_code == 422
    page = parse(bad)
    assert "Enter a date" in field_error(page, "due_on")
    assert page.select_one("#due_on")["value"] == "31.02.2026."


def test_notes_never_reach_the_requester(space, outbox):
    requester = space.client(space.requester)
    case_id = space.ask(requester)
    office = space.client(space.advisor)
    before = len(outbox())
    assert office.post(f"/alfa/support/office/{case_id}/notes",
                       {"note": "Tajna beleška: proveriti PIB."}).status_code == 303  # fmt: skip
    assert "Tajna beleška" in office.get(f"/alfa/support/{case_id}/").get_data(as_text=True)
    page = requester.get(f"/alfa/support/{case_id}/").get_data(as_text=True)
    assert "Tajna beleška" not in page and 'id="notes"' not in page and "Priority" not in page
    assert len(outbox()) == before  # a note mails nobody
    # the requester cannot write one
    assert requester.post(f"/alfa/support/office/{case_id}/notes",
                          {"note": "Moja beleška."}).status_code == 403  # fmt: skip
    empty = office.post(f"/alfa/support/office/{case_id}/notes", {"note": ""})
    assert empty.status_code == 422 and field_error(parse(empty), "note")
    with tenant_context(space.tenant.id):
        assert db.session.scalar(db.select(db.func.count()).select_from(SupportNote)) == 1


def test_messages_are_mailed_both_ways_and_the_link_opens_the_form(space, outbox):
    requester = space.client(space.requester)
    case_id = space.ask(requester)
    office = space.client(space.advisor)
    assert manage(office, case_id, status="triaged").status_code == 303
    assert (
        manage(office, case_id, status="waiting", advisor_id=str(space.advisor.id)).status_code
        == 303
    )
    response = office.post(f"/alfa/support/{case_id}/messages",
                           {"body": "Pošaljite nam statut zadruge."})  # fmt: skip
    assert response.status_code == 303
    mail = outbox("req@example.org")[-1]
    assert "Pošaljite nam statut zadruge." in mail.body_text
    link = [line for line in mail.body_text.splitlines() if "/support/reply/" in line][0]
    path = link_in(link)
    # a visitor (the mail opened in another browser) logs in first
    visitor = space.client()
    answer = visitor.get(path)
    assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"]
    opened = requester.get(path)
    assert opened.status_code == 303
    assert opened.headers["Location"].endswith(f"/alfa/support/{case_id}/#reply")
    # another person holding the link, and a forged one: 404
    assert space.client(space.other).get(path).status_code == 404
    assert requester.get(path + "x").status_code == 404
    # the requester answers: the case is back in progress, the advisor is mailed
    before = len(outbox("admin@example.org"))
    answered = requester.post(f"/alfa/support/{case_id}/messages", {"body": "Evo statuta."})
    assert answered.status_code == 303
    assert space.case(case_id).status == "in_progress"
    assert len(outbox("admin@example.org")) == before + 1
    assert "Evo statuta." in outbox("admin@example.org")[-1].body_text
    page = parse(requester.get(f"/alfa/support/{case_id}/"))
    bodies = [text_of(p) for p in page.select(".support-messages .prewrap")]
    assert bodies == ["Pošaljite nam statut zadruge.", "Evo statuta."]
    # an empty message is refused, nothing is sent
    empty = requester.post(f"/alfa/support/{case_id}/messages", {"body": " "})
    assert empty.status_code == 422 and field_error(parse(empty), "body")


def test_a_closed_request_takes_no_more_messages_but_keeps_what_was_typed(space, outbox):
    requester = space.client(space.requester)
    case_id = space.ask(requester)
    office = space.client(space.advisor)
    office.post(f"/alfa/support/{case_id}/messages", {"body": "Pošaljite nam statut."})
    path = link_in([line for line in outbox("req@example.org")[-1].body_text.splitlines()
                    if "/support/reply/" in line][0])  # fmt: skip
    manage(office, case_id, status="closed")  # while the requester had the page open
    # the mailed link still leads to the case, which says it is closed
    opened = requester.get(path)
    assert opened.headers["Location"].endswith(f"/alfa/support/{case_id}/#reply")
    page = parse(requester.get(opened.headers["Location"]))
    assert "This request is closed" in text_of(page.select_one("#reply"))
    assert page.select_one("#body") is None
    typed = "Još jedno pitanje o statutu."
    before = len(outbox())
    response = requester.post(f"/alfa/support/{case_id}/messages", {"body": typed})
    assert response.status_code == 409
    page = parse(response)
    assert page.select_one("#body").get_text().strip() == typed  # the text is still in the box
    assert "This request is closed, so your message was not sent." in field_error(page, "body")
    assert page.select_one('a[href="/alfa/support/new"]') is not None
    assert page.select_one("#reply button[type=submit]") is None
    # the same answer as a fragment for htmx
    fragment = requester.post(f"/alfa/support/{case_id}/messages", {"body": typed},
                              headers={"HX-Request": "true"})  # fmt: skip
    assert fragment.status_code == 409
    assert "<html" not in fragment.get_data(as_text=True)
    assert parse(fragment).select_one("#body").get_text().strip() == typed
    assert len(outbox()) == before  # nothing sent
    with tenant_context(space.tenant.id):
        assert db.session.scalar(db.select(db.func.count()).select_from(SupportMessage)) == 1


def test_the_office_s_message_or_note_on_an_erased_request_keeps_what_was_typed(space):
    requester = space.client(space.requester)
    case_id = space.ask(requester)
    office = space.client(space.advisor)
    assert requester.post(f"/alfa/support/{case_id}/erase", {"confirm": "y"}).status_code == 303
    typed = "Odgovor savetnice koji je stigao kasno."
    response = office.post(f"/alfa/support/{case_id}/messages", {"body": typed})
    assert response.status_code == 409
    page = parse(response)
    assert page.select_one("#body").get_text().strip() == typed
    assert "erased at the requester's wish" in field_error(page, "body")
    note = office.post(f"/alfa/support/office/{case_id}/notes", {"note": typed})
    assert note.status_code == 409
    page = parse(note)
    assert page.select_one("#note").get_text().strip() == typed
    assert "erased at the requester's wish" in field_error(page, "note")
    with tenant_context(space.tenant.id):
        assert db.session.scalar(db.select(db.func.count()).select_from(SupportMessage)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(SupportNote)) == 0


def test_every_support_form_keeps_what_was_typed_on_an_error(space):
    requester = space.client(space.requester)
    bad = requester.post("/alfa/support/new", {
        "category": "legal_form", "description": "Kratko.", "municipality": "Kruševac",
        "contact_method": "phone", "phone": ""})  # fmt: skip
    assert bad.status_code == 422
    page = parse(bad)
    assert page.select_one("#description").get_text().strip() == "Kratko."
    assert page.select_one("#category option[selected]")["value"] == "legal_form"
    assert page.select_one("#contact_method-1, input[value=phone]").has_attr("checked")
    case_id = space.ask(requester)
    short = requester.post(f"/alfa/support/{case_id}/messages", {"body": "x"})
    assert short.status_code == 422 and parse(short).select_one("#body").get_text().strip() == "x"
    office = space.client(space.advisor)
    note = office.post(f"/alfa/support/office/{case_id}/notes", {"note": "y"})
    assert note.status_code == 422 and parse(note).select_one("#note").get_text().strip() == "y"
    refused = manage(office, case_id, status="triaged", priority="urgent", due_on="32.01.2027.")
    assert refused.status_code == 422
    page = parse(refused)
    assert page.select_one("#due_on")["value"] == "32.01.2027."
    assert page.select_one("#priority option[selected]")["value"] == "urgent"
    assert page.select_one("#status option[selected]")["value"] == "triaged"
    unknown = office.post(f"/alfa/support/office/{case_id}/barriers",
                          {"codes": ["no_legal_form", "invented"]})  # fmt: skip
    assert unknown.status_code == 422
    assert parse(unknown).select_one("input[value=no_legal_form]").has_attr("checked")


def test_attachments_are_checked_and_only_the_case_s_people_download_them(space):
    requester = space.client(space.requester)
    case_id = space.ask(requester)
    bad = requester.post(
        f"/alfa/support/{case_id}/messages",
        {"body": "Prilog u prilogu.", "file": (io.BytesIO(b"MZ\x90\x00" * 50), "virus.exe")},
    )
    assert bad.status_code == 422
    page = parse(bad)
    assert "not accepted" in field_error(page, "file")
    assert page.select_one("#body").get_text().strip() == "Prilog u prilogu."
    good = requester.post(
        f"/alfa/support/{case_id}/messages",
        {"body": "Statut u prilogu.", "file": (io.BytesIO(b"Statut zadruge\n"), "statut.txt")},
    )
    assert good.status_code == 303
    with tenant_context(space.tenant.id):
        message_id = db.session.scalar(db.select(SupportMessage.id))
    url = f"/alfa/support/{case_id}/messages/{message_id}/file"
    assert requester.get(url).get_data() == b"Statut zadruge\n"
    assert space.client(space.advisor).get(url).status_code == 200
    assert space.client(space.other).get(url).status_code == 404


def test_erasing_keeps_only_the_anonymous_counts(space, outbox):
    requester = space.client(space.requester)
    case_id = space.ask(requester, contact_method="phone", phone="+381 64 123 4567")
    office = space.client(space.advisor)
    office.post(f"/alfa/support/{case_id}/messages", {"body": "Pozovite nas."})
    office.post(f"/alfa/support/office/{case_id}/notes", {"note": "Tajna beleška."})
    office.post(f"/alfa/support/office/{case_id}/barriers", {"codes": ["no_legal_form"]})
    unconfirmed = requester.post(f"/alfa/support/{case_id}/erase", {})
    assert unconfirmed.status_code == 422 and field_error(parse(unconfirmed), "confirm")
    assert requester.post(f"/alfa/support/{case_id}/erase", {"confirm": "y"}).status_code == 303
    case = space.case(case_id)
    assert (case.description, case.phone, case.requester_id) == ("", "", None)
    assert (case.category, case.municipality, case.status) == ("legal_form", "Kruševac", "closed")
    with tenant_context(space.tenant.id):
        assert db.session.scalar(db.select(db.func.count()).select_from(SupportMessage)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(SupportNote)) == 0
    assert requester.get(f"/alfa/support/{case_id}/").status_code == 404
    page = office.get(f"/alfa/support/{case_id}/").get_data(as_text=True)
    assert "Petar" not in page and "+381" not in page and "Tajna beleška" not in page
    barriers = office.get("/alfa/support/office/barriers").get_data(as_text=True)
    assert "No legal form fits" in barriers


def test_the_dashboard_lists_open_cases_overdue_first(space):
    requester = space.client(space.requester)
    office = space.client(space.advisor)
    ids = [space.ask(requester) for _ in range(3)]
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    later = (date.today() + timedelta(days=10)).isoformat()
    manage(office, ids[0], status="new", due_on=later, advisor_id=str(space.advisor.id))
    manage(office, ids[2], status="new", due_on=yesterday, advisor_id=str(space.advisor.id))
    manage(office, ids[1], status="closed")
    page = parse(office.get("/alfa/support/office/"))
    listed = [text_of(a) for a in page.select("#open-cases tbody a")]
    assert listed == [f"#{ids[2]}", f"#{ids[0]}"]
    by_advisor = {text_of(r.th): [text_of(td) for td in r.select("td")]
                  for r in page.select("#by-advisor tbody tr")}  # fmt: skip
    assert by_advisor == {"Ana Savetnica": ["2", "1"]}
    mine = parse(office.get("/alfa/support/office/?advisor=none"))
    assert not mine.select("#open-cases")


def test_the_dashboard_and_a_case_are_a_bounded_number_of_statements(space, db):
    from tests.conftest import statements

    requester = space.client(space.requester)
    office = space.client(space.advisor)
    seen_at = {}
    for total in (2, 6):
        while len(space_cases(space)) < total:
            case_id = space.ask(requester)
            manage(office, case_id, status="new", advisor_id=str(space.advisor.id),
                   due_on=(date.today() - timedelta(days=1)).isoformat())  # fmt: skip
            office.post(f"/alfa/support/{case_id}/messages", {"body": "Odgovor kancelarije."})
            office.post(f"/alfa/support/office/{case_id}/notes", {"note": "Beleška."})
        office.get("/alfa/support/office/")
        with statements(db.engine) as dashboard:
            assert office.get("/alfa/support/office/").status_code == 200
        with statements(db.engine) as page:
            assert office.get(f"/alfa/support/{case_id}/").status_code == 200
        seen_at[total] = (len(dashboard), len(page))
    assert seen_at[2] == seen_at[6], seen_at
    assert seen_at[6][0] <= 12 and seen_at[6][1] <= 16, seen_at


def space_cases(space):
    from solidarna.support.models import SupportCase

    with tenant_context(space.tenant.id):
        return db.session.scalars(db.select(SupportCase.id)).all()


def test_the_advisors_are_named_in_the_reader_s_script(space):
    case_id = space.ask(space.client(space.requester))
    office = space.client(space.advisor)
    assert office.post("/language", {"locale": "sr_Cyrl", "next": "/"}).status_code in (302, 303)
    page = parse(office.get(f"/alfa/support/{case_id}/"))
    advisors = [text_of(option) for option in page.select("#advisor_id option")][1:]
    assert "Ана Саветница" in advisors and "Ana Savetnica" not in advisors, advisors
