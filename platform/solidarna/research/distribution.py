"""Personal invitations (DESIGN §12): drawn from the directory by filters (actor type,
municipality, legal form, SE status) with an optional random sample per stratum and a total
quota — reproducible: the same filters and seed draw the same list — then sent through the
outbox, each with its signed token and an opt-out link; reminders at most
`survey.reminder_limit`, at least `survey.reminder_gap_days` apart, only to those who have not
finished nor opted out; the response rate by stratum.

The directory is reached through core/representation.py (`contacts`, `strata_labels`), never
imported. Sending and reminding are idempotent: a condition on the row itself (status,
reminders_sent, the last reminder's time) is checked in the UPDATE that claims it, so the
periodic job may run every hour, twice, or beside the admins' "send reminders now"."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select, update

from solidarna.core import audit, jobs, mail, representation
from solidarna.core.i18n import localized
from solidarna.core.models import utcnow
from solidarna.core.notifications import absolute_url
from solidarna.core.tenancy import cross_tenant, tenant_context
from solidarna.extensions import db
from solidarna.research import tokens
from solidarna.research.models import STRATA, Survey, SurveyInvitation
from solidarna.research.permissions import is_open
from solidarna.tenants.models import Tenant

#: the most invitations one draw creates
MAX_DRAW = 2000
#: the strata a response rate is shown by
RATE_STRATA = ("municipality", "legal_form", "actor_type", "se_status")


@dataclass
class Draw:
    chosen: list = field(default_factory=list)
    #: how many matched but were already invited, or have no contact address
    already_invited: int = 0
    without_address: int = 0
    matched: int = 0
    seed: int = 0


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 1_000_000)


def draw(survey: Survey, filters: dict, *, per_stratum: int | None = None,
         stratify_by: tuple[str, ...] = ("municipality",), quota: int | None = None,
         seed: int = 1) -> Draw:  # fmt: skip
    """Who would be invited: the directory's verified entries matching `filters`, less those
    already invited and those without an address; with `per_stratum`, at most that many drawn
    at random from each stratum (the combination of `stratify_by`); with `quota`, at most
    that many in all. The same arguments draw the same list."""
    contacts = representation.contacts(filters)
    invited = set(
        db.session.scalars(
            select(SurveyInvitation.organization_id).where(SurveyInvitation.survey_id == survey.id)
        )
    )
    result = Draw(matched=len(contacts), seed=seed)
    pool = []
    for contact in contacts:
        if contact.id in invited:
            result.already_invited += 1
        elif not contact.email:
            result.without_address += 1
        else:
            pool.append(contact)
    rng = random.Random(seed)
    if per_stratum:
        groups: dict[tuple, list] = {}
        for contact in pool:
            key = tuple(getattr(contact, name) for name in stratify_by if name in STRATA)
            groups.setdefault(key, []).append(contact)
        pool = []
        for key in sorted(groups):
            members = sorted(groups[key], key=lambda c: c.id)
            pool.extend(rng.sample(members, min(per_stratum, len(members))))
    if quota is not None and len(pool) > quota:
        pool = rng.sample(sorted(pool, key=lambda c: c.id), quota)
    result.chosen = sorted(pool[:MAX_DRAW], key=lambda c: (c.name.casefold(), c.id))
    return result


def create_invitations(survey: Survey, chosen: list, by) -> int:
    for contact in chosen:
        db.session.add(
            SurveyInvitation(
                survey_id=survey.id,
                organization_id=contact.id,
                organization_name=contact.name[:200],
                email=contact.email[:254],
                municipality=contact.municipality[:100],
                legal_form=contact.legal_form[:40],
                actor_type=contact.actor_type[:40],
                se_status=contact.se_status[:20],
            )  # fmt: skip
        )
    db.session.flush()
    audit.record("survey.invitations_drawn", target=survey, actor=by, count=len(chosen))
    return len(chosen)


# --- mail --------------------------------------------------------------------------------------


def _mail(survey: Survey, invitation: SurveyInvitation, tenant: Tenant, template: str) -> None:
    token = tokens.invitation_token(invitation)
    link = absolute_url("research_answer.invited", tenant_slug=tenant.slug, survey_id=survey.id,
                        survey_token=token)  # fmt: skip
    opt_out = absolute_url("research_answer.unsubscribe", tenant_slug=tenant.slug,
                           survey_id=survey.id, survey_token=token)  # fmt: skip
    locale = tenant.default_locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        space = localized(tenant, "name")
        body = render_template(template, survey=survey, invitation=invitation, space=space,
                               link=link, unsubscribe_link=opt_out)  # fmt: skip
        if template.endswith("reminder.txt"):
            subject = _("Reminder: %(title)s", title=survey.title)
        else:
            subject = _("Invitation to a survey: %(title)s", title=survey.title)
    mail.queue(invitation.email, f"{subject} · {space}", body,
               headers={"List-Unsubscribe": f"<{opt_out}>"})  # fmt: skip


def send_invitations(survey: Survey, by=None, now: datetime | None = None) -> int:
    """Mail every invitation not sent yet (with an address); the caller commits."""
    now = now or utcnow()
    tenant = db.session.get(Tenant, survey.tenant_id)
    pending = db.session.scalars(
        select(SurveyInvitation)
        .where(SurveyInvitation.survey_id == survey.id, SurveyInvitation.status == "pending")
        .order_by(SurveyInvitation.id)
    ).all()
    sent = 0
    for invitation in pending:
        if not invitation.email:
            invitation.status = "bounced"
            continue
        claimed = db.session.execute(
            update(SurveyInvitation)
            .where(SurveyInvitation.id == invitation.id, SurveyInvitation.status == "pending")
            .values(status="sent", sent_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        db.session.refresh(invitation)
        _mail(survey, invitation, tenant, "mail/research/invitation.txt")
        sent += 1
    if sent:
        audit.record("survey.invitations_sent", target=survey, actor=by, count=sent)
    return sent


def _due_clause(survey: Survey, now: datetime):
    gap = now - timedelta(days=max(survey.reminder_gap_days or 0, 0))
    last = func.coalesce(SurveyInvitation.last_reminded_at, SurveyInvitation.sent_at)
    return (
        SurveyInvitation.survey_id == survey.id,
        SurveyInvitation.status.in_(("sent", "started")),
        SurveyInvitation.email != "",
        SurveyInvitation.reminders_sent < (survey.reminder_limit or 0),
        SurveyInvitation.sent_at.is_not(None),
        last <= gap,
    )


def due_reminders(survey: Survey, now: datetime | None = None) -> int:
    now = now or utcnow()
    return (
        db.session.scalar(select(func.count(SurveyInvitation.id)).where(*_due_clause(survey, now)))
        or 0
    )


def send_reminders(survey: Survey, by=None, now: datetime | None = None) -> int:
    """Remind those due (not finished, not opted out, under the limit, the gap passed); the
    caller commits. Only while the survey is open."""
    now = now or utcnow()
    if not is_open(survey, now):
        return 0
    tenant = db.session.get(Tenant, survey.tenant_id)
    due = db.session.scalars(
        select(SurveyInvitation).where(*_due_clause(survey, now)).order_by(SurveyInvitation.id)
    ).all()
    sent = 0
    for invitation in due:
        claimed = db.session.execute(
            update(SurveyInvitation)
            .where(SurveyInvitation.id == invitation.id, *_due_clause(survey, now))
            .values(reminders_sent=SurveyInvitation.reminders_sent + 1, last_reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        db.session.refresh(invitation)
        _mail(survey, invitation, tenant, "mail/research/reminder.txt")
        sent += 1
    if sent:
        audit.record("survey.reminders_sent", target=survey, actor=by, count=sent)
    return sent


def remind_everywhere(now: datetime | None = None) -> int:
    """The periodic job's work: every open survey with invitations, in every space."""
    now = now or utcnow()
    with cross_tenant():  # deliberately every space's: a scheduled job, each then on its own
        found = db.session.execute(
            select(Survey.tenant_id, Survey.id)
            .where(Survey.status == "open",
                   or_(Survey.closes_at.is_(None), Survey.closes_at > now))
            .where(Survey.id.in_(select(SurveyInvitation.survey_id).distinct()))
            .order_by(Survey.tenant_id, Survey.id)
        ).all()  # fmt: skip
    count = 0
    for tenant_id, survey_id in found:
        with tenant_context(tenant_id):
            survey = db.session.get(Survey, survey_id)
            if survey is not None:
                count += send_reminders(survey, now=now)
            db.session.flush()
    return count


@jobs.periodic("research.send_reminders", jobs.crontab(minute="40", hour="*"))
def send_reminders_hourly() -> None:
    remind_everywhere()
    db.session.commit()


# --- the response rate --------------------------------------------------------------------------


@dataclass
class RateRow:
    value: str
    label: str
    invited: int
    started: int
    complete: int

    @property
    def rate(self) -> float:
        return 100.0 * self.complete / self.invited if self.invited else 0.0


def invitations_of(survey: Survey, limit: int = 500) -> list[SurveyInvitation]:
    return list(
        db.session.scalars(
            select(SurveyInvitation)
            .where(SurveyInvitation.survey_id == survey.id)
            .order_by(SurveyInvitation.organization_name, SurveyInvitation.id)
            .limit(limit)
        )
    )


def counts_by_status(survey: Survey) -> dict[str, int]:
    return dict(
        db.session.execute(
            select(SurveyInvitation.status, func.count(SurveyInvitation.id))
            .where(SurveyInvitation.survey_id == survey.id)
            .group_by(SurveyInvitation.status)
        ).all()
    )


def rates(survey: Survey) -> dict[str, list[RateRow]]:
    """{stratum: [RateRow]}: invited, started (or finished) and finished, per value (one
    GROUP BY per stratum)."""
    labels = representation.strata_labels()
    started = func.sum(case((SurveyInvitation.status.in_(("started", "complete")), 1), else_=0))
    complete = func.sum(case((SurveyInvitation.status == "complete", 1), else_=0))
    found = {}
    for name in RATE_STRATA:
        column = getattr(SurveyInvitation, name)
        result = db.session.execute(
            select(column, func.count(SurveyInvitation.id), started, complete)
            .where(SurveyInvitation.survey_id == survey.id)
            .group_by(column)
            .order_by(column)
        ).all()
        names = labels.get(name, {})
        found[name] = [
            RateRow(value or "", str(names.get(value, value)) if value else "—",
                    invited, int(s or 0), int(c or 0))
            for value, invited, s, c in result
        ]  # fmt: skip
    return found
