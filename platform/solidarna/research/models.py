"""Research (tenant-scoped): surveys of the space's actors and their needs.

A survey has versions; a version holds the questionnaire (sections, and questions in them, of
the kinds in core/questions.py). While no one has answered, the builder edits the current
version in place; once a version has responses it is frozen, and the next edit copies it into a
new version — each response keeps the version it answered, and a question keeps its variable
code across versions (the exports' columns).

People reach a survey by its public link (optionally anonymous), as members of the space, or by
a personal invitation (a signed token for one response) sent to a directory organization's
contact, drawn by filters and an optional sample per stratum. A response is saved section by
section (resumed by the token or the account); each answer is one row per question (the last
write wins), with the options it counts for and its number kept beside it so results are a few
GROUP BY statements, whatever the number of responses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TenantScoped, TimestampMixin, one_of, utcnow
from solidarna.core.questions import KINDS
from solidarna.extensions import db

STATUSES = {
    "draft": _l("Draft"),
    "open": _l("Open"),
    "closed": _l("Closed"),
}
ACCESS = {
    "public": _l("Anyone with the link"),
    "members": _l("Members of the space"),
    "invitation": _l("Personal invitations only"),
}
RESPONSE_STATUSES = {"started": _l("Started"), "complete": _l("Complete")}
INVITATION_STATUSES = {
    "pending": _l("Not sent yet"),
    "sent": _l("Sent"),
    "started": _l("Started"),
    "complete": _l("Answered"),
    "unsubscribed": _l("Unsubscribed"),
    "bounced": _l("No address"),
}
#: what people may let others do with their answers (the survey's closing page asks)
LICENCES = {
    "cc_by": _l("Open data under CC BY 4.0 (aggregated results and my organization's entry)"),
    "aggregate": _l("Only in aggregated results, never on their own"),
}
#: the strata a sample and a cross-tabulation use (the respondent organization's, kept on the
#: response when it starts, so results never read the directory)
STRATA = ("municipality", "legal_form", "actor_type", "se_status")


class Survey(TenantScoped, TimestampMixin, db.Model):
    __tablename__ = "surveys"
    __table_args__ = (
        Index("ix_surveys_tenant_status", "tenant_id", "status"),
        one_of("status", STATUSES),
        one_of("access", ACCESS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    #: markdown, shown on the first page
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    access: Mapped[str] = mapped_column(String(12), default="public")
    #: no account, organization or invitation is kept with a response
    anonymous: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    #: ask for consent to be listed in the directory, and offer the directory update
    asks_directory_consent: Mapped[bool] = mapped_column(default=True)
    #: admins chose to publish the aggregates (small cells suppressed)
    results_public: Mapped[bool] = mapped_column(default=False)
    reminder_limit: Mapped[int] = mapped_column(default=2)
    reminder_gap_days: Mapped[int] = mapped_column(default=7)
    #: the kit template it came from, if any
    template_key: Mapped[str] = mapped_column(String(60), default="")
    #: the version the builder edits and new responses answer (a plain id: versions belong
    #: to the survey, so a foreign key both ways would be circular)
    current_version_id: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: kept by the services, so lists never count rows
    response_count: Mapped[int] = mapped_column(default=0)
    complete_count: Mapped[int] = mapped_column(default=0)

    current_version: Mapped[SurveyVersion | None] = relationship(
        primaryjoin="foreign(Survey.current_version_id) == SurveyVersion.id", viewonly=True
    )


class SurveyVersion(TenantScoped, db.Model):
    __tablename__ = "survey_versions"
    __table_args__ = (UniqueConstraint("tenant_id", "survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(default=1)
    #: responses exist: the next edit makes a new version
    frozen: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sections: Mapped[list[SurveySection]] = relationship(
        order_by="SurveySection.position", cascade="all, delete-orphan", lazy="selectin"
    )


class SurveySection(TenantScoped, db.Model):
    __tablename__ = "survey_sections"
    __table_args__ = (Index("ix_survey_sections_version", "tenant_id", "version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    #: markdown
    intro: Mapped[str] = mapped_column(Text, default="")

    questions: Mapped[list[SurveyQuestion]] = relationship(
        order_by="SurveyQuestion.position", cascade="all, delete-orphan", lazy="selectin"
    )


class SurveyQuestion(TenantScoped, db.Model):
    """A question (or a text block) of one version. `code` is the variable code, unique in the
    version and kept across versions; `settings` and `condition` as in core/questions.py;
    `position` orders the questions of the whole version (not only of the section), so
    "earlier" means the same to conditions, pages and exports."""

    __tablename__ = "survey_questions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "version_id", "code"),
        Index("ix_survey_questions_version", "tenant_id", "version_id", "position"),
        one_of("kind", KINDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("survey_sections.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(14))
    label: Mapped[str] = mapped_column(String(500))
    help: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    condition: Mapped[dict | None] = mapped_column(JSON)


class SurveyInvitation(TenantScoped, db.Model):
    """A personal invitation to one directory organization's contact: the link carries a signed
    token naming this row; it opens one response. The organization's strata are copied here
    when drawn, for the response rate by stratum."""

    __tablename__ = "survey_invitations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "survey_id", "organization_id"),
        Index("ix_survey_invitations_survey", "tenant_id", "survey_id", "status"),
        one_of("status", INVITATION_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    organization_id: Mapped[int | None]
    organization_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    municipality: Mapped[str] = mapped_column(String(100), default="")
    legal_form: Mapped[str] = mapped_column(String(40), default="")
    actor_type: Mapped[str] = mapped_column(String(40), default="")
    se_status: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(14), default="pending")
    sent_at: Mapped[datetime | None]
    reminders_sent: Mapped[int] = mapped_column(default=0)
    last_reminded_at: Mapped[datetime | None]
    #: the response it opened (a plain id: the response names the invitation too)
    response_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyResponse(TenantScoped, db.Model):
    """One respondent's answers to one version. For an anonymous survey no account,
    organization or invitation is kept (a random key in the respondent's link resumes it);
    otherwise the account or the invitation. The strata are the organization's, kept when the
    response starts (from the directory entry or the invitation) or from its identity answers."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        Index("ix_survey_responses_survey", "tenant_id", "survey_id", "status"),
        Index("ix_survey_responses_user", "tenant_id", "survey_id", "user_id"),
        UniqueConstraint("resume_key"),
        one_of("status", RESPONSE_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default="started")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the organization answered for (a representative's, or the invitation's)
    organization_id: Mapped[int | None]
    invitation_id: Mapped[int | None]
    #: a random key (its hash) resuming an anonymous or public response from its link
    resume_key: Mapped[str | None] = mapped_column(String(64))
    #: the position of the section to show next
    section_position: Mapped[int] = mapped_column(default=0)
    municipality: Mapped[str] = mapped_column(String(100), default="")
    legal_form: Mapped[str] = mapped_column(String(40), default="")
    actor_type: Mapped[str] = mapped_column(String(40), default="")
    se_status: Mapped[str] = mapped_column(String(20), default="")
    consent_directory: Mapped[bool] = mapped_column(default=False)
    licence: Mapped[str] = mapped_column(String(12), default="")
    #: the respondent asked to create or update their organization's entry from the answers
    directory_update_requested: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None]


class SurveyAnswer(TenantScoped, db.Model):
    """The answer to one question, in core/questions.py's normal form; the last write wins."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "response_id", "question_code"),
        # covering the results' statistics per variable (count, mean, min, max, median)
        Index(
            "ix_survey_answers_survey_code",
            "tenant_id",
            "survey_id",
            "question_code",
            "number",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"))
    #: the variable code (the same across versions)
    question_code: Mapped[str] = mapped_column(String(40))
    value: Mapped[object] = mapped_column(JSON)
    #: a number answer's value (scale, number), for mean and median in SQL
    number: Mapped[float | None] = mapped_column(Float)
    #: folded words of a free-text answer (search across scripts, core/script.fold)
    search_text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SurveyAnswerOption(TenantScoped, db.Model):
    """One option an answer counts for (core/questions.counted): a multiple choice's every
    option on its own row, a matrix's rows each with their value. Rewritten with the answer."""

    __tablename__ = "survey_answer_options"
    __table_args__ = (
        # covering the results' option counts (GROUP BY code, row, option without the table)
        Index(
            "ix_survey_answer_options_count",
            "tenant_id",
            "survey_id",
            "question_code",
            "row",
            "option",
            "response_id",
        ),
        Index("ix_survey_answer_options_response", "response_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"))
    question_code: Mapped[str] = mapped_column(String(40))
    #: a matrix's row ("" elsewhere)
    row: Mapped[str] = mapped_column(String(40), default="")
    option: Mapped[str] = mapped_column(String(40))
