"""The demo research (fictional, like everything in the demo): in Kruševac the pilot's
questionnaire from the kit, open to anyone with the link, its results published, with 60
complete responses — the office's directory organizations (their real strata: municipality,
legal form, actor type, SE status), and, as the directory has fewer than 60, respondents
without an entry — and invitations in every state, so the distribution page shows a response
rate; in KoRSE a draft survey from the local community resources template.

The answers are drawn with a seeded random.Random, so every fresh start shows the same results,
and written through research.services (start_response, save_answers, complete), so the counters
and the option rows are those a real respondent leaves; a question hidden by its display
condition is never answered."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from stdnum.iso7064 import mod_11_10

from solidarna.accounts.models import User
from solidarna.core import audit, geography, identifiers, questions
from solidarna.core.models import utcnow
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import db
from solidarna.research import kit, services
from solidarna.research.models import STRATA, Survey, SurveyInvitation
from solidarna.tenants.kits import KIT_DIR, load_kit

PILOT_KEY = "istrazivanje-aktera-rasina"
RESOURCES_KEY = "resursi-lokalne-zajednice"
RESPONSES = 60
SEED = "solidarna-demo-research"
NOTE = "\n\n*Demo istraživanje: odgovori su izmišljeni, sve sličnosti su slučajne.*"

#: the invitations to organizations that have not answered (yet): one each
UNANSWERED = ["started", "sent", "sent", "sent", "unsubscribed", "bounced", "pending"]
#: how many of the answering organizations answered by their invitation
INVITED_ANSWERS = 15

# Respondents without a directory entry (the mapping is not complete: that is why the survey is
# run). (name prefix, actor type, legal form)
EXTRA_KINDS = [
    ("Udruženje", "association", "association"),
    ("Zadruga", "cooperative", "cooperative"),
    ("Socijalno preduzeće", "social_enterprise", "doo"),
    ("Radionica", "social_enterprise", "entrepreneur"),
    ("Preduzetnička radnja", "company_partner", "entrepreneur"),
    ("Plan socijalnog preduzeća", "planned_enterprise", "informal"),
]
EXTRA_WORDS = [
    "Lipa", "Izvor", "Zora", "Rasinka", "Bagdala", "Kosovka", "Ravnjak", "Suncokret", "Pčelica",
    "Vidik", "Dukat", "Kapija", "Ognjište", "Klas", "Vreteno", "Lozica", "Sunčani breg",
    "Bistrica", "Jabuka", "Tkanica", "Kolo", "Pletenica", "Kamen", "Dren", "Livada", "Vrelo",
    "Smilje", "Bosiljak", "Breza", "Ruža vetrova",
]  # fmt: skip
EXTRA_GROUPS = ["rural_women", "disability", "roma", "long_term_unemployed", "elderly",
                "youth_leaving_care"]  # fmt: skip
EXTRA_INTERESTS = ["work_integration", "social_services", "sustainable_development"]
MUNICIPALITIES = {"Kruševac": 50, "Trstenik": 15, "Aleksandrovac": 10, "Brus": 8, "Varvarin": 9,
                  "Ćićevac": 8}  # fmt: skip
MISSIONS = [
    "Zapošljavamo žene sa sela u preradi voća i povrća.",
    "Pružamo usluge pomoći u kući starijim sugrađanima.",
    "Obučavamo mlade iz osetljivih grupa za rad u ugostiteljstvu.",
    "Reciklažom tekstila otvaramo radna mesta za dugoročno nezaposlene.",
    "Čuvamo tradicionalne zanate i prodajemo rukotvorine.",
    "Organizujemo zajedničku prodaju za male proizvođače.",
]
OTHER_GROUPS = [
    "Samohrani roditelji",
    "Povratnici po readmisiji",
    "Mladi bez roditeljskog staranja",
]
OTHER_BARRIERS = ["Nedostatak radne snage", "Visoki troškovi prevoza robe"]
OTHER_SUPPORT = ["Pomoć oko sertifikacije proizvoda", "Zajednička prodavnica u centru grada"]
COMMENTS = [
    "Bilo bi korisno da Kancelarija organizuje sajam proizvoda socijalnih preduzeća.",
    "Treba nam pomoć oko prijave za upis statusa u APR, procedura nije jasna.",
    "Lokalna samouprava bi mogla da nam ustupi prostor koji sada stoji prazan.",
    "Rado bismo podelili iskustva sa drugima koji tek počinju.",
    "Javne nabavke su nam nedostupne jer su partije prevelike za male proizvođače.",
    "Predlažemo redovne sastanke svih zadruga u okrugu.",
    "Najveći problem je što banke ne razumeju kako posluje socijalno preduzeće.",
    "Hvala na istraživanju, nadamo se da će rezultati biti iskorišćeni.",
]
BARRIER_WEIGHTS = {"finance": 80, "legal_framework": 45, "markets": 50, "skills": 30,
                   "premises": 35, "admin_burden": 40, "procurement": 30, "awareness": 35}  # fmt: skip
SUPPORT_WEIGHTS = {"finance": 70, "training": 50, "premises": 30, "procurement": 35,
                   "advocacy": 30, "marketing": 45, "legal_advice": 30, "networking": 35}  # fmt: skip
#: revenue mix (sales, public, grants, donations, other) by actor type, before the noise
REVENUE = {
    "social_enterprise": (65, 15, 15, 0, 5),
    "cooperative": (80, 5, 10, 0, 5),
    "association": (15, 15, 50, 15, 5),
    "company_partner": (85, 10, 0, 0, 5),
    "public_institution": (10, 80, 10, 0, 0),
    "local_government": (0, 90, 10, 0, 0),
    "education_research": (20, 40, 35, 0, 5),
    "financial_institution": (70, 0, 20, 0, 10),
    "network": (0, 10, 60, 30, 0),
}


def _template(tenant, key: str) -> dict | None:
    """The space's template, or the shipped kit's (a space made before its kit had one)."""
    found = next((t for t in kit.templates(tenant) if t.get("key") == key), None)
    path = KIT_DIR / f"{tenant.slug}.toml"
    if found is None and path.exists():
        shipped = load_kit(path).starter.get(kit.KIT_KEY) or []
        found = next((t for t in shipped if t.get("key") == key), None)
    return found


def _exists(key: str) -> bool:
    return db.session.scalar(select(Survey.id).where(Survey.template_key == key)) is not None


def load_research(tenant) -> int:
    """The space's demo surveys (current tenant set, its directory loaded). Returns how many
    surveys were made (0 when they are there already, or the kit has no such template)."""
    if "research" not in (tenant.modules or []):
        return 0
    if tenant.slug == "krusevac":
        return _pilot(tenant)
    if tenant.slug == "korse":
        return _resources_draft(tenant)
    return 0


def _resources_draft(tenant) -> int:
    template = _template(tenant, RESOURCES_KEY)
    if template is None or _exists(RESOURCES_KEY):
        return 0
    owner = User.by_email("ivana@example.org")
    survey = services.new_survey(
        template["title"], created_by=owner, access=template.get("access", "members"),
        description=template.get("description", "").strip() + NOTE, template=template,
    )  # fmt: skip
    audit.record("survey.created", target=survey, actor=owner, template=RESOURCES_KEY)
    db.session.flush()
    return 1


def _pilot(tenant) -> int:
    template = _template(tenant, PILOT_KEY)
    if template is None or _exists(PILOT_KEY):
        return 0
    owner = User.by_email("jelena@example.org")
    now = utcnow()
    survey = services.new_survey(
        template["title"], created_by=owner, access="public",
        description=template.get("description", "").strip() + NOTE, template=template,
    )  # fmt: skip
    survey.status = "open"
    survey.opens_at = now - timedelta(days=35)
    survey.closes_at = now + timedelta(days=25)
    survey.results_public = True
    audit.record("survey.created", target=survey, actor=owner, template=PILOT_KEY)
    audit.record("survey.status_changed", target=survey, actor=owner, old="draft", new="open")
    db.session.flush()
    version = survey.current_version
    asked = services.questions_of(version)
    by_code = {q.code: q for q in asked}
    rng = random.Random(SEED)

    organizations = list(db.session.scalars(select(Organization).order_by(Organization.id)))
    profiles = [_profile_of(org) for org in organizations]
    quiet = set(rng.sample(range(len(profiles)), min(len(UNANSWERED), len(profiles))))
    answering = [i for i in range(len(profiles)) if i not in quiet]
    invited = set(rng.sample(answering, min(INVITED_ANSWERS, len(answering))))
    invitations = {}
    for number, i in enumerate(sorted(quiet | invited), start=1):
        status = UNANSWERED[sorted(quiet).index(i)] if i in quiet else "sent"
        invitations[i] = _invite(survey, organizations[i], profiles[i], status, number, rng, now)
    db.session.flush()

    marko = User.by_email("marko@example.org")
    respondents = [(profiles[i], organizations[i], invitations.get(i)) for i in answering]
    used = {p["name"] for p in profiles}
    while len(respondents) < RESPONSES:
        respondents.append((_extra_profile(rng, used), None, None))
    for number, (profile, org, invitation) in enumerate(respondents[:RESPONSES]):
        user = marko if org is not None and org.name == "Zadruga Rasinski med" else None
        response, _key = services.start_response(
            survey, user=user, invitation=invitation, organization=org, strata=_strata(profile)
        )
        started = now - timedelta(days=33 - number * 32 / RESPONSES, hours=rng.randint(0, 9))
        response.started_at = started
        response.section_position = len(version.sections)
        response.consent_directory = org is not None and rng.random() < 0.7
        response.licence = rng.choice(["cc_by", "cc_by", "aggregate"])
        services.save_answers(response, by_code, _answers(rng, asked, profile, now))
        services.complete(response, survey, by_code)
        response.completed_at = started + timedelta(minutes=rng.randint(9, 40))
        if invitation is not None:
            invitation.status = "complete"
    # the one who started from the invitation and has not finished: the first two sections
    for i, invitation in invitations.items():
        if invitation.status != "started":
            continue
        invitation.status = "sent"  # start_response moves it on
        response, _key = services.start_response(survey, invitation=invitation)
        first = {q.code for q in asked if q.section_id in {s.id for s in version.sections[:2]}}
        answers = _answers(rng, asked, profiles[i], now)
        services.save_answers(response, by_code, {c: v for c, v in answers.items() if c in first})
        response.section_position = 2
        response.started_at = now - timedelta(days=3)
    db.session.flush()
    return 1


def _profile_of(org: Organization) -> dict:
    return {
        "name": org.name,
        "actor_type": org.actor_type,
        "legal_form": org.legal_form,
        "se_status": org.se_status,
        "municipality": org.municipality,
        "kd": org.tag_values("kd"),
        "groups": org.tag_values("group"),
        "interest": org.tag_values("interest"),
        "total": org.employees_total,
        "women": org.employees_women,
        "vulnerable": org.employees_vulnerable,
        "volunteers": org.volunteers,
        "founding_year": org.founding_year,
        "turnover_band": org.turnover_band,
        "mission": org.mission,
    }


def _strata(profile: dict) -> dict:
    return {name: profile[name] for name in STRATA}


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _extra_profile(rng: random.Random, used: set) -> dict:
    prefix, actor, form = rng.choice(EXTRA_KINDS)
    word = rng.choice([w for w in EXTRA_WORDS if f"{prefix} {w}" not in used])
    name = f"{prefix} {word}"
    used.add(name)
    if actor == "planned_enterprise":
        se = "planned"
    elif actor == "company_partner":
        se = "no"
    else:
        se = _weighted(rng, {"no": 45, "planned": 25, "in_progress": 15, "registered": 15})
    total = None if actor == "planned_enterprise" else rng.choice([0, 1, 2, 3, 4, 6, 8, 12, 20])
    women = None if total is None else rng.randint(0, total)
    return {
        "name": name,
        "actor_type": actor,
        "legal_form": form,
        "se_status": se,
        "municipality": _weighted(rng, MUNICIPALITIES),
        "kd": [rng.choice(["A", "C", "C", "I", "Q", "S", "G"])],
        "groups": rng.sample(EXTRA_GROUPS, rng.randint(0, 2)),
        "interest": [rng.choice(EXTRA_INTERESTS)],
        "total": total,
        "women": women,
        "vulnerable": None if total is None else rng.randint(0, total),
        "volunteers": rng.choice([None, 0, 0, 2, 3, 6]),
        "founding_year": None if actor == "planned_enterprise" else rng.randint(1998, 2025),
        "turnover_band": None,
        "mission": rng.choice(MISSIONS),
    }


def _pib(rng: random.Random) -> str:
    body = "1" + "".join(str(rng.randint(0, 9)) for _ in range(7))
    return body + mod_11_10.calc_check_digit(body)


def _mb(rng: random.Random) -> str:
    body = "".join(str(rng.randint(0, 9)) for _ in range(7))
    return body + str(identifiers.mb_check_digit(body))


def _some(rng: random.Random, weights: dict, most: int, least: int = 1) -> list[str]:
    """Between `least` and `most` options, drawn by weight without repeating."""
    pool = dict(weights)
    chosen = []
    for _ in range(rng.randint(least, most)):
        if not pool:
            break
        pick = _weighted(rng, pool)
        chosen.append(pick)
        del pool[pick]
    return chosen


def _in_order(question, chosen: list[str]) -> list[str]:
    return [o["value"] for o in questions.options_of(question) if o["value"] in chosen]


def _choices(question, chosen: list[str], other: str = "") -> dict:
    if other:
        chosen = [*chosen, questions.OTHER]
    return {"choices": _in_order(question, chosen), "other": other}


def _day(rng: random.Random, first: date, last: date) -> str:
    if last <= first:
        return first.isoformat()
    return (first + timedelta(days=rng.randint(0, (last - first).days))).isoformat()


def _revenue(rng: random.Random, profile: dict) -> list[int] | None:
    if profile["actor_type"] in ("planned_enterprise", "informal_group"):
        return None
    base = REVENUE.get(profile["actor_type"], (50, 20, 20, 5, 5))
    noisy = [max(0, share + rng.randint(-10, 10)) if share else 0 for share in base]
    total = sum(noisy) or 1
    shares = [round(share * 100 / total / 5) * 5 for share in noisy]
    shares[0] += 100 - sum(shares)  # the largest source takes the rounding
    if shares[0] < 0:
        return None
    return shares


def _answers(rng: random.Random, asked: list, profile: dict, now) -> dict:
    """One respondent's answers (normal form) to the questions shown: each question is drawn,
    then those its display condition hides (given the earlier answers) are left out."""
    drawn: dict = {}
    for question in asked:
        if questions.KINDS[question.kind].answerable:
            value = _value(rng, question, profile, drawn, now)
            if value is not None:
                drawn[question.code] = value
    shown = questions.visible(asked, drawn)
    # ("_revenue", the revenue mix the rev_* questions share, is no question: left out too)
    return {code: value for code, value in drawn.items() if code in shown}


def _value(rng: random.Random, question, profile: dict, answers: dict, now):
    code = question.code
    actor, form = profile["actor_type"], profile["legal_form"]
    today = now.date()
    if code == "org_name":
        return profile["name"]
    if code == "id_org":
        if form == "informal":
            return None
        return {"pib": _pib(rng), "mb": _mb(rng) if rng.random() < 0.8 else "", "legal_form": form}
    if code == "se_status":
        return {"choice": profile["se_status"], "other": ""}
    if code == "se_registered_on":
        founded = date(max(profile["founding_year"] or 2022, 2022), 1, 1)
        return _day(rng, max(founded, date(2022, 11, 15)), today - timedelta(days=30))
    if code == "se_applied_on":
        return _day(rng, today - timedelta(days=200), today - timedelta(days=10))
    if code == "founding_year":
        return profile["founding_year"]
    if code == "municipality":
        found = geography.find(profile["municipality"])
        return found.code if found else None
    if code == "kd_section":
        return {"choice": profile["kd"][0].lower(), "other": ""} if profile["kd"] else None
    if code == "mission":
        return profile["mission"] if rng.random() < 0.9 else None
    if code == "general_interest":
        return _choices(question, profile["interest"]) if profile["interest"] else None
    if code == "vulnerable_groups":
        other = rng.choice(OTHER_GROUPS) if rng.random() < 0.1 else ""
        groups = [g for g in profile["groups"] if g in questions.option_values(question)]
        return _choices(question, groups, other) if groups or other else None
    if code in ("staff_women", "staff_men", "staff_vulnerable"):
        total, women = profile["total"], profile["women"]
        if total is None:
            return None
        women = min(women or 0, total)
        if code == "staff_women":
            return women
        if code == "staff_men":
            return total - women
        return min(profile["vulnerable"] or 0, total)
    if code == "volunteers":
        return profile["volunteers"]
    if code == "governance":
        if form == "cooperative":
            choice = "members_assembly"
        elif form in ("association", "sports_association", "foundation"):
            choice = rng.choice(["board", "members_assembly"])
        elif form in ("institution", "government_body", "public_enterprise"):
            choice = "board"
        elif form == "informal":
            return {"choice": questions.OTHER, "other": "Dogovor svih članova grupe"}
        else:
            choice = rng.choice(["owner", "owner", "staff_participate"])
        return {"choice": choice, "other": ""}
    if code == "staff_in_decisions":
        shared = form in ("cooperative", "association") or actor == "social_enterprise"
        likely = 0.8 if shared else 0.35
        return "yes" if rng.random() < likely else "no"
    if code == "profit_use":
        if actor in ("planned_enterprise", "informal_group") or profile["se_status"] == "planned":
            choice = "no_profit"
        elif actor == "company_partner":
            choice = "distributed"
        elif profile["se_status"] in ("registered", "in_progress"):
            choice = rng.choice(["reinvest_all", "reinvest_majority"])
        else:
            choice = rng.choice(["reinvest_all", "reinvest_majority", "no_profit", "distributed"])
        return {"choice": choice, "other": ""}
    if code.startswith("rev_"):
        shares = answers.get("_revenue", ...)
        if shares is ...:
            shares = answers["_revenue"] = _revenue(rng, profile)
        if shares is None:
            return None
        index = ("rev_sales", "rev_public", "rev_grants", "rev_donations", "rev_other").index(code)
        return shares[index]
    if code == "turnover_band":
        band = profile["turnover_band"]
        if band is None:
            if actor == "planned_enterprise":
                band = "none"
            else:
                size = profile["total"] or 0
                band = "lt_1m" if size < 2 else "1m_5m" if size < 6 else "5m_20m"
        return {"choice": band, "other": ""}
    if code == "barriers":
        chosen = _some(rng, BARRIER_WEIGHTS, 3)
        other = rng.choice(OTHER_BARRIERS) if rng.random() < 0.07 and len(chosen) < 3 else ""
        return _choices(question, chosen, other)
    if code == "barrier_severity":
        if rng.random() < 0.1:
            return None
        named = (answers.get("barriers") or {}).get("choices", [])
        rows = questions.settings_of(question).get("rows") or []
        serious, mild = [4, 5, 5], [1, 2, 2, 3, 3, 4]
        return {r["value"]: rng.choice(serious if r["value"] in named else mild) for r in rows}
    if code == "lsg_support":
        return _weighted(rng, {1: 2, 2: 4, 3: 4, 4: 2, 5: 1})
    if code == "support_needs":
        other = rng.choice(OTHER_SUPPORT) if rng.random() < 0.07 else ""
        return _choices(question, _some(rng, SUPPORT_WEIGHTS, 4), other)
    if code == "wg_interest":
        return "yes" if rng.random() < 0.65 else "no"
    if code == "wg_themes":
        named = set((answers.get("barriers") or {}).get("choices", []))
        weights = {o["value"]: 20 for o in questions.options_of(question)}
        for barrier, theme in (("finance", "finance"), ("procurement", "procurement"),
                               ("legal_framework", "legal"), ("markets", "markets"),
                               ("premises", "local_resources"), ("skills", "training")):  # fmt: skip
            if barrier in named and theme in weights:
                weights[theme] += 60
        return _choices(question, _some(rng, weights, 3))
    if code == "advocacy_interest":
        likely = 0.75 if answers.get("wg_interest") == "yes" else 0.3
        return "yes" if rng.random() < likely else "no"
    if code == "advocacy_topics":
        weights = {o["value"]: 20 for o in questions.options_of(question) if o["value"] != "other"}
        for favourite in ("reserved_procurement", "local_decision", "employment_subsidies"):
            if favourite in weights:
                weights[favourite] += 30
        most = int(questions.settings_of(question).get("max_choices") or 3)
        return _choices(question, _some(rng, weights, most))
    if code == "comments":
        return rng.choice(COMMENTS) if rng.random() < 0.3 else None
    return _fallback(rng, question)


def _fallback(rng: random.Random, question):
    """An answer to a question the kit's template may have gained since (plausible, valid)."""
    kind = question.kind
    options = [o["value"] for o in questions.options_of(question) if o["value"] != questions.OTHER]
    if kind in ("single",) and options:
        return {"choice": rng.choice(options), "other": ""}
    if kind == "multiple" and options:
        most = int(questions.settings_of(question).get("max_choices") or 2)
        chosen = rng.sample(options, min(most, 2, len(options)))
        return {"choices": _in_order(question, chosen), "other": ""}
    if kind in ("yes_no",):
        return rng.choice(["yes", "no"])
    if kind == "scale":
        low, high = questions.scale_bounds(questions.settings_of(question))
        return rng.randint(low, high)
    return None


def _invite(survey, org, profile, status, number, rng, now) -> SurveyInvitation:
    invitation = SurveyInvitation(
        survey_id=survey.id,
        organization_id=org.id,
        organization_name=org.name,
        email=f"anketa{number:02d}@example.org",
        status=status,
        **_strata(profile),
    )
    if status != "pending":
        invitation.sent_at = now - timedelta(days=30, hours=rng.randint(0, 48))
    if status == "sent":
        invitation.reminders_sent = rng.randint(1, 2)
        invitation.last_reminded_at = now - timedelta(days=rng.randint(2, 9))
    db.session.add(invitation)
    return invitation
