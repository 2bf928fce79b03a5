"""What a logged-in person's page around its fragments costs less now, and stays right: the
bell's count read with the account (tenants/routing.py), the space's navigation kept per
viewer level (templates/tenants/_layout.html), the represented entries and the home's figures
kept per change marker and account (core/fragments.kept_value). A notification or a write is
seen on the next request; one person never gets another's count, navigation or figures."""

from __future__ import annotations

import re

import pytest

from solidarna.accounts.models import User
from solidarna.core import notifications
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization, Representative
from solidarna.extensions import cache
from tests.core.test_fragments import EN, html, status
from tests.directory.conftest import entry  # noqa: F401 - fixtures
from tests.discussions.conftest import as_user, space  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def caches_on(app):
    app.config["PAGE_CACHE"] = True
    app.config["FRAGMENT_CACHE"] = True
    cache.clear()


def bell(page: str) -> str:
    return re.search(r'<span class="visually-hidden">(Notifications[^<]*)</span>', page).group(1)


def figure(page: str, label: str) -> int:
    return int(re.search(rf"<dt>{label}</dt><dd>([\d.,]+)</dd>", page).group(1))


def notify_of_a_reply(space, db, user_id: int) -> None:  # noqa: F811
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        notifications.notify(
            [db.session.get(User, user_id)],
            kind="discussions.reply",
            title="Odgovor",
            url="/alfa/discussions/",
        )
        db.session.commit()


def test_the_bell_counts_a_notification_on_the_next_request(space, as_user, db):  # noqa: F811
    ana, bojan = as_user(space.ana.email), as_user(space.bojan.email)
    assert bell(html(ana.get("/alfa/", headers=EN))) == "Notifications, none unread"
    notify_of_a_reply(space, db, space.ana.id)
    for path in ("/alfa/", "/alfa/directory/", "/alfa/discussions/"):
        assert bell(html(ana.get(path, headers=EN))) == "Notifications, 1 unread"
        assert bell(html(bojan.get(path, headers=EN))) == "Notifications, none unread"
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        assert notifications.mark_read(db.session.get(User, space.ana.id)) == 1
        db.session.commit()
    assert bell(html(ana.get("/alfa/", headers=EN))) == "Notifications, none unread"


def test_the_account_in_the_session_is_checked_after_the_prefetch(space, as_user, db):  # noqa: F811
    """The one statement reads the account the session names; Flask-Login still refuses a
    suspended account, whose page then shows a visitor's header."""
    ana = as_user(space.ana.email)
    assert "Log out" in html(ana.get("/alfa/", headers=EN))
    user = db.session.get(User, space.ana.id)
    user.active = False
    db.session.commit()
    page = html(ana.get("/alfa/", headers=EN))
    assert "Log out" not in page and "notification-bell" not in page


def test_the_space_navigation_is_kept_per_level_and_page(space, as_user, db):  # noqa: F811
    owner, ana, bojan = (as_user(p.email) for p in (space.owner, space.ana, space.bojan))
    first = owner.get("/alfa/", headers=EN)
    assert status(first, "site-header") == "miss" and ">Manage members<" in html(first)
    member = ana.get("/alfa/", headers=EN)
    assert status(member, "site-header") == "miss"  # another level: never the owner's
    assert ">Manage members<" not in html(member) and ">Members<" in html(member)
    other = bojan.get("/alfa/", headers=EN)
    assert status(other, "site-header") == "hit" and ">Manage members<" not in html(other)
    assert html(other).count('aria-current="page"') == 1
    index = bojan.get("/alfa/discussions/", headers=EN)
    assert status(index, "site-header") == "miss"  # another page: its own current entry
    assert re.search(r'href="/alfa/discussions/" aria-current="page"', html(index))
    # a change of the space (a module switched off) is seen on the next request
    tenant = db.session.merge(space.tenant)
    tenant.modules = [m for m in tenant.modules if m != "discussions"]
    db.session.commit()
    after = bojan.get("/alfa/", headers=EN)
    assert status(after, "site-header") == "miss"
    assert 'href="/alfa/discussions/"' not in html(after)


def test_the_header_is_kept_with_each_persons_bell_name_and_address(space, as_user, db):  # noqa: F811
    """One kept header for a viewer level and a kind of page: the bell's count, the name and
    the language switch's return address are each request's own, the token each session's."""
    ana, bojan = as_user(space.ana.email), as_user(space.bojan.email)
    notify_of_a_reply(space, db, space.bojan.id)
    first, second = space.thread("Prva", "Tekst."), space.thread("Druga", "Tekst.")
    page = ana.get(f"/alfa/discussions/t/{first}?page=1", headers=EN)
    assert status(page, "site-header") == "miss"
    text = html(page)
    assert ">Ana Anić</a>" in text and "Bojan Bojić</a>" not in text
    assert bell(text) == "Notifications, none unread"
    assert f'name="next" value="/alfa/discussions/t/{first}?page=1"' in text
    other = bojan.get(f"/alfa/discussions/t/{second}", headers=EN)
    assert status(other, "site-header") == "hit"  # the same level, the same kind of page
    text = html(other)
    assert ">Bojan Bojić</a>" in text and "Ana Anić</a>" not in text.split("</header>")[0]
    assert bell(text) == "Notifications, 1 unread"
    assert f'name="next" value="/alfa/discussions/t/{second}"' in text
    header = text.split("</header>")[0]
    tokens = re.findall(r'name="csrf_token" value="([^"]+)"', header)
    assert {token.split(".")[0] for token in tokens} == {bojan.token().split(".")[0]}
    backend = cache.cache  # SimpleCache in the tests
    kept = [backend.get(key) for key in backend._cache if ":site-header:" in key]
    assert kept and not any("Bojan" in text or "Ana" in text for text in kept)
    assert not any("unread" in text and "1 unread" in text for text in kept)


def test_home_figures_follow_a_write_and_the_viewer(space, as_user, db, entry):  # noqa: F811
    label = "Organizations in the directory"
    ana, bojan = as_user(space.ana.email), as_user(space.bojan.email)
    assert figure(html(ana.get("/alfa/", headers=EN)), label) == 0
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        org = entry("Zadruga Pčela", moderation="pending")
        db.session.add(Representative(organization_id=org.id, user_id=space.ana.id,
                                      status="active"))  # fmt: skip
        db.session.commit()
        org_id = org.id
    # Ana represents the entry under review and counts it; Bojan does not, from his own key
    assert figure(html(ana.get("/alfa/", headers=EN)), label) == 1
    assert figure(html(ana.get("/alfa/", headers=EN)), label) == 1
    assert figure(html(bojan.get("/alfa/", headers=EN)), label) == 0
    assert figure(html(bojan.get("/alfa/", headers=EN)), label) == 0
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        db.session.get(Organization, org_id).moderation = "verified"
        db.session.commit()
    assert figure(html(bojan.get("/alfa/", headers=EN)), label) == 1
    # her edit link on the entry's page (from the kept represented entries) goes on the next
    # request after she stops representing it
    profile = f"/alfa/directory/{org_id}"
    edit = f"/alfa/directory/{org_id}/edit"
    assert edit in html(ana.get(profile, headers=EN))
    assert edit in html(ana.get(profile, headers=EN))
    assert edit not in html(bojan.get(profile, headers=EN))
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        db.session.execute(db.delete(Representative).where(Representative.user_id == space.ana.id))
        db.session.commit()
    assert edit not in html(ana.get(profile, headers=EN))


def ana_discusses_her_entry_under_review(space, db, entry) -> int:  # noqa: F811
    """Ana represents "Zadruga Bagrem", still under review, and starts "Tema o bagremu" about
    it: a discussion only she (and the moderators) may see. The entry's id."""
    from solidarna.core.subjects import Subject
    from solidarna.discussions import services as ds

    with space.app.test_request_context(), tenant_context(space.tenant.id):
        org = entry("Zadruga Bagrem", moderation="pending")
        db.session.add(Representative(organization_id=org.id, user_id=space.ana.id,
                                      status="active"))  # fmt: skip
        db.session.flush()
        subject = Subject("organization", org.id, org.name, "/alfa/directory/")
        ds.create_thread("Tema o bagremu", "Tekst.", db.session.get(User, space.ana.id),
                         subject=subject, rate_check=False)  # fmt: skip
        db.session.commit()
        return org.id


def test_discussions_about_entries_are_kept_per_person(space, as_user, db, entry):  # noqa: F811
    org_id = ana_discusses_her_entry_under_review(space, db, entry)
    ana, bojan = as_user(space.ana.email), as_user(space.bojan.email)
    url = "/alfa/discussions/"
    assert status(ana.get(url, headers=EN), "discussion-about") == "miss"
    again = ana.get(url, headers=EN)
    assert status(again, "discussion-about") == "hit" and "Tema o bagremu" in html(again)
    other = bojan.get(url, headers=EN)  # the entry is under review: not his to see
    assert status(other, "discussion-about") == "miss" and "Tema o bagremu" not in html(other)
    assert "Tema o bagremu" not in html(bojan.get(url, headers=EN))
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        db.session.get(Organization, org_id).moderation = "verified"
        db.session.commit()
    assert "Tema o bagremu" in html(bojan.get(url, headers=EN))
