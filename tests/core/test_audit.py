import pytest

from solidarna.core import audit


def test_audit_entries_are_append_only(db, make_user):
    user = make_user()
    entry = audit.record("account.test", target=user, actor=user, reason="x")
    db.session.commit()
    assert entry.target_type == "users" and entry.target_id == user.id
    assert entry.details == {"reason": "x"}
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
