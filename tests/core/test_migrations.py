"""Migrations: upgrade from empty, downgrade to base, and agreement with the models."""

import re

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy.engine import make_url
from sqlalchemy.orm import defer

from solidarna import create_app
from solidarna.core.database import for_dialect
from solidarna.core.tenancy import cross_tenant

# a quoted SQL literal; PostgreSQL hands CHECKs back rewritten ((x)::text = ANY (ARRAY[...])),
# SQLite as written, but both keep the literals in order
LITERAL = re.compile(r"'((?:[^']|'')*)'")


def scratch_database(database_url, tmp_path, suffix="migrations"):
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / f'{suffix}.sqlite3'}"
    name = f"{url.database}_{suffix}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def checks_in_models(metadata) -> dict:
    return {
        (table.name, constraint.name): LITERAL.findall(str(constraint.sqltext))
        for table in metadata.sorted_tables
        for constraint in table.constraints
        if isinstance(constraint, sa.CheckConstraint)
    }


def checks_in_database(engine) -> dict:
    """CHECK constraints as migrated: {(table, name): [literal, ...]}. Alembic's comparison
    leaves CHECKs out, so they are compared here."""
    inspector = sa.inspect(engine)
    return {
        (table, check["name"]): LITERAL.findall(check["sqltext"])
        for table in inspector.get_table_names()
        for check in inspector.get_check_constraints(table)
    }


def test_upgrade_downgrade_and_models_agree(database_url, tmp_path):
    url = scratch_database(database_url, tmp_path)
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    from solidarna.extensions import db

    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={"compare_type": True, "include_object": for_dialect(conn.dialect.name)},
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        expected = checks_in_models(db.metadata)
        assert ("memberships", "ck_memberships_role") in expected
        assert checks_in_database(db.engine) == expected
        downgrade(revision="0007")
        assert checks_in_database(db.engine) == {}
        upgrade()
        assert checks_in_database(db.engine) == expected
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()  # and up again from base
        assert "users" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_adding_the_checks_keeps_rows_indexes_and_foreign_keys(database_url, tmp_path):
    """On SQLite 0008 rebuilds referenced tables (users, tenants, organizations): the rows stay,
    nothing cascades, and the foreign keys still act afterwards."""
    url = scratch_database(database_url, tmp_path, suffix="checks")
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    from solidarna.extensions import db

    t = db.metadata.tables
    with app.app_context():
        upgrade(revision="0007")
        with cross_tenant(), db.engine.begin() as conn:
            user = conn.execute(
                t["users"].insert().values(email="a@example.org", name="A", password_hash="x")
            ).inserted_primary_key[0]
            tenant = conn.execute(
                t["tenants"].insert().values(slug="alfa", name="Alfa", kind="network")
            ).inserted_primary_key[0]
            conn.execute(t["memberships"].insert().values(tenant_id=tenant, user_id=user))
            org = conn.execute(
                t["organizations"]
                .insert()
                .values(tenant_id=tenant, name="Zadruga", legal_form="cooperative",
                        actor_type="cooperative", municipality="Brus", district_iso="RS-19")
            ).inserted_primary_key[0]  # fmt: skip
            conn.execute(
                t["organization_tags"]
                .insert()
                .values(tenant_id=tenant, organization_id=org, facet="kd", value="A")
            )
            conn.execute(t["notification_settings"].insert().values(user_id=user))
        names = ("users", "tenants", "memberships", "organizations", "organization_tags",
                 "notification_settings")  # fmt: skip

        def counts():
            with cross_tenant(), db.engine.connect() as conn:
                return [conn.scalar(sa.select(sa.func.count()).select_from(t[n])) for n in names]

        assert counts() == [1] * len(names)
        upgrade()
        assert counts() == [1] * len(names)
        with cross_tenant(), db.engine.begin() as conn:
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(t["memberships"].update().values(role="chief"))
            conn.execute(t["tenants"].delete())  # the cascade still reaches the children
        assert counts() == [1, 0, 0, 0, 0, 1]
        downgrade(revision="0007")
        assert counts() == [1, 0, 0, 0, 0, 1]
        db.engine.dispose()


def test_english_texts_are_added_and_removed_without_touching_the_rows(database_url, tmp_path):
    """0011 adds the optional English columns (empty for existing rows); downgrading drops
    them and keeps the spaces and categories."""
    url = scratch_database(database_url, tmp_path, suffix="english")
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    from solidarna.extensions import db

    t = db.metadata.tables
    with app.app_context():
        upgrade(revision="0010")
        with cross_tenant(), db.engine.begin() as conn:
            tenant = conn.execute(
                sa.insert(t["tenants"]).values(slug="alfa", name="Alfa", kind="network")
            ).inserted_primary_key[0]
            conn.execute(
                sa.insert(t["discussion_categories"]).values(tenant_id=tenant, name="Pitanja")
            )

        def columns(table):
            return {c["name"] for c in sa.inspect(db.engine).get_columns(table)}

        def rows():
            tenants, categories = t["tenants"].c, t["discussion_categories"].c
            with cross_tenant(), db.engine.connect() as conn:
                return (
                    conn.execute(sa.select(tenants.slug, tenants.name)).all(),
                    conn.execute(sa.select(categories.name)).all(),
                )

        assert "name_en" not in columns("tenants")
        upgrade(revision="0011")
        assert {"name_en", "short_name_en", "description_en"} <= columns("tenants")
        assert {"name_en", "description_en"} <= columns("discussion_categories")
        with cross_tenant(), db.engine.begin() as conn:
            assert conn.execute(sa.select(t["tenants"].c.name_en)).scalar_one() is None
            conn.execute(t["tenants"].update().values(name_en="Alpha"))
            conn.execute(t["discussion_categories"].update().values(name_en="Questions"))
        downgrade(revision="0010")
        assert "name_en" not in columns("tenants") | columns("discussion_categories")
        assert rows() == ([("alfa", "Alfa")], [("Pitanja",)])
        db.engine.dispose()


def _old_tenant(db, slug: str) -> int:
    """A space written with the columns every revision since 0028 has (not through the model,
    which may have more): its id."""
    with cross_tenant(), db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO tenants (slug, name, kind, description, region, municipalities, "
                "default_locale, visibility, modules, status, accent_color, taxonomies, starter, "
                "created_at, updated_at) VALUES (:slug, 'Alfa', 'municipality', '', 'RS', '[]', "
                "'sr_Latn', 'public', '[]', 'active', '#0b6e4f', '{}', '{}', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"
            ),
            {"slug": slug},
        )
        return conn.execute(sa.text("SELECT id FROM tenants WHERE slug = :slug"),
                            {"slug": slug}).scalar_one()  # fmt: skip


def test_0026_moves_the_proposals_followers_into_follows_and_back(database_url, tmp_path):
    """The proposals' followers (proposal_followers, 0021) become rows of the shared `follows`
    (core/following.py), and the downgrade puts them back."""
    from solidarna.accounts.models import User
    from solidarna.core.following import Follow
    from solidarna.core.tenancy import tenant_context
    from solidarna.proposals import services as proposal_services
    from solidarna.proposals.models import Institution

    url = scratch_database(database_url, tmp_path, "follows")
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    from solidarna.extensions import db

    with app.app_context():
        # the revision 0026 follows, whatever the chain is by then
        config = app.extensions["migrate"].migrate.get_config()
        before = ScriptDirectory.from_config(config).get_revision("0026").down_revision
        upgrade(revision=before)
        with app.test_request_context():
            # the account's and the space's rows as that revision has them: the models may
            # have columns added later (users.follows_version, 0037: not read here)
            with db.engine.begin() as conn:
                conn.execute(
                    sa.text(
                        "INSERT INTO users (email, name, password_hash, is_platform_admin, "
                        "active, created_at, updated_at) VALUES ('pratilac@example.org', "
                        "'Pratilac', 'x', false, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    )
                )
            user = db.session.scalar(
                sa.select(User)
                .where(User.email == "pratilac@example.org")
                .options(defer(User.follows_version))
            )
            user_id = user.id  # a commit expires the row: its refresh would ask for all columns
            tenant_id = _old_tenant(db, "alfa")
            with tenant_context(tenant_id):
                institution = Institution(name="Skupština", level="local")
                db.session.add(institution)
                db.session.flush()
                proposal = proposal_services.create(
                    {"title": "Predlog", "kind": "local_decision", "level": "local",
                     "institution_id": institution.id, "tags": []}, user,
                )  # fmt: skip
                db.session.flush()
                ids = (tenant_id, user_id, proposal.id)  # before the commit expires the rows
                db.session.commit()
            db.session.remove()  # no transaction left open across the migrations' DDL
        with cross_tenant(), db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO proposal_followers (proposal_id, user_id, created_at, "
                    "tenant_id) VALUES (:p, :u, CURRENT_TIMESTAMP, :t)"
                ),
                {"p": ids[2], "u": ids[1], "t": ids[0]},
            )
        upgrade()
        assert "proposal_followers" not in sa.inspect(db.engine).get_table_names()
        with cross_tenant():
            rows = [
                (f.tenant_id, f.subject_type, f.subject_id, f.user_id, f.origin_tenant_id)
                for f in db.session.scalars(sa.select(Follow))
            ]
        db.session.remove()
        assert rows == [(ids[0], "proposal", ids[2], ids[1], ids[0])]
        downgrade(revision=before)
        with cross_tenant(), db.engine.connect() as conn:
            back = conn.execute(
                sa.text("SELECT tenant_id, proposal_id, user_id FROM proposal_followers")
            ).all()
        assert [tuple(r) for r in back] == [ids]
        db.engine.dispose()
