"""notify(): who is notified, which mail goes out when, in which language."""

from __future__ import annotations

import pytest

from solidarna.core import digests
from solidarna.core import notifications as n
from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from tests.conftest import declare_notification_kinds


@pytest.fixture(autouse=True)
def _kinds(app):
    declare_notification_kinds(app, {"tests.reply": "New reply"})


def statuses(db, user) -> list[str]:
    rows = db.session.scalars(
        db.select(n.Notification)
        .where(n.Notification.user_id == user.id)
        .order_by(n.Notification.id)
    )
    return [row.email_status for row in rows]


def reply(recipients, *, subject_id=5, actor=None, title="Zajednička nabavka", tenant_id=None):
    return n.notify(
        recipients,
        kind="tests.reply",
        title=title,
        url=f"/alfa/discussions/t/{subject_id}",
        excerpt="Predlažem da se nađemo u četvrtak.",
        actor=actor,
        subject_type="thread",
        subject_id=subject_id,
        tenant_id=tenant_id,
    )


def test_notify_skips_the_actor_and_duplicates(db, make_user, make_tenant, outbox):
    ana, bora, vesna = make_user(name="Ana"), make_user(name="Bora"), make_user(name="Vesna")
    tenant = make_tenant("alfa")
    with tenant_context(tenant.id):
        rows = reply([ana, bora, bora, vesna, None], actor=ana)
        db.session.commit()
    assert sorted(r.user_id for r in rows) == sorted([bora.id, vesna.id])
    assert all(r.tenant_id == tenant.id and r.actor_id == ana.id for r in rows)
    assert n.unread_count(ana) == 0
    assert n.unread_count(bora) == n.unread_count(vesna) == 1
    assert sorted(m.to_address for m in outbox()) == sorted([bora.email, vesna.email])


def test_nobody_to_notify_adds_nothing(db, make_user, outbox):
    ana = make_user()
    assert reply([ana], actor=ana) == []
    db.session.commit()
    assert n.unread_count(ana) == 0 and outbox() == []


def test_the_three_email_modes(db, make_user, outbox):
    now, daily, never = make_user(), make_user(), make_user()
    n.set_email_mode(daily, "daily")
    n.set_email_mode(never, "never")
    db.session.commit()
    reply([now, daily, never])
    db.session.commit()
    assert statuses(db, now) == ["sent"]
    assert statuses(db, daily) == ["pending"]
    assert statuses(db, never) == ["skipped"]
    assert [m.to_address for m in outbox()] == [now.email]
    # Everyone sees the notification on the site, whatever the mail setting.
    assert n.unread_count(daily) == n.unread_count(never) == 1


def test_unverified_and_inactive_accounts_get_no_mail(db, make_user, outbox):
    unverified, inactive = make_user(verified=False), make_user(active=False)
    reply([unverified, inactive])
    db.session.commit()
    assert statuses(db, unverified) == statuses(db, inactive) == ["skipped"]
    assert outbox() == []


def test_unread_mailed_notification_coalesces_further_mail(db, make_user, outbox):
    bora = make_user()
    reply([bora])
    reply([bora])  # same thread, first one still unread: no second mail
    reply([bora], subject_id=6)  # another thread: a mail
    db.session.commit()
    assert statuses(db, bora) == ["sent", "skipped", "sent"]
    assert len(outbox(bora.email)) == 2
    # Once the mailed one is read, the next reply mails again.
    first = db.session.scalars(
        db.select(n.Notification)
        .where(n.Notification.user_id == bora.id)
        .order_by(n.Notification.id)
    ).first()
    n.mark_read(bora, first)
    db.session.commit()
    reply([bora])
    db.session.commit()
    assert statuses(db, bora)[-1] == "sent"
    assert len(outbox(bora.email)) == 3


def test_notifications_without_subject_are_never_coalesced(db, make_user, outbox):
    bora = make_user()
    for _ in range(2):
        n.notify([bora], kind="tests.reply", title="Dobrodošli", url="/alfa/")
    db.session.commit()
    assert statuses(db, bora) == ["sent", "sent"]


def test_mail_is_in_the_recipients_language(db, make_user, make_tenant, outbox):
    english = make_user(name="Ana", locale="en")
    follows_space = make_user(name="Bora")
    tenant = make_tenant("alfa", name="Prostor Alfa", short_name="Alfa", default_locale="sr_Cyrl")
    reply([english, follows_space], title="Zajednička nabavka", tenant_id=tenant.id)
    no_space = make_user(name="Vesna")
    n.notify([no_space], kind="tests.reply", title="Platforma", url="/")
    db.session.commit()
    (mail_en,) = outbox(english.email)
    assert mail_en.body_text.startswith("Hello Ana,")
    assert "Zajednička nabavka" in mail_en.body_text
    assert mail_en.subject == "New reply: Zajednička nabavka · Alfa"
    # No language of their own: the space's default, here Cyrillic (user content too).
    (mail_cyr,) = outbox(follows_space.email)
    assert mail_cyr.body_text.startswith("Добар дан, Бора,")
    assert "Заједничка набавка" in mail_cyr.body_text and "Заједничка набавка" in mail_cyr.subject
    # Neither: the platform's default, Serbian Latin.
    (mail_lat,) = outbox(no_space.email)
    assert mail_lat.body_text.startswith("Dobar dan, Vesna,")


def test_mail_names_the_space_in_the_recipients_language(db, make_user, make_tenant, outbox):
    english = make_user(name="Ana", locale="en")
    cyrillic = make_user(name="Bora", locale="sr_Cyrl")
    daily = make_user(name="Vesna", locale="en")
    n.set_email_mode(daily, "daily")
    tenant = make_tenant("alfa", name="Prostor Alfa", short_name="Alfa", short_name_en="Alfa Space")
    reply([english, cyrillic, daily], tenant_id=tenant.id)
    db.session.commit()
    (mail_en,) = outbox(english.email)
    assert mail_en.subject == "New reply: Zajednička nabavka · Alfa Space"
    assert "New reply in Alfa Space:" in mail_en.body_text
    (mail_cyr,) = outbox(cyrillic.email)
    assert mail_cyr.subject.endswith("· Алфа") and "у Алфа" in mail_cyr.body_text
    assert digests.send_digests() == 1
    db.session.commit()
    (digest,) = outbox(daily.email)
    assert digest.subject == "1 new notification · Alfa Space"
    assert "\nAlfa Space\n" in digest.body_text


def test_mail_links_are_absolute_and_carry_one_click_unsubscribe(app, db, make_user, outbox):
    app.config["PUBLIC_BASE_URL"] = "https://solidarna.example/"
    bora = make_user(locale="en")
    (row,) = reply([bora])
    db.session.commit()
    (message,) = outbox()
    body = message.body_text
    assert f"https://solidarna.example/notifications/{row.id}\n" in body
    assert "https://solidarna.example/notifications/settings" in body
    token = n.unsubscribe_token(bora)
    link = f"https://solidarna.example/notifications/unsubscribe/{token}"
    assert link in body
    assert f"List-Unsubscribe: <{link}>" in message.headers
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message.headers


def test_unsubscribe_tokens(db, make_user):
    bora = make_user()
    token = n.unsubscribe_token(bora)
    assert n.user_from_unsubscribe_token(token) == bora
    forged = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
    for bad in ("", "x", forged, "a" * 500):
        assert n.user_from_unsubscribe_token(bad) is None
    db.session.delete(bora)
    db.session.commit()
    assert n.user_from_unsubscribe_token(token) is None


def test_leaving_daily_mode_drops_what_waited_for_the_digest(db, make_user, outbox):
    bora = make_user()
    n.set_email_mode(bora, "daily")
    reply([bora])
    db.session.commit()
    n.set_email_mode(bora, "immediate")
    db.session.commit()
    assert statuses(db, bora) == ["skipped"]
    assert digests.send_digests() == 0


def test_bad_arguments_are_refused(db, make_user):
    bora = make_user()
    with pytest.raises(ValueError, match="site-relative path"):
        n.notify([bora], kind="tests.reply", title="x", url="https://evil.example/")
    with pytest.raises(ValueError, match="unknown e-mail mode 'hourly'"):
        n.set_email_mode(bora, "hourly")


def test_mark_read_touches_only_the_owners_notifications(db, make_user):
    ana, bora = make_user(), make_user()
    reply([ana, bora])
    db.session.commit()
    assert n.mark_read(ana) == 1
    db.session.commit()
    assert n.unread_count(ana) == 0 and n.unread_count(bora) == 1
    row = db.session.scalars(
        db.select(n.Notification).where(n.Notification.user_id == ana.id)
    ).one()
    assert row.read_at is not None and row.read_at <= utcnow()


def test_shorten_keeps_within_the_limit():
    assert n.shorten("  Kratko\n i \x00 jasno ") == "Kratko i jasno"
    long = "reč " * 200
    assert len(n.shorten(long, 300)) <= 300 and n.shorten(long, 300).endswith("reč…")
    assert len(n.shorten("x" * 400, 300)) == 300
