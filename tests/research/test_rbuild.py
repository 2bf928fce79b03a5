"""The survey builder: starting a survey (empty or from the kit), every kind's settings checked
next to their fields, display conditions refused with the question and the reason, reorder
refused when it would break a condition, a new version once there are responses, the status
rules, and another space's survey answering 404. Everyone reads English."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.research import builder, services
from solidarna.research.models import Survey, SurveyQuestion, SurveyVersion
from tests.conftest import Client

TEMPLATE = {
    "key": "akteri",
    "title": "Istraživanje SSE aktera",
    "description": "Upitnik o potrebama.",
    "access": "invitation",
    "sections": [
        {
            "title": "O organizaciji",
            "questions": [
                {"code": "form", "kind": "single", "label": "Pravna forma", "required": True,
                 "options": [{"value": "coop", "label": "Zadruga"},
                             {"value": "assoc", "label": "Udruženje"}], "other": True},
                {"code": "coop_members", "kind": "number", "label": "Broj zadrugara",
                 "integer": True, "min": 0,
                 "condition": {"question": "form", "op": "equals", "value": "coop"}},
            ],
        },
        {"title": "Potrebe", "questions": [
            {"code": "needs", "kind": "multiple", "label": "Potrebe", "max_choices": 2,
             "options": [{"value": "money", "label": "Finansije"},
                         {"value": "skills", "label": "Znanja"},
                         {"value": "space", "label": "Prostor"}]},
        ]},
    ],
}  # fmt: skip


def english(app) -> Client:
    client = Client(app)
    client.raw._client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def world(app, make_user, make_tenant):
    admin = make_user(email="admin@example.org", name="Ana Admin", locale="en")
    member = make_user(email="member@example.org", name="Mira Članica", locale="en")
    other_admin = make_user(email="other@example.org", name="Olga Druga", locale="en")
    space = make_tenant("alfa", members={admin: "admin", member: "member"},
                        starter={"survey_templates": [TEMPLATE]})  # fmt: skip
    other = make_tenant("beta", members={other_admin: "admin"})
    client = english(app)
    client.login("admin@example.org")

    class World:
        pass

    w = World()
    w.app, w.space, w.other, w.admin, w.client = app, space, other, admin, client
    return w


def create(world, template="akteri", title="Anketa aktera") -> int:
    response = world.client.post(
        "/alfa/research/manage/new", {"title": title, "template": template}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return int(re.search(r"/manage/(\d+)/edit", response.headers["Location"])[1])


def survey_of(world, survey_id) -> Survey:
    db.session.expire_all()
    return db.session.get(Survey, survey_id)


def codes(world, survey_id) -> list[str]:
    with tenant_context(world.space.id):
        survey = survey_of(world, survey_id)
        return [q.code for q in services.questions_of(survey.current_version)]


def question_id(world, survey_id, code) -> int:
    with tenant_context(world.space.id):
        survey = survey_of(world, survey_id)
        return next(q.id for q in services.questions_of(survey.current_version) if q.code == code)


def section_ids(world, survey_id) -> list[int]:
    with tenant_context(world.space.id):
        return [s.id for s in survey_of(world, survey_id).current_version.sections]


def add(world, survey_id, kind, section=0, **fields):
    sid = section_ids(world, survey_id)[section]
    data = {"kind": kind, "label": fields.pop("label", f"Pitanje {kind}")} | fields
    return world.client.post(
        f"/alfa/research/manage/{survey_id}/edit/sections/{sid}/questions/new", data
    )


def test_start_from_a_kit_template_and_empty(world):
    page = world.client.get("/alfa/research/")
    assert "Start a survey" in page.get_data(as_text=True)
    form = world.client.get("/alfa/research/manage/new").get_data(as_text=True)
    assert "Istraživanje SSE aktera" in form
    sid = create(world)
    assert codes(world, sid) == ["form", "coop_members", "needs"]
    with tenant_context(world.space.id):
        survey = survey_of(world, sid)
        assert (survey.status, survey.access, survey.template_key) == ("draft", "invitation",
                                                                       "akteri")  # fmt: skip
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert "survey.created" in actions
    empty = create(world, template="", title="Prazna anketa")
    assert codes(world, empty) == [] and len(section_ids(world, empty)) == 1
    edit = world.client.get(f"/alfa/research/manage/{sid}/edit").get_data(as_text=True)
    assert "coop_members" in edit and "Shown when form (Pravna forma) equals “Zadruga”." in edit
    # a member may not start one
    member = english(world.app)
    member.login("member@example.org")
    assert member.get("/alfa/research/manage/new").status_code == 403
    bad = world.client.post("/alfa/research/manage/new", {"title": "x", "template": "nema"})
    assert bad.status_code == 422


def test_settings_dates_are_belgrade_time(world):
    sid = create(world)
    response = world.client.post(f"/alfa/research/manage/{sid}/edit", {
        "title": "Anketa aktera", "description": "Opis", "access": "public",
        "opens_day": "1.3.2027.", "opens_time": "09:00", "closes_day": "2027-03-31",
        "reminder_limit": "3", "reminder_gap_days": "5", "asks_directory_consent": "y",
    })  # fmt: skip
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    with tenant_context(world.space.id):
        survey = survey_of(world, sid)
        assert survey.opens_at.replace(tzinfo=None).isoformat() == "2027-03-01T08:00:00"
        assert survey.closes_at.replace(tzinfo=None).isoformat() == "2027-03-31T21:59:00"
        assert (survey.reminder_limit, survey.reminder_gap_days, survey.access) == (3, 5, "public")
    bad = world.client.post(f"/alfa/research/manage/{sid}/edit", {
        "title": "Anketa aktera", "access": "public", "opens_day": "2027-03-31",
        "closes_day": "2027-03-01", "reminder_limit": "30", "reminder_gap_days": "5",
    })  # fmt: skip
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "The survey closes after it opens." in html and "From 0 to 10." in html


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        ("single", {"options": "a | A"}, "A choice needs at least two options."),
        ("single", {"options": "Other | X\nb | B"}, "Option code"),
        ("multiple", {"options": "a | A\nb | B", "max_choices": "0"},
         "The maximum number of choices must be at least 1."),
        ("multiple", {"options": "a | A\na | B"}, "appears twice"),
        ("scale", {"scale_min": "3", "scale_max": "2"}, "A scale runs from 0 or more"),
        ("number", {"number_min": "10", "number_max": "2"}, "The smallest number is larger"),
        ("number", {"number_min": "abc"}, "Write a number"),
        ("date", {"date_min": "31.02.2026."}, "Enter a date"),
        ("date", {"date_min": "2027-01-02", "date_max": "2027-01-01"},
         "The latest date comes after the earliest."),
        ("matrix", {"rows": ""}, "A matrix needs at least one row."),
        ("matrix", {"rows": "a | A\na | B"}, "Each row needs its own code"),
    ],
)  # fmt: skip
def test_every_kind_s_settings_are_checked_next_to_the_field(world, kind, fields, message):
    sid = create(world, template="")
    response = add(world, sid, kind, label="Moje pitanje", **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[:2000]
    assert message in html
    assert "Moje pitanje" in html  # what was typed is kept
    assert codes(world, sid) == []


def test_every_kind_can_be_added_and_previewed(world):
    sid = create(world, template="")
    ok = {
        "single": {"options": "a | Prvi\nDrugi", "other": "y", "required": "y"},
        "multiple": {"options": "a | A\nb | B\nc | C", "max_choices": "2"},
        "scale": {"scale_min": "1", "scale_max": "5", "min_label": "Loše", "max_label": "Dobro"},
        "number": {"number_min": "0", "number_max": "1.000,5", "unit": "RSD"},
        "short_text": {}, "long_text": {}, "yes_no": {},
        "date": {"date_min": "2020-01-01"}, "municipality": {}, "organization": {},
        "matrix": {"rows": "a | Red A\nb | Red B", "scale_min": "1", "scale_max": "4"},
        "text": {"label": "Hvala što učestvujete."},
    }  # fmt: skip
    for kind, fields in ok.items():
        response = add(world, sid, kind, **fields)
        assert response.status_code == 303, (kind, response.get_data(as_text=True)[:3000])
    found = codes(world, sid)
    assert len(found) == len(ok) and len(set(found)) == len(found)
    assert found[0] == "pitanje_single" and found[1] == "pitanje_multiple"
    with tenant_context(world.space.id):
        q = db.session.scalars(select(SurveyQuestion).where(SurveyQuestion.kind == "single")).one()
        assert q.settings == {
            "options": [{"value": "a", "label": "Prvi"}, {"value": "drugi", "label": "Drugi"}],
            "other": True,
        }
        number = db.session.scalars(
            select(SurveyQuestion).where(SurveyQuestion.kind == "number")).one()  # fmt: skip
        assert number.settings == {"min": 0, "max": 1000.5, "unit": "RSD"}
    # a code taken, a code that is not one
    taken = add(world, sid, "short_text", code="pitanje_single")
    assert taken.status_code == 422
    assert "Another question of this survey has this code." in taken.get_data(as_text=True)
    assert add(world, sid, "short_text", code="Loš kod").status_code == 422
    preview = world.client.get(f"/alfa/research/manage/{sid}/edit/preview")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "<legend>Pitanje single" in html and 'name="q_pitanje_single_other"' in html
    assert 'type="radio" name="q_pitanje_single" id="q-pitanje_single-1" value="a" required' in html
    assert 'name="q_pitanje_matrix_b"' in html and "Red B: 4" in html
    assert 'name="q_pitanje_organization_pib"' in html and "Kruševac" in html


def test_conditions_are_refused_with_the_question_and_the_reason(world):
    sid = create(world)
    needs = question_id(world, sid, "needs")
    base = {"label": "Potrebe", "code": "needs", "options": "money | Finansije\nskills | Znanja",
            "max_choices": "2"}  # fmt: skip
    url = f"/alfa/research/manage/{sid}/edit/questions/{needs}"
    unknown = world.client.post(
        url, base | {"condition_question": "form", "condition_op": "equals", "condition_value": "x"}
    )
    html = unknown.get_data(as_text=True)
    assert unknown.status_code == 422
    assert "form can never be answered &#39;x&#39;" in html or "form can never be answered" in html
    wrong_op = world.client.post(
        url,
        base
        | {"condition_question": "form", "condition_op": "includes", "condition_value": "coop"},
    )
    assert wrong_op.status_code == 422 and "cannot use" in wrong_op.get_data(as_text=True)
    unreachable_source = world.client.post(url, base | {
        "condition_question": "coop_members", "condition_op": "answered"})  # fmt: skip
    assert unreachable_source.status_code == 303  # coop_members is reachable
    # a later question is not offered, and the engine refuses it said another way
    form = question_id(world, sid, "form")
    later = world.client.post(f"/alfa/research/manage/{sid}/edit/questions/{form}", {
        "label": "Pravna forma", "code": "form", "options": "coop | Zadruga\nassoc | Udruženje",
        "condition_question": "needs", "condition_op": "answered"})  # fmt: skip
    assert later.status_code == 422
    with tenant_context(world.space.id), force_locale("en"):
        survey = survey_of(world, sid)
        question = next(q for q in services.questions_of(survey.current_version)
                        if q.code == "form")  # fmt: skip
        data = {"code": "form", "kind": "single", "label": "Pravna forma", "help": "",
                "required": True, "settings": dict(question.settings),
                "condition": {"question": "needs", "op": "answered"}}  # fmt: skip
        with pytest.raises(builder.BuildError, match="which comes later"):
            builder.change_question(survey, question, data, None)
        # unreachable: a condition on a question whose own condition can never hold
        db.session.rollback()


def test_unreachable_question_is_refused(world):
    sid = create(world, template="")
    assert add(world, sid, "yes_no", label="Da li", code="a").status_code == 303
    with tenant_context(world.space.id), force_locale("en"):
        survey = survey_of(world, sid)
        rows = builder.rows_of(survey.current_version)
        rows[0]["condition"] = {"question": "nema", "op": "answered"}
        rows.append({"code": "b", "kind": "short_text", "label": "B", "help": "",
                     "required": False, "settings": {},
                     "condition": {"question": "a", "op": "answered"}})  # fmt: skip
        problems = {p.code: str(p.message) for p in __import__(
            "solidarna.core.questions", fromlist=["x"]).condition_problems(rows)}  # fmt: skip
        assert "never shown" in problems["b"] and "does not exist" in problems["a"]


def test_reorder_refused_above_the_question_it_depends_on(world):
    sid = create(world)
    members = question_id(world, sid, "coop_members")
    url = f"/alfa/research/manage/{sid}/edit/questions/{members}/move"
    refused = world.client.post(url, {"direction": "up"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "coop_members cannot move there" in html and "which comes later" in html
    assert codes(world, sid) == ["form", "coop_members", "needs"]
    # down goes to the next section; with htmx only the outline comes back
    moved = world.client.post(url, {"direction": "down"}, headers={"HX-Request": "true"})
    assert moved.status_code == 200
    body = moved.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="outline"') and "<html" not in body
    # the last question of a section goes to the start of the next one
    assert codes(world, sid) == ["form", "coop_members", "needs"]
    with tenant_context(world.space.id):
        question = db.session.get(SurveyQuestion, question_id(world, sid, "coop_members"))
        assert question.section_id == section_ids(world, sid)[1]
    assert world.client.post(url, {"direction": "down"}).status_code == 303
    assert codes(world, sid) == ["form", "needs", "coop_members"]
    for _step in ("up", "up"):  # above needs, then back to the end of the first section
        assert world.client.post(url, {"direction": "up"}).status_code == 303
    assert codes(world, sid) == ["form", "coop_members", "needs"]
    assert len(section_ids(world, sid)) == 2
    # removing a question another depends on is refused; a section moves
    form = question_id(world, sid, "form")
    gone = world.client.post(f"/alfa/research/manage/{sid}/edit/questions/{form}/delete", {})
    assert gone.status_code == 409 and "coop_members" in gone.get_data(as_text=True)
    first, second = section_ids(world, sid)
    moved = world.client.post(f"/alfa/research/manage/{sid}/edit/sections/{first}/move",
                              {"direction": "down"})  # fmt: skip
    assert moved.status_code == 303
    assert codes(world, sid) == ["needs", "form", "coop_members"]
    at_end = world.client.post(f"/alfa/research/manage/{sid}/edit/sections/{first}/move",
                               {"direction": "down"})  # fmt: skip
    assert at_end.status_code == 409 and "already at that end" in at_end.get_data(as_text=True)


def test_an_answered_survey_changes_in_a_new_version(world):
    sid = create(world)
    with tenant_context(world.space.id):
        survey = survey_of(world, sid)
        survey.status = "open"
        response, _key = services.start_response(survey)
        db.session.commit()
        first_version = survey.current_version_id
    edit = world.client.get(f"/alfa/research/manage/{sid}/edit").get_data(as_text=True)
    assert "your changes make version 2" in edit
    # a refused edit makes no version
    members = question_id(world, sid, "coop_members")
    world.client.post(f"/alfa/research/manage/{sid}/edit/questions/{members}/move",
                      {"direction": "up"})  # fmt: skip
    assert add(world, sid, "short_text", section=1, label="Napomena").status_code == 303
    with tenant_context(world.space.id):
        survey = survey_of(world, sid)
        assert survey.current_version.number == 2
        versions = db.session.scalars(select(SurveyVersion).order_by(SurveyVersion.number)).all()
        assert [v.number for v in versions] == [1, 2]
        assert db.session.get(type(response), response.id).version_id == first_version
        old = [q.code for q in services.questions_of(versions[0])]
        assert old == ["form", "coop_members", "needs"]
        assert "napomena" in [q.code for q in services.questions_of(versions[1])]
    # an id of the old version still names its question (by code) in the new one
    old_needs = question_id(world, sid, "needs")
    page = world.client.get(f"/alfa/research/manage/{sid}/edit/questions/{members}")
    assert page.status_code == 200 and old_needs != members
    renamed = world.client.post(f"/alfa/research/manage/{sid}/edit/questions/{members}", {
        "label": "Koliko zadrugara?", "code": "members", "integer": "y", "number_min": "0",
        "condition_question": "form", "condition_op": "equals", "condition_value": "coop"})  # fmt: skip
    assert renamed.status_code == 303, renamed.get_data(as_text=True)[:3000]
    with tenant_context(world.space.id):
        survey = survey_of(world, sid)
        assert survey.current_version.number == 2  # still the unanswered version 2
        [old_q] = [q for q in services.questions_of(versions[0]) if q.code == "coop_members"]
        assert old_q.label == "Broj zadrugara"
        assert "members" in [q.code for q in services.questions_of(survey.current_version)]


def test_status_rules(world):
    empty = create(world, template="", title="Prazna anketa")
    refused = world.client.post(f"/alfa/research/manage/{empty}/edit/status", {"status": "open"})
    assert refused.status_code == 409
    assert "Add at least one question" in refused.get_data(as_text=True)
    assert add(world, empty, "text", label="Samo tekst").status_code == 303
    assert world.client.post(f"/alfa/research/manage/{empty}/edit/status",
                             {"status": "open"}).status_code == 409  # fmt: skip
    sid = create(world)
    assert world.client.post(f"/alfa/research/manage/{sid}/edit/status",
                             {"status": "closed"}).status_code == 409  # fmt: skip
    for status in ("open", "closed", "open"):
        response = world.client.post(f"/alfa/research/manage/{sid}/edit/status",
                                     {"status": status})  # fmt: skip
        assert response.status_code == 303
        with tenant_context(world.space.id):
            assert survey_of(world, sid).status == status
    assert world.client.post(f"/alfa/research/manage/{sid}/edit/delete", {}).status_code == 409
    assert world.client.post(f"/alfa/research/manage/{empty}/edit/delete", {}).status_code == 303
    with tenant_context(world.space.id):
        assert survey_of(world, empty) is None
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert {"survey.status_changed", "survey.deleted", "survey.question_added"} <= set(actions)


def test_sections_add_rename_delete(world):
    sid = create(world, template="")
    response = world.client.post(
        f"/alfa/research/manage/{sid}/edit/sections",
        {"new_section-title": "Drugi deo", "new_section-intro": "Uvod"},
    )
    assert response.status_code == 303
    first, second = section_ids(world, sid)
    bad = world.client.post(f"/alfa/research/manage/{sid}/edit/sections/{second}", {"title": ""})
    assert bad.status_code == 422
    ok = world.client.post(f"/alfa/research/manage/{sid}/edit/sections/{second}",
                           {"title": "Treći deo", "intro": "Novi uvod"})  # fmt: skip
    assert ok.status_code == 303
    assert world.client.post(f"/alfa/research/manage/{sid}/edit/sections/{first}/delete",
                             {}).status_code == 303  # fmt: skip
    with tenant_context(world.space.id):
        [only] = survey_of(world, sid).current_version.sections
        assert (only.title, only.intro, only.position) == ("Treći deo", "Novi uvod", 0)
    last = world.client.post(f"/alfa/research/manage/{sid}/edit/sections/{second}/delete", {})
    assert last.status_code == 409


def test_another_space_s_survey_is_404(world):
    sid = create(world)
    members = question_id(world, sid, "coop_members")
    first = section_ids(world, sid)[0]
    other = english(world.app)
    other.login("other@example.org")
    for path in (f"/beta/research/manage/{sid}/edit", f"/beta/research/manage/{sid}/edit/preview",
                 f"/beta/research/manage/{sid}/edit/questions/{members}",
                 f"/beta/research/manage/{sid}/edit/sections/{first}"):  # fmt: skip
        assert other.get(path).status_code == 404, path
    assert other.post(f"/beta/research/manage/{sid}/edit/status",
                      {"status": "open"}).status_code == 404  # fmt: skip
    # a question of another survey of the same space is 404 too
    second = create(world, template="", title="Druga anketa")
    assert (
        world.client.get(f"/alfa/research/manage/{second}/edit/questions/{members}").status_code
        == 404
    )


def test_the_question_macro_keeps_what_was_typed_and_ties_help_and_error(app):
    from types import SimpleNamespace

    def q(kind, required=True, **settings):
        return SimpleNamespace(code=f"x_{kind}", kind=kind, label=f"Label {kind}",
                               help="Pomoć", required=required, settings=settings)  # fmt: skip

    cases = [
        (q("single", options=[{"value": "a", "label": "A"}], other=True),
         {"choice": "other", "other": "Moje"}, ['value="other" checked', 'value="Moje"']),
        (q("multiple", required=False, options=[{"value": "a", "label": "A"},
                                                {"value": "b", "label": "B"}], max_choices=1),
         {"choices": ["b"], "other": ""}, ['value="b" checked', "x_multiple-range"]),
        (q("scale", min=0, max=3), "2", ['value="2" checked']),
        (q("number", min=1, max=9, unit="RSD"), "4,5", ['value="4,5"', "x_number-range", "RSD"]),
        (q("short_text"), "tekst", ['value="tekst"']),
        (q("long_text"), "dug tekst", [">dug tekst</textarea>"]),
        (q("yes_no"), "no", ['value="no" checked']),
        (q("date", min="2020-01-01"), "31.12.2026.", ['value="2026-12-31"', 'min="2020-01-01"']),
        (q("municipality"), "", ["<select"]),
        (q("organization"), {"pib": "123", "mb": "", "legal_form": ""}, ['value="123"']),
        (q("matrix", rows=[{"value": "r", "label": "Red"}], min=1, max=3), {"r": "3"},
         ['value="3" checked', "Red: 3"]),
    ]  # fmt: skip
    with app.test_request_context():
        macro = app.jinja_env.get_template("research/_question.html").module.question_input
        for question, typed, expected in cases:
            html = str(macro(question, typed, "Greška"))
            for part in expected:
                assert part in html, (question.kind, part, html)
            assert f'id="q-{question.code}-error">Greška</p>' in html
            assert f"q-{question.code}-help" in html and 'aria-invalid="true"' in html
            assert ("required" in html) == question.required or question.kind == "multiple"
        text = str(macro(q("text", required=False), None, None))
        assert "Label text" in text and "<input" not in text


def test_the_condition_s_value_is_chosen_among_the_question_s_options(world):
    """The value is a <select> of the condition question's options: drawn by the server for
    the question chosen (on "Show the values", without JavaScript; htmx asks the same), and
    nothing is saved then; a value typed earlier that is no option stays offered, and saving
    refuses it next to the field."""
    sid = create(world)
    needs = question_id(world, sid, "needs")
    url = f"/alfa/research/manage/{sid}/edit/questions/{needs}"
    base = {"label": "Potrebe", "code": "needs", "options": "money | Finansije\nskills | Znanja",
            "max_choices": "2"}  # fmt: skip
    page = world.client.get(url).get_data(as_text=True)
    assert 'name="refresh_condition"' in page and 'hx-select="#condition-value-field"' in page
    assert 'Edit the question <code translate="no">needs</code></h1>' in page
    assert re.search(r'<input[^>]*id="condition_value"', page)  # none chosen: a plain field
    shown = world.client.post(url, base | {"condition_question": "form", "refresh_condition": "1",
                                           "condition_op": "equals"})  # fmt: skip
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200
    select = re.search(r'<select id="condition_value".*?</select>', html, re.S)[0]
    assert 'value="coop"' in select and 'value="assoc"' in select and 'value="other"' in select
    swapped = world.client.post(
        url,
        base | {"condition_question": "form", "refresh_condition": "1", "condition_op": "equals"},
        headers={"HX-Request": "true"},
    )  # htmx: only the page's block is drawn; the value's field is in it
    assert swapped.status_code == 200
    assert 'id="condition-value-field"' in swapped.get_data(as_text=True)
    assert 'value="assoc"' in swapped.get_data(as_text=True)
    assert codes(world, sid) == ["form", "coop_members", "needs"]
    with tenant_context(world.space.id):  # nothing saved
        assert survey_of(world, sid).current_version.sections[1].questions[0].condition is None
    kept = world.client.post(url, base | {"condition_question": "form", "refresh_condition": "1",
                                          "condition_op": "equals", "condition_value": "zz"})  # fmt: skip
    assert re.search(r'<option value="zz" selected>', kept.get_data(as_text=True))
    refused = world.client.post(url, base | {"condition_question": "form",
                                             "condition_op": "equals", "condition_value": "zz"})  # fmt: skip
    assert refused.status_code == 422 and "can never be answered" in refused.get_data(as_text=True)
    saved = world.client.post(url, base | {"condition_question": "form",
                                           "condition_op": "equals", "condition_value": "coop"})  # fmt: skip
    assert saved.status_code == 303
    edit = world.client.get(url).get_data(as_text=True)
    assert '<option value="coop" selected>' in edit
    # a refresh without the form's token is refused
    assert world.client.post(url, base | {"refresh_condition": "1"}, csrf=False).status_code == 400
