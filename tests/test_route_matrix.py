"""Route matrices (DESIGN §8) that grow by themselves: they walk app.url_map, so a route is
covered the day it is added. A route that none of them can check must be listed here as
exempt, with the reason; otherwise the matrix fails and names it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from solidarna import create_app
from solidarna.campaigns import services as campaign_services
from solidarna.campaigns.models import (
    Campaign,
    CampaignAction,
    CampaignComment,
    CampaignSignature,
)
from solidarna.core import pagecache, storage
from solidarna.core.following import Follow
from solidarna.core.jobs import Job
from solidarna.core.links import Link
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import OrganizationSuggestion, Representative
from solidarna.directory.organizations.services import create_organization
from solidarna.directory.practices.services import create_practice
from solidarna.directory.relationships.services import add_relationship
from solidarna.directory.resources.services import create_resource
from solidarna.discussions.models import Category
from solidarna.discussions.services import create_thread
from solidarna.events import services as event_services
from solidarna.events.models import Attendance, EventApplication
from solidarna.groups import documents as group_documents
from solidarna.groups import services as group_services
from solidarna.groups.models import GroupMeeting, GroupMembership
from solidarna.groups.records import GroupDecision, GroupTask, MeetingMinutes
from solidarna.news import services as news_services
from solidarna.proposals import services as proposal_services
from solidarna.proposals import text as proposal_text
from solidarna.proposals.amendments import Amendment
from solidarna.proposals.coauthors import ProposalAuthor
from solidarna.proposals.evidence import ProposalEvidence
from solidarna.proposals.models import Endorsement, Institution
from solidarna.research import services as research_services
from solidarna.research import tokens as research_tokens
from solidarna.research.models import SurveyInvitation
from solidarna.support import services as support_services
from solidarna.support import tokens as support_tokens
from solidarna.tenants import partnerships, services
from solidarna.tenants.applications import SpaceApplication
from solidarna.tenants.models import Invitation, Membership
from solidarna.tenants.routing import PUBLIC_IN_PRIVATE
from tests.conftest import Client, parse

# The last test reports what the others covered (COVERED): under pytest-xdist this module
# runs in one worker, in order (XDIST_GROUPS in tests/conftest.py).
URL_MAP_APP = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
RULES = sorted(
    (r for r in URL_MAP_APP.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule
)
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}

# Routes anyone may use without logging in, and why.
PUBLIC = {
    "pages.home": "the platform's front page",
    "pages.health": "monitoring probe",
    "pages.set_language": "visitors choose their language too",
    "pages.map_tile": "base-map tiles from the operator's PMTiles archive, the same for everyone",
    "accounts.register": "how visitors get an account",
    "accounts.login": "how visitors log in",
    "accounts.logout": "harmless without a session",
    "accounts.check_email": "shown right after registering, before login",
    "accounts.verify_email": "opened from the mail, often in another browser",
    "accounts.resend_verification": "for people who cannot log in yet",
    "accounts.forgot_password": "for people who cannot log in",
    "accounts.reset_password": "for people who cannot log in",
    "onboarding.start": "what a space is and how to apply; visitors are sent to log in and back",
    "tenant.home": "a tenant's public face; members-only tenants show just the name and how to join",
    "tenant.invitation": "the invitee may not have an account yet",
    "tenant.theme": "the space's accent colour, a stylesheet",
    "tenant.logo": "the space's logo, shown beside its name wherever the name is (members-only "
    "spaces too, routing.PUBLIC_IN_PRIVATE); another space's file answers 404",
    "directory.index": "the public directory of the ecosystem",
    "directory.profile": "public profiles of verified organizations",
    "resources.index": "local community resources are public information",
    "resources.detail": "a local resource, public information like the list",
    "practices.index": "good practices are shared to be learnt from",
    "practices.detail": "a good practice and the visible organizations behind it",
    "directory_map.page": "the public directory on a map (verified entries, public locations)",
    "directory_map.geojson": "the public map's markers (verified entries, public locations)",
    "resources_map.page": "local resources on a map, public information like the list",
    "resources_map.geojson": "the resources map's markers, public information like the list",
    "ecosystem.index": "aggregate statistics of verified (public) directory entries",
    "directory_exports.export_csv": "open data: the list as CSV, only what the visitor may see",
    "directory_exports.export_json": "open data: the list as JSON-LD, only what the visitor may see",
    "directory_exports.organization_json": "open data: a visible profile as JSON-LD",
    "directory_import.template": "an empty import template (a header and a fictional row)",
    "directory_import.template_xlsx": "the same empty import template as an Excel workbook",
    "discussions.index": "the categories a visitor may read (public ones only)",
    "discussions.category": "threads of a public category; other categories ask visitors to log in",
    "discussions.thread": "a thread of a public category or about a public entry",
    "discussions.permalink": "a stable link to a post a visitor may read",
    "discussion_subjects.index": "discussions about a visible directory entry",
    "notifications.bell": "the header's badge; visitors get 204, not a login page in the header",
    "notifications.unsubscribe": "the link in every notification mail; the signed token is the proof",
    "notifications.unsubscribe_one_click": "RFC 8058 one-click unsubscribe that mail clients POST",
    "notifications.resubscribe": "undo on the unsubscribe page, reached from a mail without login",
    "proposals.index": "proposals past their draft are the space's public advocacy",
    "proposals.scorecard": "the advocacy scorecard counts only submitted (public) proposals",
    "proposals.detail": "a proposal past its draft, its endorsers and its public timeline",
    "proposals.versions": "the complete history of a public proposal",
    "proposals.compare": "what changed between two versions of a public proposal",
    "proposal_amendments.sheet": "the numbered amendments sheet, the consultation's public record",
    "proposal_amendments.show": "one submitted amendment of a public proposal (drafts: 404)",
    "proposal_documents.print_view": "a public proposal as a legal act, for print",
    "proposal_documents.docx": "a public proposal as a legal act, the DOCX people hand over",
    "proposal_documents.amendments_docx": "the numbered amendments sheet of a public proposal, DOCX",
    "proposal_documents.redline": "the changes between two versions of a public proposal, DOCX",
    "groups.index": "the working groups a visitor may see (public ones only)",
    "groups.detail": "a public working group, its mandate, members and organizations",
    "groups.people": "all members (or organizations) of a public working group, a page at a time",
    "group_documents.index": "a public group's documents (a private group's answer 404)",
    "group_documents.show": "a document of a public group and its versions",
    "group_documents.download": "a file of a public group's document, through the group's rules",
    "group_meetings.show": "a meeting of a public working group and its minutes, decisions, tasks",
    "group_meetings.meeting_ics": "a public group's meeting as an .ics file (calendar programs)",
    "group_tasks.group_ics": "a public group's meetings as a feed calendar programs poll",
    "group_tasks.decision": "a numbered decision of a public group, linked from proposals",
    "group_tasks.calendar": "upcoming meetings of the groups a visitor may see (public ones)",
    "campaigns.index": "the advocacy platforms a visitor may see (past their preparation)",
    "campaigns.detail": "an advocacy platform's public page, to be linked to and shared",
    "campaigns.print_view": "an advocacy platform with its signatories, for print",
    "campaigns.signatories_csv": "open data: the organizations that signed (no person's name)",
    "campaigns.signatories_json": "open data: the organizations that signed (no person's name)",
    "campaigns.letter_docx": "the open letter with its signatories, the DOCX people hand over",
    "research.index": "the space's surveys past their draft, open to answer or closed",
    "research.detail": "a survey's first page: what it asks about, who may answer, until when",
    "research_answer.answer": "a public survey is answered by visitors too (by its link); the "
    "view itself refuses members-only and invitation-only surveys (login, 403)",
    "research_answer.done": "the thank-you page after the last step, for visitors too",
    "research_answer.invited": "an invitation's link, opened by a contact with no account; the "
    "signed token is the proof (another space's or a forged one: 404)",
    "research_answer.unsubscribe": "the opt-out link in every invitation mail; the signed token "
    "is the proof",
    "news.index": "the space's published news, its public promotion",
    "news.detail": "a published post, to be linked to and shared (drafts: 404)",
    "news.image": "a published post's image, shown on it and when it is shared (drafts: 404)",
    "news.feed": "the space's published news as an Atom feed",
    "news_feed.national": "the published news of the public spaces as an Atom feed",
    "events.index": "the space's published events, its calendar (month and list)",
    "events.feed": "the space's published events as an iCalendar feed calendar programs poll",
    "events.detail": "a published event: what, when, where, who may apply (drafts: 404)",
    "events.event_ics": "a published event's sessions as an .ics file (add to my calendar)",
    "events.certificate": "a certificate's verification page, opened by anyone from its link or "
    "QR code; the signed token is the proof (forged or another space's: 404)",
    "events.certificate_docx": "the same certificate as a DOCX, through the same signed token",
    "national.index": "the national overview: the taking-part spaces' public figures and "
    "verified entries (tests/national/test_overview.py plants what must not appear)",
    "national.map_page": "the national overview's entries by district, drawn on the server",
    "national.geojson": "the national map's markers: verified entries with a public address",
    "national.export_csv": "open data: the national list as CSV, what the list shows",
    "guide.show": "the space's public guide for people thinking of starting a social enterprise",
    "research_results.public": "a survey's results once its admins publish them: aggregates "
    "only, cells of fewer than 5 respondents hidden (404 for drafts and unpublished ones)",
}
# State-changing routes that take no CSRF token, and why.
CSRF_EXEMPT = {
    "notifications.unsubscribe_one_click": "RFC 8058: mail clients POST without cookies or a "
    "token; the signed token in the URL is the proof (tests/notifications/test_mail.py)",
}
# Blueprints whose every route is for moderators or admins (matrix d: members get 403).
MODERATORS_ONLY = {
    "discussion_moderation",
    "discussion_categories",
    "proposal_institutions",
    "research_build",
    "research_distribute",
    "event_admin",
    "support_office",
    "support_evidence",
}
# URL arguments that name a tenant's object: how to make one in a given tenant.
OBJECT_ARGS = {
    "membership_id",
    "invitation_id",
    "token",
    "organization_id",
    "representative_id",
    "resource_id",
    "practice_id",
    "relationship_id",
    "category_id",
    "thread_id",
    "post_id",
    "subject_id",
    "job_id",
    "proposal_id",
    "part_code",
    "endorsement_id",
    "institution_id",
    "amendment_id",
    "coauthor_id",
    "evidence_id",
    "group_id",
    "member_id",
    "meeting_id",
    "document_id",
    "version_id",
    "task_id",
    "campaign_id",
    "comment_id",
    "partnership_id",
    "survey_id",
    "section_id",
    "question_id",
    "response_id",
    "survey_invitation_id",
    "survey_token",
    "news_post_id",
    "suggestion_id",
    "event_id",
    "event_application_id",
    "certificate_token",
    "case_id",
    "support_message_id",
    "support_token",
    "template_key",
}
# URL arguments that are not objects, with a value to build the URL with.
# upload_id: a CSV import waiting in the instance folder of one tenant and user; an unknown one
# answers 404 (tests/directory/test_import.py checks other users and tenants).
# notification_id: notifications belong to a user, not a tenant; another user's answers 404
# (tests/notifications/test_views.py).
# number: a post's number within the thread (the thread is the object); subject_type: what a
# discussion is attached to, its id is the object. z, x, y, ext: a map tile's place and image
# type, the same for every space (tests/core/test_tiles.py).
FREE_ARGS = {
    "name": "x",
    "decision": "accept",
    "upload_id": "0" * 32,
    "notification_id": 1,
    "number": 1,
    "subject_type": "organization",
    "z": 0,
    "x": 0,
    "y": 0,
    "ext": "png",
    # state: where a proposal moves to (the proposal is the object)
    "state": "endorsement",
    # year: a group decision's year, with `number` its number (the group is the object)
    "year": datetime.now(UTC).year,
    # application_id: an application for a space belongs to its applicant, not to a space;
    # another person's answers 404, the queue is for platform admins (test_onboarding.py)
    "application_id": 1,
    # step: a step of a space's guided start (the space is the object)
    "step": "invite",
    # kit_key: a template list of the space's kit (its templates, template_key, are objects)
    "kit_key": "proposal_templates",
}
COVERED: dict[str, set[str]] = {}
#: a 1x1 PNG (a news post's image)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763"
    "f8ffff3f0005fe02fea7d6a4a10000000049454e44ae426082"
)


def is_tenant_rule(rule) -> bool:
    return "tenant_slug" in rule.arguments


def methods(rule) -> list[str]:
    return sorted(m for m in rule.methods if m in {"GET", *STATE_CHANGING})


def note(matrix: str, rule) -> None:
    COVERED.setdefault(matrix, set()).add(f"{','.join(methods(rule))} {rule.rule}")


def assert_checked(matrix: str) -> None:
    """A matrix whose filter matches no route would pass by checking nothing."""
    assert COVERED.get(matrix), f"matrix {matrix!r} checked no route"


class World:
    """Tenants A (public), B (public) and P (members-only), with people and objects."""

    def __init__(self, db, make_user, make_tenant):
        self.platform_admin = make_user(email="platform@example.org", is_platform_admin=True)
        self.owner_a = make_user(email="owner.a@example.org", name="Vlasnica Alfe")
        self.member_a = make_user(email="member.a@example.org", name="Članica Alfe")
        self.pending_a = make_user(email="pending.a@example.org", name="Molilac Alfe")
        self.owner_b = make_user(email="owner.b@example.org", name="Tajni Vlasnik Bete")
        self.pending_b = make_user(email="pending.b@example.org", name="Tajni Molilac Bete")
        self.a = make_tenant(
            "alfa",
            members={self.owner_a: "owner", self.member_a: "member", self.pending_a: "pending"},
        )
        self.b = make_tenant("beta", members={self.owner_b: "owner", self.pending_b: "pending"})
        self.p = make_tenant("privatni", visibility="members", members={self.owner_a: "owner"})
        # the platform admin's own application for a space, waiting for more information:
        # FREE_ARGS' application_id (its edit form and the queue's page are drawn for the fuzz)
        db.session.add(
            SpaceApplication(
                id=FREE_ARGS["application_id"], applicant_id=self.platform_admin.id,
                institution_name="Opština Primer", kind="municipality", pib="101134702",
                municipalities=["Brus"], kit="krusevac", slug="primer", status="more_info",
                admin_message="Dopunite matični broj.",
            )
        )  # fmt: skip
        db.session.commit()
        self.objects = {}
        for tenant in (self.a, self.b, self.p):
            with tenant_context(tenant.id):
                invitation = Invitation(
                    email=f"tajna.pozivnica.{tenant.slug}@example.org", role="member"
                )
                db.session.add(invitation)
                db.session.flush()
                pending = db.session.scalars(
                    db.select(Membership).where(Membership.status == "pending")
                ).first()
                any_membership = db.session.scalars(db.select(Membership)).first()
                org = create_organization(
                    {"name": f"Tajna zadruga {tenant.slug}", "legal_form": "cooperative",
                     "actor_type": "cooperative", "municipality": "Brus",
                     "mission": f"tajna.misija.{tenant.slug}"},
                    {"kd": ["A"]}, None, source="office", moderation="verified",
                )  # fmt: skip
                claimant = self.pending_b if tenant.slug == "beta" else self.member_a
                rep = Representative(organization_id=org.id, user_id=claimant.id, status="pending")
                db.session.add(rep)
                # a survey respondent's proposed change of the entry, waiting in the queue
                suggestion = OrganizationSuggestion(
                    organization_id=org.id, fields={"mission": f"tajna.izmena.{tenant.slug}"},
                    source="survey", source_detail=f"Anketa: Tajna anketa {tenant.slug}",
                    suggested_by_id=claimant.id,
                )  # fmt: skip
                db.session.add(suggestion)
                db.session.flush()
                partner = create_organization(
                    {"name": f"Tajni partner {tenant.slug}", "legal_form": "association",
                     "actor_type": "association", "municipality": "Brus"},
                    {}, None, source="office", moderation="verified",
                )  # fmt: skip
                resource = create_resource(
                    {"title": f"Tajni resurs {tenant.slug}", "kind": "premises",
                     "owner_organization_id": org.id, "municipality": "Brus",
                     "availability": "available"},
                    None,
                )  # fmt: skip
                practice = create_practice(
                    {"title": f"Tajna praksa {tenant.slug}", "summary": "Sažetak."},
                    {org.id}, {org.id}, None,
                )  # fmt: skip
                relationship = add_relationship(org, partner, "partner", "", None)
                category = Category(name=f"Tajna kategorija {tenant.slug}", visibility="public")
                db.session.add(category)
                db.session.flush()
                author = self.owner_b if tenant.slug == "beta" else self.owner_a
                thread, post = create_thread(
                    f"Tajna tema {tenant.slug}", f"tajna.poruka.{tenant.slug}", author,
                    category=category, notify=False, rate_check=False,
                )  # fmt: skip
                # an import job of the space's owner (jobs are found by space and person)
                job = Job(
                    kind="directory.import", tenant_id=tenant.id, user_id=author.id,
                    state="done", params={},
                    result={"filename": "x.csv", "moderation": "pending", "created": [],
                            "skipped": []},
                )  # fmt: skip
                db.session.add(job)
                db.session.flush()
                # a proposal in consultation (its text forms open), an article, an endorsement
                institution = Institution(name=f"Tajna institucija {tenant.slug}", level="local")
                db.session.add(institution)
                db.session.flush()
                proposal = proposal_services.create(
                    {"title": f"Tajni predlog {tenant.slug}", "kind": "local_decision",
                     "level": "local", "institution_id": institution.id, "tags": []},
                    author,
                )  # fmt: skip
                part = proposal_text.add_part(
                    proposal, "article", "", f"tajni.clan.{tenant.slug}", None, None
                )
                proposal_text.save_version(proposal, author, "")
                proposal.state = "consultation"
                endorsement = Endorsement(
                    proposal_id=proposal.id, organization_id=org.id,
                    organization_name=org.name, acted_by_id=author.id,
                )  # fmt: skip
                db.session.add(endorsement)
                # an open amendment to the article, and an invited co-author
                amendment = Amendment(
                    proposal_id=proposal.id, author_id=author.id, kind="change", state="open",
                    number=1, part_code=part.code, part_kind="article", base_version=1,
                    base_body=part.body, body=f"tajni.amandman.{tenant.slug}",
                    justification="Obrazloženje.",
                )  # fmt: skip
                coauthor = ProposalAuthor(
                    proposal_id=proposal.id, user_id=self.member_a.id, state="invited"
                )
                db.session.add_all([amendment, coauthor])
                figure = ProposalEvidence(
                    proposal_id=proposal.id, key="directory.vulnerable_employees",
                    params={"item": "all"}, label=f"Tajna brojka {tenant.slug}", value=7,
                    as_of=proposal.created_at.date(),
                )  # fmt: skip
                db.session.add(figure)
                db.session.flush()
                # a public working group of the space's owner, with a member for an organization
                group = group_services.create(
                    {"name": f"Tajna radna grupa {tenant.slug}", "theme": "finance",
                     "mandate": f"tajni.mandat.{tenant.slug}", "goals": "", "ends_on": None,
                     "visibility": "public", "join_policy": "request", "parent_id": None},
                    author,
                )  # fmt: skip
                group_member = GroupMembership(
                    group_id=group.id, user_id=claimant.id, role="member", status="pending",
                    organization_id=org.id, organization_name=org.name,
                )  # fmt: skip
                meeting = GroupMeeting(
                    group_id=group.id, title=f"Tajni sastanak {tenant.slug}",
                    starts_at=datetime.now(UTC) + timedelta(days=7), place="Brus",
                )  # fmt: skip
                past_meeting = GroupMeeting(
                    group_id=group.id, title=f"Tajni prošli sastanak {tenant.slug}",
                    starts_at=datetime.now(UTC) - timedelta(days=2), place="Brus",
                )  # fmt: skip
                db.session.add_all([group_member, meeting, past_meeting])
                db.session.flush()
                # the past meeting's record: minutes, a decision (1 of this year) and a task
                decision = GroupDecision(group_id=group.id, meeting_id=past_meeting.id,
                                         year=datetime.now(UTC).year, number=1,
                                         title=f"Tajna odluka {tenant.slug}")  # fmt: skip
                db.session.add_all([
                    MeetingMinutes(meeting_id=past_meeting.id, body=f"tajni.zapisnik.{tenant.slug}",
                                   published_at=datetime.now(UTC)),
                    decision,
                ])  # fmt: skip
                task = GroupTask(
                    group_id=group.id, meeting_id=past_meeting.id, assignee_id=author.id,
                    title=f"Tajni zadatak {tenant.slug}", due_on=datetime.now(UTC).date(),
                )  # fmt: skip
                db.session.add(task)
                db.session.flush()
                # a document of the group (a PDF), and the group working on the proposal
                pdf = storage.Checked(b"%PDF-1.4\n%%EOF\n", "pdf", f"tajni.fajl.{tenant.slug}.pdf")
                document = group_documents.add(
                    group, f"Tajni dokument {tenant.slug}", "", pdf, author, notify=False
                )
                version = group_documents.versions(document)[0]
                db.session.add_all([
                    Link(from_type="group", from_id=group.id, relation="works_on",
                         to_type="proposal", to_id=proposal.id),
                    # the group's decision leads to the proposal
                    Link(from_type="group_decision", from_id=decision.id, relation="leads_to",
                         to_type="proposal", to_id=proposal.id),
                ])  # fmt: skip
                db.session.flush()
                # an advocacy platform open for signatures, signed by the space's cooperative,
                # with a step on its timeline
                campaign = campaign_services.create(
                    {"title": f"Tajna platforma {tenant.slug}", "goal": f"tajni.cilj.{tenant.slug}",
                     "institutions": [], "starts_on": None, "ends_on": None},
                    [], author,
                )  # fmt: skip
                campaign.status = "open"
                db.session.add_all([
                    CampaignSignature(
                        campaign_id=campaign.id, organization_id=org.id,
                        organization_name=org.name, municipality="Brus",
                        origin_tenant_id=tenant.id, signer_name=f"Tajni potpisnik {tenant.slug}",
                    ),
                    CampaignAction(
                        campaign_id=campaign.id, kind="letter", title=f"Tajno pismo {tenant.slug}",
                        happened_on=datetime.now(UTC).date(),
                    ),
                ])  # fmt: skip
                db.session.flush()
                campaign_comment = CampaignComment(
                    campaign_id=campaign.id, origin_tenant_id=tenant.id,
                    author_name=f"Tajni komentator {tenant.slug}", body=f"tajni.komentar.{tenant.slug}",
                )  # fmt: skip
                db.session.add(campaign_comment)
                db.session.flush()
                # a published news post with an image
                news_post = news_services.create(
                    {"kind": "announcement", "title": f"Tajna vest {tenant.slug}",
                     "summary": f"tajni.sazetak.{tenant.slug}", "body": "Tekst.",
                     "deadline": None, "tags": [f"tajna-oznaka-{tenant.slug}"],
                     "image_alt": ""},
                    storage.Checked(PNG, "png", f"tajna.slika.{tenant.slug}.png"), author,
                )  # fmt: skip
                news_services.publish(news_post, author)
                db.session.flush()
                # an open public survey from a kit-like template, a member's started
                # response and a personal invitation to the space's cooperative
                survey = research_services.new_survey(
                    f"Tajna anketa {tenant.slug}", created_by=author,
                    template={"key": "t", "sections": [{"title": f"Tajni odeljak {tenant.slug}",
                              "questions": [
                        {"code": "q1", "kind": "single", "label": f"Tajno pitanje {tenant.slug}",
                         "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]},
                        {"code": "q2", "kind": "short_text", "label": "Drugo pitanje",
                         "condition": {"question": "q1", "op": "equals", "value": "a"}},
                    ]}]},
                )  # fmt: skip
                survey.status = "open"
                db.session.flush()
                survey_version = survey.current_version
                survey_question = survey_version.sections[0].questions[0]
                survey_invitation = SurveyInvitation(
                    survey_id=survey.id, organization_id=org.id, organization_name=org.name,
                    email=f"tajna.anketa.{tenant.slug}@example.org", municipality="Brus",
                )  # fmt: skip
                db.session.add(survey_invitation)
                db.session.flush()
                response, _key = research_services.start_response(survey, user=self.member_a)
                research_services.save_answers(
                    response, {"q1": survey_question}, {"q1": {"choice": "a", "other": ""}}
                )
                # a published event with a question, the member's accepted application, present
                # at its session (so it has a certificate)
                soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
                event = event_services.create(
                    {"title": f"Tajni događaj {tenant.slug}", "kind": "training",
                     "description": f"tajni.program.{tenant.slug}", "place": "Sala 1",
                     "latitude": 43.5, "longitude": 21.3, "online_url": "", "capacity": 5,
                     "eligibility": "anyone", "actor_types": [], "deadline": None, "fee": None,
                     "accessibility": "", "survey_url": ""},
                    [(soon, soon + timedelta(hours=3))], author,
                    criteria=[{"code": "fit", "label": "Uklapanje"}],
                )  # fmt: skip
                event.questions = [{"code": "q1", "kind": "short_text", "label": "Zašto?",
                                    "required": False, "help": "", "settings": {},
                                    "condition": None}]  # fmt: skip
                event.status = "published"
                event_application = EventApplication(
                    event_id=event.id, user_id=self.member_a.id, status="accepted",
                    answers={"q1": f"tajni.odgovor.{tenant.slug}"}, checkin_code=f"K{tenant.id}TEST",
                    attended_count=1,
                )  # fmt: skip
                db.session.add(event_application)
                event.application_count, event.seated_count = 1, 1
                db.session.flush()
                db.session.add(Attendance(session_id=event.sessions[0].id,
                                          application_id=event_application.id))  # fmt: skip
                # a support request of the claimant, with an answered message (an attachment),
                # a private note and a barrier
                support_case = support_services.create(
                    {"category": "legal_form", "description": f"tajni.zahtev.{tenant.slug}",
                     "municipality": "Brus", "contact_method": "email"},
                    claimant,
                )  # fmt: skip
                support_message = support_services.post_message(
                    support_case, f"tajni.odgovor.{tenant.slug}", author, from_requester=False,
                    checked=storage.Checked(b"Statut\n", "txt", f"tajni.prilog.{tenant.slug}.txt"),
                )  # fmt: skip
                support_services.add_note(support_case, f"tajna.beleska.{tenant.slug}", author)
                support_services.set_barriers(support_case, ["no_legal_form"], author)
                db.session.flush()
                self.objects[tenant.slug] = {
                    "case_id": support_case.id,
                    "support_message_id": support_message.id,
                    "support_token": support_tokens.reply_token(support_case),
                    "survey_id": survey.id,
                    "section_id": survey_version.sections[0].id,
                    "question_id": survey_question.id,
                    "response_id": response.id,
                    "survey_invitation_id": survey_invitation.id,
                    "survey_token": research_tokens.invitation_token(survey_invitation),
                    "event_id": event.id,
                    "event_application_id": event_application.id,
                    "certificate_token": event_services.certificate_token(event_application),
                    "news_post_id": news_post.id,
                    "amendment_id": amendment.id,
                    "coauthor_id": coauthor.id,
                    "group_id": group.id,
                    "member_id": group_member.id,
                    "meeting_id": meeting.id,
                    "document_id": document.id,
                    "version_id": version.id,
                    "task_id": task.id,
                    "campaign_id": campaign.id,
                    "comment_id": campaign_comment.id,
                    "proposal_id": proposal.id,
                    "part_code": part.code,
                    "endorsement_id": endorsement.id,
                    "evidence_id": figure.id,
                    "institution_id": institution.id,
                    "job_id": job.id,
                    "membership_id": (pending or any_membership).id,
                    "invitation_id": invitation.id,
                    "token": services.invitation_token(invitation),
                    "tenant_id": tenant.id,
                    "organization_id": org.id,
                    "representative_id": rep.id,
                    "suggestion_id": suggestion.id,
                    "resource_id": resource.id,
                    "practice_id": practice.id,
                    "relationship_id": relationship.id,
                    "category_id": category.id,
                    "thread_id": thread.id,
                    "post_id": post.id,
                    "subject_id": org.id,
                    "template_key": f"tajni-predlozak-{tenant.slug}",
                }
                # a proposal template of the space's own (tenants.starter, not a row)
                tenant.starter = {**(tenant.starter or {}), "proposal_templates": [
                    {"key": f"tajni-predlozak-{tenant.slug}", "kind": "local_decision",
                     "title": f"Tajni predložak {tenant.slug}", "parts": []},
                ]}  # fmt: skip
                db.session.commit()
        # Strings that must never appear on A's pages.
        self.b_markers = [
            "Tajni predložak beta",
            "Tajni Vlasnik Bete",
            "Tajni Molilac Bete",
            "tajna.pozivnica.beta",
            "Tajna zadruga beta",
            "tajna.misija.beta",
            "Tajni partner beta",
            "Tajni resurs beta",
            "Tajna praksa beta",
            "Tajna kategorija beta",
            "Tajna tema beta",
            "tajna.poruka.beta",
            "Tajna institucija beta",
            "Tajni predlog beta",
            "tajni.clan.beta",
            "tajni.amandman.beta",
            "Tajna brojka beta",
            "Tajna radna grupa beta",
            "tajni.mandat.beta",
            "Tajni sastanak beta",
            "Tajni dokument beta",
            "tajni.fajl.beta",
            "Tajni prošli sastanak beta",
            "tajni.zapisnik.beta",
            "Tajna odluka beta",
            "Tajni zadatak beta",
            "Tajna platforma beta",
            "tajni.cilj.beta",
            "Tajni potpisnik beta",
            "Tajno pismo beta",
            "Tajni komentator beta",
            "tajni.komentar.beta",
            "Tajna anketa beta",
            "Tajni odeljak beta",
            "Tajno pitanje beta",
            "Tajna vest beta",
            "tajni.sazetak.beta",
            "tajna-oznaka-beta",
            "tajna.izmena.beta",
            "Tajni događaj beta",
            "tajni.program.beta",
            "tajni.odgovor.beta",
            "tajni.zahtev.beta",
            "tajni.odgovor.beta",
            "tajni.prilog.beta",
            "tajna.beleska.beta",
        ]
        self.partner_cases(db)

    def partner_cases(self, db):
        """Partner spaces: alfa invited privatni to its platform (a partnership alfa owns);
        beta shares a second platform with alfa (accepted), so alfa's people reach that one
        platform of beta and nothing else of it; privatni is no partner of beta."""
        with tenant_context(self.a.id):
            campaign = db.session.get(Campaign, self.objects["alfa"]["campaign_id"])
            owned = partnerships.invite("campaign", campaign.id, campaign.title, "privatni",
                                        self.owner_a)  # fmt: skip
            self.objects["alfa"]["partnership_id"] = owned.id
            self.objects["privatni"]["partnership_id"] = owned.id  # received, not yet answered
            db.session.commit()
        with tenant_context(self.b.id):
            shared = campaign_services.create(
                {"title": "Deljena platforma bete", "goal": "Zajednički cilj.",
                 "institutions": [], "starts_on": None, "ends_on": None},
                [], self.owner_b,
            )  # fmt: skip
            shared.status = "open"
            db.session.flush()
            shared_comment = CampaignComment(campaign_id=shared.id, origin_tenant_id=self.b.id,
                                             author_name="Komentator bete", body="Zajedno.")  # fmt: skip
            db.session.add(shared_comment)
            db.session.flush()
            row = partnerships.invite("campaign", shared.id, shared.title, "alfa", self.owner_b)
            row.status = "accepted"
            own = db.session.get(Campaign, self.objects["beta"]["campaign_id"])
            other = partnerships.invite("campaign", own.id, own.title, "privatni", self.owner_b)
            self.objects["beta"]["partnership_id"] = other.id
            self.shared_campaign_id = shared.id
            self.objects["shared"] = {**self.objects["beta"], "campaign_id": shared.id,
                                      "partnership_id": row.id,
                                      "comment_id": shared_comment.id}  # fmt: skip
            db.session.commit()

    def values(self, rule, tenant_slug="alfa", objects_of=None) -> dict:
        objects = self.objects[objects_of or tenant_slug]
        values = {}
        for arg in rule.arguments:
            if arg == "tenant_slug":
                values[arg] = tenant_slug
            elif arg in objects:
                values[arg] = objects[arg]
            else:
                values[arg] = FREE_ARGS.get(arg, "x")
        return values


@pytest.fixture
def world(db, make_user, make_tenant):
    return World(db, make_user, make_tenant)


def url(app, rule, values) -> str:
    try:
        return app.url_map.bind("localhost").build(rule.endpoint, values)
    except ValueError as error:
        raise AssertionError(f"{rule.rule} {values}") from error


def call(client, method, path, csrf=True):
    if method == "GET":
        return client.get(path)
    return (
        client.post(path, {}, csrf=csrf)
        if method == "POST"
        else client.raw.open(path, method=method)
    )


def test_every_route_is_classified():
    unknown_args = []
    for rule in RULES:
        extra = set(rule.arguments) - {"tenant_slug", "tenant_id"} - OBJECT_ARGS - set(FREE_ARGS)
        if extra:
            unknown_args.append(
                f"{rule.rule}: {sorted(extra)} (add a factory to World and OBJECT_ARGS)"
            )
    assert not unknown_args, "\n".join(unknown_args)
    assert set(PUBLIC) <= {r.endpoint for r in RULES}, (
        "PUBLIC lists an endpoint that no longer exists"
    )
    assert set(CSRF_EXEMPT) <= {r.endpoint for r in RULES}, (
        "CSRF_EXEMPT lists an endpoint that no longer exists"
    )


def test_matrix_a_objects_of_another_tenant_answer_404(app, world):
    """Through tenant A, every object of tenant B answers 404."""
    client = Client(app)
    client.login("owner.a@example.org")
    failures = []
    for rule in filter(is_tenant_rule, RULES):
        object_args = set(rule.arguments) & OBJECT_ARGS
        for method in methods(rule):
            if object_args:
                path = url(app, rule, world.values(rule, "alfa", objects_of="beta"))
                status = call(client, method, path).status_code
                if status != 404:
                    failures.append(f"{method} {path}: {status}, expected 404")
                note("a: cross-tenant objects -> 404", rule)
            elif method == "GET":
                # Lists: A's page must not show any of B's data.
                response = call(client, method, url(app, rule, world.values(rule, "alfa")))
                html = response.get_data().decode("utf-8", "replace")  # some are binary (.xlsx)
                leaked = [m for m in world.b_markers if m in html]
                if leaked or response.status_code >= 500:
                    failures.append(f"{method} {rule.rule}: {response.status_code} leaks {leaked}")
                note("a: tenant pages show no other tenant's data", rule)
    assert not failures, "\n".join(failures)
    assert_checked("a: cross-tenant objects -> 404")
    assert_checked("a: tenant pages show no other tenant's data")


def test_matrix_a_visitors_cached_pages_show_no_other_tenant_s_data(app, world):
    """The same as visitors, twice: the second answer of a cacheable page comes from the page
    cache (core/pagecache.py), and neither shows anything of tenant B."""
    if not app.config["PAGE_CACHE"]:
        pytest.skip("the suite runs with PAGE_CACHE=0")
    failures, hits = [], 0
    for rule in filter(is_tenant_rule, RULES):
        if "GET" not in methods(rule):
            continue
        # a new browser for each page: a refused page's "Please log in" waiting in the session
        # would keep the next page from the cache (as it must)
        visitor = Client(app)
        path = url(app, rule, world.values(rule, "alfa"))
        for attempt in (1, 2):
            response = call(visitor, "GET", path)
            html = response.get_data().decode("utf-8", "replace")
            leaked = [m for m in world.b_markers if m in html]
            if leaked or response.status_code >= 500:
                failures.append(f"GET {path} ({attempt}): {response.status_code} leaks {leaked}")
            cached = pagecache.is_cacheable(app, rule.endpoint) and response.status_code == 200
            if attempt == 2 and cached:
                hits += 1
                if response.headers.get(pagecache.STATUS_HEADER) != "hit":
                    failures.append(f"GET {path}: a cacheable page not served from the cache")
    assert not failures, "\n".join(failures)
    assert hits >= 10, hits


def test_matrix_b_state_changing_routes_refuse_missing_csrf(app, world, make_user):
    client = Client(app)
    client.login("owner.a@example.org")
    failures = []
    for rule in RULES:
        if rule.endpoint in CSRF_EXEMPT:
            note("b: CSRF exempt (listed with a reason)", rule)
            continue
        for method in set(methods(rule)) & STATE_CHANGING:
            path = url(app, rule, world.values(rule, "alfa"))
            response = call(client, method, path, csrf=False)
            if response.status_code != 400:
                failures.append(f"{method} {path}: {response.status_code}, expected 400")
            note("b: CSRF required", rule)
    assert not failures, "\n".join(failures)
    assert_checked("b: CSRF required")


def _sent_to_login(response) -> bool:
    return response.status_code in (302, 303) and "/auth/login" in response.headers.get(
        "Location", ""
    )


def test_matrix_c_members_only_routes_send_visitors_to_log_in(app, world):
    client = Client(app)
    failures = []
    for rule in RULES:
        if rule.endpoint in PUBLIC:
            continue
        for method in methods(rule):
            path = url(app, rule, world.values(rule, "alfa"))
            response = call(client, method, path)
            if not _sent_to_login(response):
                failures.append(
                    f"anonymous {method} {path}: {response.status_code}, expected a login redirect"
                )
            note("c: members-only -> login", rule)
    # In a members-only tenant, only its home (name, how to join) is open to outsiders.
    for rule in filter(is_tenant_rule, RULES):
        if rule.endpoint in PUBLIC_IN_PRIVATE:
            continue
        for method in methods(rule):
            path = url(app, rule, world.values(rule, "privatni"))
            response = call(client, method, path)
            if not _sent_to_login(response):
                failures.append(
                    f"anonymous {method} {path} (members-only tenant): {response.status_code}"
                )
            note("c: members-only tenant -> login", rule)
    home = client.get("/privatni/").get_data(as_text=True)
    assert "Prostor privatni" in home and "tajna.pozivnica" not in home
    assert not failures, "\n".join(failures)
    assert_checked("c: members-only -> login")
    assert_checked("c: members-only tenant -> login")


def test_matrix_d_members_get_403_on_admin_routes(app, world):
    client = Client(app)
    client.login("member.a@example.org")
    failures = []
    for rule in RULES:
        if not (
            re.match(r"^(/<tenant_slug>)?/admin/", rule.rule)
            or rule.endpoint.split(".")[0] in MODERATORS_ONLY
        ):
            continue
        for method in methods(rule):
            path = url(app, rule, world.values(rule, "alfa"))
            response = call(client, method, path)
            if response.status_code != 403:
                failures.append(f"member {method} {path}: {response.status_code}, expected 403")
            note("d: member -> 403 on admin", rule)
    assert not failures, "\n".join(failures)
    assert_checked("d: member -> 403 on admin")


CAMPAIGN_BLUEPRINTS = ("campaigns", "campaign_signatures", "campaign_admin")


def test_matrix_e_partner_and_non_partner_spaces(app, world, db):
    """A platform beta shares with alfa: alfa reads it (its public pages, marked as beta's,
    showing nothing else of beta), its members may act on it (never a 404), its management
    pages answer 404 in alfa; privatni, no partner, gets 404 on every route of it."""
    client = Client(app)
    client.login("owner.a@example.org")
    failures = []
    # the platform's own routes; a working group's link to a platform (group_campaign_links)
    # has the group as its object, which is never a partner's (matrix a: another space's 404)
    rules = [
        r for r in RULES
        if "campaign_id" in r.arguments and r.endpoint.split(".")[0] in CAMPAIGN_BLUEPRINTS
    ]  # fmt: skip
    for rule in rules:
        blueprint = rule.endpoint.split(".")[0]
        for method in methods(rule):
            path = url(app, rule, world.values(rule, "alfa", objects_of="shared"))
            response = call(client, method, path)
            status = response.status_code
            if blueprint == "campaign_admin":
                if status != 404:
                    failures.append(f"partner {method} {path}: {status}, expected 404")
            elif status in (404, 405) or status >= 500:
                failures.append(f"partner {method} {path}: {status}, expected the shared platform")
            elif method == "GET":
                html = response.get_data().decode("utf-8", "replace")
                leaked = [m for m in world.b_markers if m in html]
                if leaked or status != 200:
                    failures.append(f"partner GET {path}: {status} leaks {leaked}")
                if rule.endpoint == "campaigns.detail" and "Prostor beta" not in html:
                    failures.append(f"partner GET {path}: not marked as the owner's")
            note("e: partner space reaches the shared platform only", rule)
            outsider = url(app, rule, world.values(rule, "privatni", objects_of="shared"))
            status = call(client, method, outsider).status_code
            if status != 404:
                failures.append(f"non-partner {method} {outsider}: {status}, expected 404")
            note("e: non-partner space -> 404", rule)
    listing = client.get("/alfa/campaigns/").get_data(as_text=True)
    if "Deljena platforma bete" not in listing:
        failures.append("alfa's list does not show the platform shared with it")
    if "Deljena platforma bete" in client.get("/privatni/campaigns/").get_data(as_text=True):
        failures.append("privatni's list shows a platform it is no partner of")
    # following the shared platform from the partner space: the row is beta's, from alfa;
    # from privatni, no partner, 404 and no row
    shared_id = world.shared_campaign_id
    followed = client.post(f"/alfa/campaigns/{shared_id}/follow", {"follow": "1"})
    if followed.status_code != 303:
        failures.append(f"partner follow: {followed.status_code}, expected 303")
    outsider = client.post(f"/privatni/campaigns/{shared_id}/follow", {"follow": "1"})
    if outsider.status_code != 404:
        failures.append(f"non-partner follow: {outsider.status_code}, expected 404")
    with tenant_context(world.b.id):
        rows = [(f.user_id, f.origin_tenant_id) for f in db.session.scalars(
            db.select(Follow).where(Follow.subject_type == "campaign",
                                    Follow.subject_id == shared_id))]  # fmt: skip
    if rows != [(world.owner_a.id, world.a.id)]:
        failures.append(f"the shared platform's followers: {rows}")
    assert not failures, "\n".join(failures)
    assert_checked("e: partner space reaches the shared platform only")
    assert_checked("e: non-partner space -> 404")


def test_matrix_research_tokens_of_another_space_answer_404(app, world):
    """A survey's invitation routes with this space's survey and another space's (or a forged)
    token answer 404, for visitors and admins alike, on every method."""
    failures = []
    own, other = world.objects["alfa"], world.objects["beta"]
    visitor, admin = Client(app), Client(app)
    admin.login("owner.a@example.org")
    for rule in RULES:
        if "survey_token" not in rule.arguments:
            continue
        for who in (visitor, admin):
            for token in (other["survey_token"], own["survey_token"] + "x"):
                values = {**world.values(rule, "alfa"), "survey_token": token}
                for method in methods(rule):
                    status = call(who, method, url(app, rule, values)).status_code
                    if status != 404:
                        failures.append(f"{method} {rule.rule} ({token[:8]}…): {status}")
        note("a: another space's survey token -> 404", rule)
    assert not failures, "\n".join(failures)
    assert_checked("a: another space's survey token -> 404")


def test_matrix_event_certificates_of_another_space_answer_404(app, world):
    """A certificate's routes answer 200 with this space's token, 404 with another space's or
    a forged one, for visitors and admins alike."""
    failures = []
    own, other = world.objects["alfa"], world.objects["beta"]
    visitor, admin = Client(app), Client(app)
    admin.login("owner.a@example.org")
    for rule in RULES:
        if "certificate_token" not in rule.arguments:
            continue
        for who in (visitor, admin):
            values = world.values(rule, "alfa")
            if call(who, "GET", url(app, rule, values)).status_code != 200:
                failures.append(f"GET {rule.rule} (own): not 200")
            for token in (other["certificate_token"], own["certificate_token"][:-2] + "xx"):
                values = {**world.values(rule, "alfa"), "certificate_token": token}
                status = call(who, "GET", url(app, rule, values)).status_code
                if status != 404:
                    failures.append(f"GET {rule.rule} ({token[:8]}…): {status}")
        note("a: another space's certificate token -> 404", rule)
    assert not failures, "\n".join(failures)
    assert_checked("a: another space's certificate token -> 404")


SUPPORT_OBJECTS = {"case_id", "support_message_id", "support_token"}


def test_matrix_support_requests_are_the_requester_s_and_the_advisors_only(app, world, db):
    """Every route naming a support case: another member of the space answers 404 on every
    method (as if there were no such request); the requester's GET pages never show the
    office's private note."""
    other = Membership(user_id=world.pending_b.id, role="member", status="active")
    with tenant_context(world.a.id):
        db.session.add(other)
        db.session.commit()
    stranger, requester = Client(app), Client(app)
    stranger.login(world.pending_b.email)
    requester.login(world.member_a.email)
    failures = []
    for rule in RULES:
        if not set(rule.arguments) & SUPPORT_OBJECTS or rule.endpoint.split(".")[0] != "support":
            continue
        path = url(app, rule, world.values(rule, "alfa"))
        for method in methods(rule):
            status = call(stranger, method, path).status_code
            if status != 404:
                failures.append(f"another member {method} {path}: {status}, expected 404")
        if "GET" in methods(rule):
            response = requester.get(path, follow_redirects=True)
            if "tajna.beleska.alfa" in response.get_data().decode("utf-8", "replace"):
                failures.append(f"requester GET {path}: shows the private note")
        note("support: another member -> 404, notes never reach the requester", rule)
    assert not failures, "\n".join(failures)
    assert_checked("support: another member -> 404, notes never reach the requester")


def test_matrix_f_public_pages_say_what_they_are_when_shared(app, db, world):
    """Every public page a visitor gets as HTML carries Open Graph tags (templates/base.html,
    core/sharing.py): a title, an absolute URL and an image."""
    from solidarna.tenants.models import Tenant

    db.session.get(Tenant, world.a.id).in_national_overview = True  # the overview shows A
    db.session.commit()
    failures = []
    for rule in RULES:
        if rule.endpoint not in PUBLIC or "GET" not in methods(rule):
            continue
        visitor = Client(app)
        path = url(app, rule, world.values(rule, "alfa"))
        response = visitor.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        if "<html" not in html:  # a fragment (the bell's badge) is not a page
            continue
        page = parse(html)
        og = {m["property"]: m.get("content", "") for m in page.select("meta[property^='og:']")}
        if not og.get("og:title", "").strip() or not og.get("og:image", "").startswith("http"):
            failures.append(
                f"GET {path}: og:title {og.get('og:title')!r}, og:image {og.get('og:image')!r}"
            )
        if not og.get("og:url", "").startswith("http://localhost/"):
            failures.append(f"GET {path}: og:url {og.get('og:url')!r}")
        if rule.endpoint.startswith("national."):
            leaked = [m for m in world.b_markers if m in html]
            if leaked:
                failures.append(f"GET {path}: the national overview shows B's {leaked}")
        note("f: public pages carry Open Graph tags", rule)
    assert not failures, "\n".join(failures)
    assert len(COVERED["f: public pages carry Open Graph tags"]) >= 30


def test_matrix_coverage_report(capsys):
    """Runs last in this module: prints what the matrices covered (shown with -rA or -s)."""
    total = {f"{','.join(methods(r))} {r.rule}" for r in RULES}
    lines = [f"route matrices: {len(total)} routes"]
    for matrix, routes in sorted(COVERED.items()):
        lines.append(f"  {matrix}: {len(routes)} routes")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert COVERED, "the matrices ran no route"
