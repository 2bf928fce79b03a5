"""The kits' survey templates (the pilot's questionnaire, the national mapping, the local
community resources) and the demo research: 60 complete responses to the pilot in Kruševac,
counted right, none to a hidden question, loaded once; a draft from the resources template in
KoRSE."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from solidarna.core import questions
from solidarna.core.tenancy import tenant_context
from solidarna.demo.research import PILOT_KEY, RESOURCES_KEY, RESPONSES
from solidarna.directory import taxonomy
from solidarna.extensions import db
from solidarna.research import kit, services
from solidarna.research.models import (
    Survey,
    SurveyAnswer,
    SurveyAnswerOption,
    SurveyInvitation,
    SurveyResponse,
)
from solidarna.tenants.kits import KIT_DIR, load_kit, parse_kit
from solidarna.tenants.models import Tenant
from tests.campaigns.conftest import english

NATIONAL_KEY = "mapiranje-aktera-sse"


def _templates(name: str) -> dict[str, dict]:
    found = load_kit(KIT_DIR / name).starter[kit.KIT_KEY]
    return {t["key"]: t for t in found}


def _questions(template: dict) -> list[dict]:
    return [q for section in template["sections"] for q in section["questions"]]


def _options(question: dict) -> set[str]:
    return {o["value"] for o in question.get("options", [])}


def test_the_kits_templates_validate(app):
    for name, keys in (
        ("krusevac.toml", {PILOT_KEY, RESOURCES_KEY}),
        ("korse.toml", {NATIONAL_KEY, RESOURCES_KEY}),
    ):
        templates = _templates(name)
        assert set(templates) == keys
        _value, problems = kit.validate_templates(list(templates.values()), None)
        assert problems == [], [str(p) for p in problems]
        for template in templates.values():
            codes = [q["code"] for q in _questions(template)]
            assert len(codes) == len(set(codes)) and all(questions.CODE.match(c) for c in codes)


@pytest.mark.parametrize("name,key", [("krusevac.toml", PILOT_KEY), ("korse.toml", NATIONAL_KEY)])
def test_the_pilot_questionnaire_follows_the_blocks_and_the_directorys_codes(app, name, key):
    pilot = {q["code"]: q for q in _questions(_templates(name)[key])}
    # the blocks of DOMAIN.md, by variable code
    for code in ("org_name", "id_org", "se_status", "founding_year", "municipality",
                 "kd_section", "mission", "vulnerable_groups", "staff_women", "staff_men",
                 "staff_vulnerable", "volunteers", "governance", "profit_use", "rev_sales",
                 "turnover_band", "barriers", "barrier_severity", "support_needs",
                 "wg_interest", "wg_themes", "advocacy_interest", "comments"):  # fmt: skip
        assert code in pilot, code
    assert _options(pilot["se_status"]) == set(taxonomy.SE_STATUSES)
    assert _options(pilot["turnover_band"]) == set(taxonomy.TURNOVER_BANDS)
    assert _options(pilot["vulnerable_groups"]) <= set(taxonomy.VULNERABLE_GROUPS)
    assert _options(pilot["general_interest"]) == set(taxonomy.GENERAL_INTEREST)
    assert _options(pilot["kd_section"]) == {s.lower() for s in taxonomy.KD_SECTIONS}
    year = pilot["founding_year"]
    assert (year["kind"], year["min"], year["max"], year["integer"]) == ("number", 1900, 2026, True)
    # a real display condition: the working groups are asked about only after a yes
    assert pilot["wg_themes"]["condition"] == {"question": "wg_interest", "op": "equals",
                                              "value": "yes"}  # fmt: skip
    assert pilot["wg_interest"]["kind"] == "yes_no" and pilot["wg_themes"]["kind"] == "multiple"
    # the platform asks for consent and the licence itself
    assert not any("consent" in code or "licen" in code for code in pilot)


def test_the_resources_template_uses_the_directorys_codes(app):
    resources = {q["code"]: q for q in _questions(_templates("krusevac.toml")[RESOURCES_KEY])}
    assert _options(resources["res_kind"]) == set(taxonomy.RESOURCE_KINDS)
    assert _options(resources["res_availability"]) == set(taxonomy.AVAILABILITY)
    assert resources["res_municipality"]["kind"] == "municipality"
    assert _templates("korse.toml")[RESOURCES_KEY] == _templates("krusevac.toml")[RESOURCES_KEY]


def test_every_kind_of_question_is_used(app):
    templates = _templates("krusevac.toml")
    used = [q for key in (PILOT_KEY, RESOURCES_KEY) for q in _questions(templates[key])]
    kinds = {q["kind"] for q in used}
    assert kinds == set(questions.KINDS)
    assert any(q["kind"] == "single" and q.get("other") for q in used)
    assert any(q["kind"] == "multiple" and q.get("max_choices") for q in used)
    assert any(q["kind"] == "number" and not q.get("integer") for q in used)  # a decimal one
    assert sum(1 for q in _questions(templates[PILOT_KEY]) if q.get("condition")) >= 3


def test_export_writes_the_templates_back_out(runner, db, tmp_path):
    result = runner.invoke(args=["tenants", "create", "--kit", str(KIT_DIR / "krusevac.toml")])
    assert result.exit_code == 0, result.output
    out = tmp_path / "export.toml"
    result = runner.invoke(args=["tenants", "export", "krusevac", "-o", str(out)])
    assert result.exit_code == 0, result.output
    again = parse_kit(out.read_text(encoding="utf-8"), "export.toml")
    original = load_kit(KIT_DIR / "krusevac.toml")
    assert again.starter[kit.KIT_KEY] == original.starter[kit.KIT_KEY]
    assert len(again.starter[kit.KIT_KEY]) == 2


def test_a_survey_from_a_template_gives_the_template_back(app, db, make_tenant):
    tenant = make_tenant(modules=["directory", "research"])
    template = _templates("krusevac.toml")[PILOT_KEY]
    with tenant_context(tenant.id):
        survey = services.new_survey(template["title"], access=template["access"],
                                     description=template["description"], template=template)  # fmt: skip
        assert services.as_template(survey) == template
        asked = services.questions_of(survey.current_version)
        assert [q.position for q in asked] == list(range(len(asked)))


def _load_demo(runner) -> str:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def _space(slug: str) -> Tenant:
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


def test_the_demo_research(runner, app):
    assert "2 new surveys" in _load_demo(runner)
    krusevac, korse = _space("krusevac"), _space("korse")
    with tenant_context(krusevac.id):
        survey = db.session.scalar(select(Survey).where(Survey.template_key == PILOT_KEY))
        assert (survey.status, survey.access, survey.results_public) == ("open", "public", True)
        assert survey.complete_count == RESPONSES == 60
        responses = db.session.scalars(
            select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
        ).all()
        complete = [r for r in responses if r.status == "complete"]
        assert len(complete) == 60 and survey.response_count == len(responses)
        # from the directory's organizations, with their strata; the rest without an entry
        with_org = [r for r in complete if r.organization_id is not None]
        assert 25 <= len(with_org) < 60
        assert all(
            r.municipality and r.legal_form and r.actor_type and r.se_status for r in complete
        )
        assert len({r.municipality for r in complete}) == 6
        assert {r.se_status for r in complete} == set(taxonomy.SE_STATUSES)
        version = survey.current_version
        asked = services.questions_of(version)
        by_code = {q.code: q for q in asked}
        answers = {
            r.id: services.answers_of(r) for r in complete
        }  # fmt: skip
        expected, hidden_skipped = Counter(), 0
        for values in answers.values():
            shown = questions.visible(asked, values)
            assert set(values) <= shown  # no answer to a hidden question
            hidden_skipped += values.get("wg_interest") == "no"
            for code, value in values.items():
                question = by_code[code]
                _check_valid(question, value)
                for row, option in questions.counted(question, value):
                    expected[(code, row, option)] += 1
            for question in asked:
                if question.required and question.code in shown:
                    assert question.code in values, question.code
        assert hidden_skipped and any("wg_themes" in v for v in answers.values())
        rows = db.session.execute(
            select(SurveyAnswerOption.question_code, SurveyAnswerOption.row,
                   SurveyAnswerOption.option, func.count())
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswerOption.response_id)
            .where(SurveyAnswerOption.survey_id == survey.id, SurveyResponse.status == "complete")
            .group_by(SurveyAnswerOption.question_code, SurveyAnswerOption.row,
                      SurveyAnswerOption.option)
        ).all()  # fmt: skip
        assert {(c, r, o): n for c, r, o, n in rows} == dict(expected)
        # varied: several answers to each choice
        barriers = Counter(
            o for (c, _r, o), n in expected.items() for _ in range(n) if c == "barriers"
        )
        assert len(barriers) >= 6 and sum(barriers.values()) <= 3 * 60
        # invitations in every state, the answered ones pointing at complete responses
        invitations = db.session.scalars(
            select(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id)
        ).all()
        statuses = Counter(i.status for i in invitations)
        assert set(statuses) == {
            "pending",
            "sent",
            "started",
            "complete",
            "unsubscribed",
            "bounced",
        }
        by_id = {r.id: r for r in responses}
        for invitation in invitations:
            if invitation.status == "complete":
                assert by_id[invitation.response_id].status == "complete"
                assert by_id[invitation.response_id].invitation_id == invitation.id
        counts = (survey.response_count, survey.complete_count, len(invitations))
        number_of_answers = db.session.scalar(select(func.count(SurveyAnswer.id)))
    with tenant_context(korse.id):
        draft = db.session.scalar(select(Survey).where(Survey.template_key == RESOURCES_KEY))
        assert draft.status == "draft" and draft.response_count == 0
        assert len(services.questions_of(draft.current_version)) >= 10
    # a second load adds nothing
    assert "0 new surveys" in _load_demo(runner)
    with tenant_context(krusevac.id):
        assert db.session.scalar(select(func.count(Survey.id))) == 1
        again = db.session.get(Survey, survey.id)
        assert (again.response_count, again.complete_count) == counts[:2]
        assert db.session.scalar(select(func.count(SurveyInvitation.id))) == counts[2]
        assert db.session.scalar(select(func.count(SurveyAnswer.id))) == number_of_answers
    with tenant_context(korse.id):
        assert db.session.scalar(select(func.count(Survey.id))) == 1
    # visitors see it
    client = english(app)
    listing = client.get("/krusevac/research/")
    assert listing.status_code == 200 and survey.title in listing.get_data(as_text=True)
    assert client.get(f"/krusevac/research/{survey.id}/").status_code == 200


def _check_valid(question, value) -> None:
    """An answer a respondent could have given (what core/questions.read would accept)."""
    settings = questions.settings_of(question)
    kind = question.kind
    if kind == "single":
        assert value["choice"] in questions.option_values(question)
        assert bool(value["other"]) == (value["choice"] == questions.OTHER)
    elif kind == "multiple":
        allowed = [o["value"] for o in questions.options_of(question)]
        assert value["choices"] and value["choices"] == [
            v for v in allowed if v in value["choices"]
        ]
        assert len(value["choices"]) <= (settings.get("max_choices") or len(allowed))
        assert bool(value["other"]) == (questions.OTHER in value["choices"])
    elif kind == "number":
        assert settings.get("min", value) <= value <= settings.get("max", value)
        assert not settings.get("integer") or isinstance(value, int)
    elif kind in ("scale", "matrix"):
        low, high = questions.scale_bounds(settings)
        for n in value.values() if kind == "matrix" else [value]:
            assert low <= n <= high
    elif kind == "yes_no":
        assert value in questions.YES_NO
    elif kind == "municipality":
        assert value in questions.option_values(question)
    elif kind == "organization":
        from solidarna.core import identifiers

        assert identifiers.pib_problem(value["pib"]) is None
        assert identifiers.mb_warning(value["mb"]) is None
        assert value["legal_form"] in taxonomy.LEGAL_FORMS
    elif kind == "date":
        assert settings.get("min", value) <= value <= settings.get("max", value)


def test_a_space_made_before_its_kit_had_the_template_gets_the_demo_too(app, db, make_tenant):
    """The shipped kit's template when the space's own settings lack it; without a directory
    every respondent is one without an entry, with plausible strata."""
    from solidarna.demo.research import load_research

    tenant = make_tenant(slug="krusevac", modules=["directory", "research"], starter={})
    with tenant_context(tenant.id):
        assert load_research(tenant) == 1
        survey = db.session.scalar(select(Survey))
        assert survey.template_key == PILOT_KEY and survey.complete_count == RESPONSES
        strata = db.session.execute(
            select(SurveyResponse.municipality, SurveyResponse.se_status)
        ).all()
        assert all(m and s for m, s in strata)
        assert load_research(tenant) == 0
