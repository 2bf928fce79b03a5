import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.tenants.models import Invitation


@pytest.fixture
def two_tenants(db, make_user, make_tenant):
    """Alfa (Ana owner, Bojan member, one invitation) and beta (Ceca owner, one invitation);
    their ids, with the session emptied."""
    ana, bojan, ceca = make_user(name="Ana"), make_user(name="Bojan"), make_user(name="Ceca")
    a = make_tenant("alfa", members={ana: "owner", bojan: "member"})
    b = make_tenant("beta", members={ceca: "owner"})
    with tenant_context(a.id):
        db.session.add(Invitation(email="x@example.org", role="member"))
        db.session.commit()
    with tenant_context(b.id):
        db.session.add(Invitation(email="y@example.org", role="admin"))
        db.session.commit()
    ids = a.id, b.id
    db.session.expunge_all()
    return ids
