"""check constraints: statuses, roles, visibilities and kinds hold only the codes the code knows

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 10:00:00

Every column whose value is one of a fixed set of codes (core.models.one_of in the models)
gets a named CHECK, so no path (a form, the CSV import, a Core UPDATE, psql) can store a value
the code does not know. The lists are copied here, not imported: a migration is history and
must not change when the code does; tests/core/test_migrations.py compares them with the
models. On PostgreSQL this is ALTER TABLE ... ADD CONSTRAINT (which checks the existing rows);
on SQLite each table is rebuilt by batch mode with its indexes, unique constraints and foreign
keys (env.py turns foreign-key enforcement off for the run, so dropping the old copy of a
referenced table does not cascade).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _listed(*values):
    return ", ".join(f"'{v}'" for v in sorted(values))


def _one_of(column, *values):
    return f"{column} IN ({_listed(*values)})"


LOCALES = ("en", "sr_Cyrl", "sr_Latn")
ROLES = ("admin", "member", "moderator", "owner")
TAG_VALUES = {
    "group": (
        "disability", "elderly", "former_prisoners", "hard_to_employ", "homeless",
        "long_term_unemployed", "other_vulnerable", "roma", "rural_women", "social_protection",
        "violence_survivors", "youth_leaving_care",
    ),
    "interest": (
        "culture", "education_services", "environment", "health_services",
        "other_general_interest", "social_services", "sustainable_development",
        "work_integration",
    ),
    "kd": tuple("ABCDEFGHIJKLMNOPQRSTU"),
}

#: table -> {constraint name: CHECK text}, exactly as the models render them
CHECKS = {
    "users": {"ck_users_locale": _one_of("locale", *LOCALES)},
    "tenants": {
        "ck_tenants_default_locale": _one_of("default_locale", *LOCALES),
        "ck_tenants_kind": _one_of(
            "kind", "coalition", "district_office", "municipality", "network"
        ),
        "ck_tenants_status": _one_of("status", "active", "suspended"),
        "ck_tenants_visibility": _one_of("visibility", "members", "public"),
    },
    "memberships": {
        "ck_memberships_role": _one_of("role", *ROLES),
        "ck_memberships_status": _one_of("status", "active", "pending", "suspended"),
    },
    "invitations": {"ck_invitations_role": _one_of("role", *ROLES)},
    "notifications": {
        "ck_notifications_email_status": _one_of("email_status", "pending", "sent", "skipped"),
    },
    "notification_settings": {
        "ck_notification_settings_email_mode": _one_of(
            "email_mode", "daily", "immediate", "never"
        ),
    },
    "organizations": {
        "ck_organizations_legal_form": _one_of(
            "legal_form", "ad", "association", "cooperative", "doo", "endowment",
            "entrepreneur", "foundation", "government_body", "informal", "institution", "kd",
            "od", "other", "public_enterprise", "sports_association",
        ),
        "ck_organizations_moderation": _one_of(
            "moderation", "archived", "pending", "rejected", "verified"
        ),
        "ck_organizations_se_status": _one_of(
            "se_status", "in_progress", "no", "planned", "registered"
        ),
        "ck_organizations_source": _one_of("source", "imported", "office", "self_reported"),
        "ck_organizations_status": _one_of("status", "active", "inactive", "planning"),
        "ck_organizations_turnover_band": _one_of(
            "turnover_band", "1m_5m", "20m_100m", "5m_20m", "gt_100m", "lt_1m", "none"
        ),
    },
    "organization_tags": {
        "ck_organization_tags_facet": _one_of("facet", *TAG_VALUES),
        "ck_organization_tags_value": " OR ".join(
            f"(facet = '{facet}' AND {_one_of('value', *values)})"
            for facet, values in sorted(TAG_VALUES.items())
        ),
    },
    "representatives": {"ck_representatives_status": _one_of("status", "active", "pending")},
    "organization_revisions": {
        "ck_organization_revisions_action": _one_of(
            "action", "archived", "confirmed", "created", "imported", "rejected", "restored",
            "updated", "verified",
        ),
    },
    "organization_relationships": {
        "ck_organization_relationships_kind": _one_of(
            "kind", "funder", "member_of", "partner", "supplier"
        ),
    },
    "resources": {
        "ck_resources_availability": _one_of(
            "availability", "available", "limited", "unavailable"
        ),
        "ck_resources_kind": _one_of(
            "kind", "equipment", "expertise", "funding", "land", "premises", "service"
        ),
    },
    "discussion_categories": {
        "ck_discussion_categories_visibility": _one_of(
            "visibility", "admins", "members", "public"
        ),
    },
    "discussion_reports": {
        "ck_discussion_reports_reason": _one_of(
            "reason", "abuse", "off_topic", "other", "personal_data", "spam"
        ),
        "ck_discussion_reports_resolution": _one_of(
            "resolution", "", "deleted", "dismissed", "hidden"
        ),
    },
}


def upgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks.items():
                batch_op.create_check_constraint(batch_op.f(name), condition)


def downgrade():
    for table, checks in reversed(CHECKS.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in reversed(checks):
                batch_op.drop_constraint(batch_op.f(name), type_="check")
