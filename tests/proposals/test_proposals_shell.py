"""The proposals list as a page shell for logged-in people (proposals/views/browse.py index,
core/fragments.py `shell_page`): one per viewer level, address and the drafts the person sees
as their (invited) author; the next step of an empty list (it reads the membership) a slot.
Another person of the same level and drafts gets from it exactly the page drawn for them with
the caches off; a member without those drafts and an admin (who sees every draft) get their
own; a proposal opened to consultation is on the next request."""

from __future__ import annotations

from datetime import timedelta

from solidarna.core import fragments, notifications
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals.workflow import today
from solidarna.tenants.models import Membership
from tests.core.test_fragments import EN, html, status
from tests.core.test_page_shell import caches_on, same_page, shells, uncached  # noqa: F401 - caches_on: a fixture
from tests.proposals.conftest import reader

LIST = "/alfa/proposals/"
BELL = 'class="bell-count"'
WAITING = "Your request to join is waiting"


def test_a_coauthor_gets_from_the_lead_authors_shell_the_page_drawn_for_them(app, space):
    """Ana (the lead author of a draft) draws the shell; Rade, invited to co-author it (the
    same level and drafts seen, another name, an unread notice), gets from it the page drawn
    for him. Mira, who sees no draft, and the owner, who sees them all, draw their own."""
    space.proposal("Javna odluka o zadrugama", state="consultation")
    draft = space.proposal("Anin nacrt o subvencijama")
    ana, rade = reader(app, space.author.email), reader(app, space.rep1.email)
    invited = ana.post(f"/alfa/proposals/{draft}/authors/invite", {"email": space.rep1.email})
    assert invited.status_code == 303
    ana.get(f"/alfa/proposals/{draft}", headers=EN)  # its message shown
    with app.test_request_context(), tenant_context(space.tenant.id):
        notifications.notify([space.rep1], kind="mention", title="Pomenuti ste", url=LIST)
        db.session.commit()

    first = ana.get(LIST, headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    assert "Anin nacrt o subvencijama" in html(first) and "Javna odluka o zadrugama" in html(first)
    assert BELL not in html(first)
    served = rade.get(LIST, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    page = html(served)
    assert "Rade Zadrugar" in page and "Ana Autorka" not in page
    assert f'{BELL} aria-hidden="true">1<' in page  # his own unread notice
    assert "Anin nacrt o subvencijama" in page  # the draft he is invited to
    assert same_page(page) == same_page(html(uncached(app, rade, LIST)))

    # Mira sees no draft: her own shell, without it; Vera (no draft either) gets Mira's
    mira, vera = reader(app, space.member.email), reader(app, space.rep2.email)
    for_mira = mira.get(LIST, headers=EN)
    assert status(for_mira, fragments.SHELL) == "miss"
    assert "Anin nacrt o subvencijama" not in html(for_mira)
    for_vera = vera.get(LIST, headers=EN)
    assert status(for_vera, fragments.SHELL) == "hit"
    assert "Vera Udruženić" in html(for_vera) and "Mira Članica" not in html(for_vera)
    assert "Anin nacrt o subvencijama" not in html(for_vera)
    assert same_page(html(for_vera)) == same_page(html(uncached(app, vera, LIST)))

    kept = shells()
    assert len(kept) == 2
    people = (space.author, space.rep1, space.member, space.rep2)
    for text in kept.values():
        assert fragments.PLACEHOLDER in text and BELL not in text
        for person in people:
            assert person.email not in text and person.name not in text

    # an admin is another level: their own shell, with every draft and the institutions
    owner = reader(app, space.owner.email)
    for_owner = owner.get(LIST, headers=EN)
    assert status(for_owner, fragments.SHELL) == "miss"
    assert "Anin nacrt o subvencijama" in html(for_owner)
    assert "/alfa/proposals/institutions/" in html(for_owner)
    assert "/alfa/proposals/institutions/" not in html(mira.get(LIST, headers=EN))
    assert len(shells()) == 3


def test_the_next_step_of_an_empty_list_is_each_persons_own(app, space, make_user):
    """A pending request to join and a suspended membership are the same viewer level: the
    empty list's next step (the waiting request) is filled for each."""
    pending = make_user(email="ceka@example.org", name="Čeda Čekić", locale="en")
    suspended = make_user(email="stop@example.org", name="Sava Suspendić", locale="en")
    with app.app_context(), tenant_context(space.tenant.id):
        db.session.add_all([
            Membership(user_id=pending.id, role="member", status="pending"),
            Membership(user_id=suspended.id, role="member", status="suspended"),
        ])  # fmt: skip
        db.session.commit()
    waiting, stopped = reader(app, pending.email), reader(app, suspended.email)
    first = waiting.get(LIST, headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    assert "No proposals yet." in html(first) and WAITING in html(first)
    served = stopped.get(LIST, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    assert "No proposals yet." in html(served) and WAITING not in html(served)
    assert same_page(html(served)) == same_page(html(uncached(app, stopped, LIST)))
    for text in shells().values():
        assert WAITING not in text and "Čeda Čekić" not in text and pending.email not in text


def test_a_proposal_opened_to_consultation_is_on_the_members_next_request(app, space):
    draft = space.proposal("Nacrt o zadružnim domovima")
    mira = reader(app, space.member.email)
    assert status(mira.get(LIST, headers=EN), fragments.SHELL) == "miss"
    again = mira.get(LIST, headers=EN)
    assert status(again, fragments.SHELL) == "hit"
    assert "Nacrt o zadružnim domovima" not in html(again)
    ana = reader(app, space.author.email)
    ends = (today() + timedelta(days=14)).isoformat()
    opened = ana.post(f"/alfa/proposals/{draft}/move/consultation", {"ends": ends, "note": "Da"})
    assert opened.status_code == 303
    after = mira.get(LIST, headers=EN)
    assert status(after, fragments.SHELL) == "miss"
    assert "Nacrt o zadružnim domovima" in html(after)


def test_the_drafts_a_person_sees_are_kept_and_an_invitation_is_on_the_next_request(app, space):
    """The drafts a member sees as their (invited) author are kept per person until a write
    in the space (services.drafts_seen): a repeat of the list reads no proposal row; an
    invitation to co-author a draft puts it in their list on the next request."""
    from solidarna.extensions import db
    from tests.conftest import statements

    draft = space.proposal("Nacrt o zadružnim domovima")
    vera = reader(app, space.rep2.email)
    assert status(vera.get(LIST, headers=EN), fragments.SHELL) == "miss"
    with statements(db.engine) as seen:
        again = vera.get(LIST, headers=EN)
    assert status(again, fragments.SHELL) == "hit"
    assert not [s for s in seen if "FROM proposals" in s], seen
    assert "Nacrt o zadružnim domovima" not in html(again)
    ana = reader(app, space.author.email)
    invited = ana.post(f"/alfa/proposals/{draft}/authors/invite", {"email": space.rep2.email})
    assert invited.status_code == 303
    assert "Nacrt o zadružnim domovima" in html(vera.get(LIST, headers=EN))
