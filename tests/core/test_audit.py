import re
from pathlib import Path

import pytest

from solidarna.core import audit
from tests.conftest import EN, Client, parse, text_of


def test_audit_entries_are_append_only(db, make_user):
    user = make_user()
    entry = audit.record("account.test", target=user, actor=user, reason="x")
    db.session.commit()
    assert entry.target_type == "users" and entry.target_id == user.id
    assert entry.details == {"reason": "x", "target_label": user.name}
    entry.action = "changed"
    with pytest.raises(PermissionError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(audit.AuditEntry, entry.id))
    with pytest.raises(PermissionError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def test_the_log_of_a_space_and_of_the_platform_are_asked_for_by_name(db, make_tenant):
    alfa, beta = make_tenant("alfa"), make_tenant("beta")
    audit.record("test.alfa", tenant_id=alfa.id)
    audit.record("test.beta", tenant_id=beta.id)
    audit.record("test.platform")
    db.session.commit()
    assert [e.action for e in audit.entries(tenant_id=alfa.id).items] == ["test.alfa"]
    everything = [e.action for e in audit.platform_entries().items]
    assert everything == ["test.platform", "test.beta", "test.alfa"]
    with pytest.raises(ValueError):  # a missing space is a mistake, not "every space"
        audit.entries(tenant_id=None)
    with pytest.raises(TypeError):
        audit.entries()


ROOT = Path(__file__).resolve().parents[2] / "platform/solidarna"
RECORDED = re.compile(r'audit\.record\(\s*(f?)"([^"]+)"(?!\s*\+)')


def recorded_actions() -> tuple[set[str], set[str]]:
    """The actions the code records: plain names, and f-string patterns as regular expressions."""
    plain, patterns = set(), set()
    for path in ROOT.rglob("*.py"):
        for is_f, name in RECORDED.findall(path.read_text(encoding="utf-8")):
            if is_f:
                patterns.add("^" + re.sub(r"\\\{[^}]*\\\}", "[a-z_]+", re.escape(name)) + "$")
            else:
                plain.add(name)
    return plain, patterns


def test_every_action_the_code_records_reads_as_a_sentence(app):
    from solidarna.core.audit_text import actions
    from solidarna.discussions.moderation_services import POST_ACTIONS, THREAD_ACTIONS

    declared = set(actions())
    plain, patterns = recorded_actions()
    assert len(plain) > 30 and patterns  # the scan found the calls
    assert plain - declared == set()
    for pattern in patterns:  # each f-string has at least its sentences
        assert any(re.match(pattern, a) for a in declared), pattern
    expanded = {
        *(f"discussions.post_{a}" for a in POST_ACTIONS),
        *(f"discussions.thread_{a}" for a in THREAD_ACTIONS),
        *(f"organization.{s}" for s in ("verified", "rejected", "archived", "pending")),
        "organization.representative_claimed", "organization.representative_added",
        "tenant.suspended", "tenant.reactivated",
    }  # fmt: skip
    assert expanded - declared == set()


def test_the_log_reads_as_sentences_with_labels_and_names(app, db, make_user, make_tenant):
    from solidarna.core.audit_text import detail_lines, sentence
    from solidarna.core.tenancy import tenant_context
    from solidarna.tenants.models import Membership

    owner = make_user(email="owner@example.org", name="Ana Petrović")
    nova = make_user(email="nova@example.org", name="Nova Članica")
    tenant = make_tenant("alfa", name="Kancelarija Alfa", members={owner: "owner", nova: "member"})
    with tenant_context(tenant.id):
        membership = db.session.scalar(db.select(Membership).where(Membership.user_id == nova.id))
        audit.record("member.role_changed", target=membership, actor=owner, old="member",
                     new="admin", user_id=nova.id)  # fmt: skip
        audit.record("organization.updated", actor=owner, target_type="organizations",
                     target_id=1, target_label="Zadruga Rasina", fields=["legal_form", "mission"])  # fmt: skip
        db.session.commit()
    client = Client(app)
    client.login("owner@example.org")
    page = parse(client.get("/alfa/admin/audit", headers=EN))
    rows = [text_of(tr) for tr in page.select("tbody tr")]
    assert any("Ana Petrović changed the role of Nova Članica from Member to Administrator" in r
               for r in rows), rows  # fmt: skip
    changed = next(r for r in rows if "changed Zadruga Rasina" in r)
    assert "Fields: Legal form, Mission" in changed
    text = text_of(page.select_one("main"))
    assert "member.role_changed" not in text and "legal_form" not in text and "user_id" not in text
    with app.test_request_context(headers=EN):
        entry = audit.entries(tenant_id=tenant.id).items[0]
        assert "<strong>Ana Petrović</strong>" in str(sentence(entry))
        assert detail_lines(entry) == [("Fields", "Legal form, Mission")]


def test_a_sentence_escapes_what_people_typed(app, db, make_user):
    from solidarna.core.audit_text import sentence

    user = make_user(name="<script>alert(1)</script>")
    entry = audit.record("account.registered", target=user, actor=user)
    db.session.commit()
    with app.test_request_context(headers=EN):
        html = str(sentence(entry))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_platform_log_names_spaces(app, db, make_user, make_tenant):
    make_user(email="root@example.org", is_platform_admin=True)
    tenant = make_tenant("alfa", name="Kancelarija Alfa")
    audit.record("tenant.suspended", target=tenant, tenant_id=tenant.id)
    db.session.commit()
    client = Client(app)
    client.login("root@example.org")
    page = parse(client.get("/admin/audit", headers=EN))
    row = next(text_of(tr) for tr in page.select("tbody tr") if "suspended" in text_of(tr))
    assert "suspended the space Kancelarija Alfa" in row and row.endswith("Kancelarija Alfa")


def test_coded_details_show_their_labels(app, db, make_user):
    from solidarna.core.audit_text import detail_lines

    user = make_user(name="Ana Petrović")
    entry = audit.record("directory.imported", actor=user, filename="popis.csv", created=2,
                         skipped=0, moderation="pending", include_similar=False)  # fmt: skip
    db.session.commit()
    with app.test_request_context(headers=EN):
        lines = dict(detail_lines(entry))
    assert lines["Status of the new entries"] == "Pending"
    assert lines["Including entries similar to existing ones"] == "no"
