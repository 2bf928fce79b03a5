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
