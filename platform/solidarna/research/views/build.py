"""The survey builder (space admins): sections, questions, display conditions, order, preview;
edits of a version with responses make a new version (research/builder.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from solidarna.core import geography, markdown, questions
from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render, wants_fragment
from solidarna.extensions import db
from solidarna.research import builder, kit, services
from solidarna.research.build_forms import (
    ConfirmForm,
    MoveForm,
    NewSurveyForm,
    QuestionForm,
    SectionForm,
    StatusForm,
    SurveyForm,
)
from solidarna.research.models import Survey
from solidarna.research.permissions import can_manage_research, can_manage_survey
from solidarna.research.views.common import load_own_survey
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("research_build", __name__, url_prefix="/research/manage")

SURVEY_FIELDS = ("title", "description", "access", "anonymous", "opens_at", "closes_at",
                 "asks_directory_consent", "reminder_limit", "reminder_gap_days")  # fmt: skip


def _edit_url(survey: Survey, anchor: str = "") -> str:
    return url_for("research_build.edit", survey_id=survey.id) + anchor


def _back(survey: Survey, anchor: str = "#outline"):
    return redirect(_edit_url(survey, anchor), 303)


def _edit_page(survey: Survey, form=None, status: int = 200, refusal=None):
    version = survey.current_version
    found = builder.problems(version)
    by_code = {q.code: q for q in services.questions_of(version)}
    context = {
        "explain": lambda q: explain(q, by_code),
        "survey": survey,
        "version": version,
        "form": form,
        "problems": found,
        "problem_codes": {p.code for p in found},
        "refusal": refusal,
        "kinds": questions.KINDS,
        "builder_moves": builder.MOVES,
        "move_form": MoveForm(formdata=None),
        "confirm_form": ConfirmForm(formdata=None),
        "status_form": StatusForm(formdata=None),
        "section_form": SectionForm(formdata=None, prefix="new_section"),
    }
    if form is None:
        form = SurveyForm(formdata=None, obj=survey)
        form.fill(survey)
        context["form"] = form
    if wants_fragment() and request.endpoint in OUTLINE_ENDPOINTS:
        # the up/down buttons (hx-post) swap the outline only
        return render("research/build.html", block="outline", status=status, **context)
    return render("research/build.html", status=status, **context)


OUTLINE_ENDPOINTS = {"research_build.move_question", "research_build.move_section"}


def _refused(survey: Survey, error: builder.BuildError):
    return _edit_page(survey, status=error.status, refusal=error.message)


# --- the survey --------------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@require(can_manage_research)
def new():
    from flask import g

    templates = kit.templates(g.tenant)
    form = NewSurveyForm(templates=templates)
    if not form.is_submitted() and request.args.get("template") in {
        t.get("key") for t in templates
    }:
        form.template.data = request.args["template"]  # "Start a survey from it" (settings)
    if form.validate_on_submit():
        template = next((t for t in templates if t.get("key") == form.template.data), None)
        title = form.title.data.strip()
        survey = services.new_survey(
            title, created_by=current_person(), template=template,
            access=(template or {}).get("access", "public"),
            description=(template or {}).get("description", ""),
        )  # fmt: skip
        if template is None:
            builder.add_section(survey, _("Section 1"), "", current_person())
        db.session.flush()
        from solidarna.core import audit

        audit.record("survey.created", target=survey, actor=current_person())
        db.session.commit()
        flash(_("The survey is started as a draft: only the space's administrators see it."),
              "success")  # fmt: skip
        return redirect(_edit_url(survey), 303)
    return render("research/build_new.html", form=form, templates=templates,
                  status=422 if form.errors else 200)  # fmt: skip


@bp.route("/<int:survey_id>/edit", methods=["GET", "POST"])
@require(can_manage_survey, obj=load_own_survey)
def edit(survey: Survey):
    if request.method == "GET":
        return _edit_page(survey)
    form = SurveyForm()
    if not form.validate():
        return _edit_page(survey, form, 422)
    data = form.data_dict()
    changed = [name for name in SURVEY_FIELDS if _differs(getattr(survey, name), data[name])]
    for name in changed:
        setattr(survey, name, data[name])
    if changed:
        from solidarna.core import audit

        audit.record("survey.changed", target=survey, actor=current_person(), fields=changed)
    db.session.commit()
    flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
    return _back(survey, "")


def _differs(old, new) -> bool:
    if hasattr(old, "tzinfo") and hasattr(new, "tzinfo") and old is not None and new is not None:
        from solidarna.research.permissions import _aware

        return _aware(old) != _aware(new)
    return old != new


@bp.post("/<int:survey_id>/edit/status")
@require(can_manage_survey, obj=load_own_survey)
def status(survey: Survey):
    form = StatusForm()
    if not form.validate_on_submit():
        return error_page(422, detail=_("Choose one of the offered options."))
    try:
        builder.move(survey, form.status.data, current_person())
    except builder.BuildError as error:
        return _refused(survey, error)
    db.session.commit()
    flash(_("The status is changed."), "success")
    return _back(survey, "")


@bp.post("/<int:survey_id>/edit/delete")
@require(can_manage_survey, obj=load_own_survey)
def delete(survey: Survey):
    if not ConfirmForm().validate_on_submit():
        return error_page(400)
    try:
        builder.delete(survey, current_person())
    except builder.BuildError as error:
        return _refused(survey, error)
    db.session.commit()
    flash(_("The draft survey is deleted."), "success")
    return redirect(url_for("research.index"), 303)


@bp.post("/<int:survey_id>/edit/template")
@require(can_manage_survey, obj=load_own_survey)
def save_as_template(survey: Survey):
    """The survey's questionnaire as the space's survey template (the one it was started
    from, else a new one): how a template's questions are added, moved or removed, with the
    builder. The space's templates are its owners' (tenants/templates.py)."""
    from flask import g

    from solidarna.core.permissions import can_change_settings
    from solidarna.tenants import templates as space_templates

    if not can_change_settings(current_person(), g.tenant):
        abort(403)
    key = space_templates.kit_key(g.tenant, kit.KIT_KEY)
    if key is None:
        abort(404)
    template = services.as_template(survey)
    existing = (
        space_templates.find(g.tenant, key, survey.template_key) if survey.template_key else None
    )
    if existing is None:
        taken = {t["key"] for t in space_templates.templates_of(g.tenant, key)}
        template["key"] = space_templates.new_key(survey.title, taken)
    elif space_templates.is_retired(existing):
        template["retired"] = True
    replaces = existing["key"] if existing is not None else None
    problems = space_templates.problems(g.tenant, key, template, replaces)
    if problems:
        return _edit_page(survey, status=422, refusal=" ".join(problems))
    saved = space_templates.save(g.tenant, key, template, replaces, current_person())
    if existing is None:
        survey.template_key = template["key"]
    db.session.commit()
    flash(_("The questionnaire is saved as the space's template „%(title)s“.", title=template["title"])
          if saved else _("The space's template already has this questionnaire."), "success")  # fmt: skip
    return _back(survey, "#space-template")


@bp.get("/<int:survey_id>/edit/preview")
@require(can_manage_survey, obj=load_own_survey)
def preview(survey: Survey):
    version = survey.current_version
    by_code = {q.code: q for q in services.questions_of(version)}
    return render(
        "research/build_preview.html",
        survey=survey,
        version=version,
        explain=lambda q: explain(q, by_code),
        intro=lambda section: markdown.render(section.intro),
        description=markdown.render(survey.description),
        municipalities=geography.municipalities(),
    )


def explain(question, by_code) -> str | None:
    """A display condition in words: "Shown when Q3 (…) equals “Cooperative”."."""
    condition = question.condition
    if not condition:
        return None
    target = by_code.get(condition.get("question"))
    if target is None:
        return _("Shown when %(code)s … (the question does not exist).",
                 code=condition.get("question"))  # fmt: skip
    op = condition.get("op")
    labels = {o["value"]: o["label"] for o in questions.options_of(target)}
    value = condition.get("value")
    if op == "answered":
        return _("Shown when %(code)s (%(label)s) is answered.", code=target.code,
                 label=target.label)  # fmt: skip
    return _(
        "Shown when %(code)s (%(label)s) %(op)s “%(value)s”.",
        code=target.code, label=target.label, op=questions.OPS.get(op, op),
        value=labels.get(value, value),
    )  # fmt: skip


# --- sections ----------------------------------------------------------------------------------


def _section(survey: Survey, section_id: int):
    section = builder.section_of(survey, section_id)
    if section is None:
        abort(404)
    return section


@bp.post("/<int:survey_id>/edit/sections")
@require(can_manage_survey, obj=load_own_survey)
def add_section(survey: Survey):
    form = SectionForm(prefix="new_section")
    if not form.validate_on_submit():
        return render("research/build_section.html", survey=survey, form=form, section=None,
                      status=422)  # fmt: skip
    title, intro = form.data_dict()
    builder.add_section(survey, title, intro, current_person())
    db.session.commit()
    flash(_("The section is added."), "success")
    return _back(survey)


@bp.route("/<int:survey_id>/edit/sections/<int:section_id>", methods=["GET", "POST"])
@require(can_manage_survey, obj=load_own_survey)
def section(survey: Survey, section_id: int):
    target = _section(survey, section_id)
    form = SectionForm(obj=target)
    if form.validate_on_submit():
        title, intro = form.data_dict()
        changed = builder.change_section(survey, target, title, intro, current_person())
        db.session.commit()
        flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
        return _back(survey)
    return render("research/build_section.html", survey=survey, form=form, section=target,
                  status=422 if form.errors else 200)  # fmt: skip


@bp.post("/<int:survey_id>/edit/sections/<int:section_id>/delete")
@require(can_manage_survey, obj=load_own_survey)
def remove_section(survey: Survey, section_id: int):
    target = _section(survey, section_id)
    if not ConfirmForm().validate_on_submit():
        return error_page(400)
    try:
        builder.remove_section(survey, target, current_person())
    except builder.BuildError as error:
        return _refused(survey, error)
    db.session.commit()
    flash(_("The section and its questions are removed."), "success")
    return _back(survey)


@bp.post("/<int:survey_id>/edit/sections/<int:section_id>/move")
@require(can_manage_survey, obj=load_own_survey)
def move_section(survey: Survey, section_id: int):
    target = _section(survey, section_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return error_page(422, detail=_("Choose one of the offered options."))
    try:
        builder.move_section(survey, target, form.step(), current_person())
    except builder.BuildError as error:
        return _refused(survey, error)
    db.session.commit()
    if wants_fragment():
        db.session.expire_all()
        return _edit_page(survey)
    return _back(survey)


# --- questions ---------------------------------------------------------------------------------


def _question(survey: Survey, question_id: int):
    question = builder.question_of(survey, question_id)
    if question is None:
        abort(404)
    return question


#: kinds whose condition compares with one of their options (a <select> of them)
VALUE_KINDS = ("single", "multiple", "scale", "yes_no", "municipality")


def condition_choices(form, earlier) -> list[tuple[str, str]] | None:
    """The values the condition's question can give, for the value's <select> (None: the
    question chosen has no options, or none is chosen: a plain field). A value already typed
    that is not among them stays offered, marked, so nothing is lost; saving says why it is
    refused (builder's validation)."""
    code = form.condition_question.data
    chosen = next((q for q in earlier if q.code == code), None)
    if chosen is None or chosen.kind not in VALUE_KINDS:
        return None
    found = [(o["value"], str(o["label"])) for o in questions.options_of(chosen)]
    typed = (form.condition_value.data or "").strip()
    if typed and typed not in {value for value, _label in found}:
        found.insert(0, (typed, _("(not an option of this question)")))
    return found


def _refreshing(form) -> bool:
    """The builder asked to see the values of the condition's question (the button next to
    it without JavaScript, or htmx on its change): the form is shown again, nothing saved."""
    if not (form.is_submitted() and request.form.get("refresh_condition")):
        return False
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        abort(400)
    return True


def _question_page(survey, form, section, question=None, status=200, earlier=()):
    return render(
        "research/build_question.html",
        survey=survey,
        form=form,
        section=section,
        question=question,
        earlier=earlier,
        value_choices=condition_choices(form, earlier),
        options_of=questions.options_of,
        kinds=questions.KINDS,
        ops=questions.OPS,
        status=status,
    )


def _earlier(survey: Survey, section=None, question=None) -> list:
    """The questions a condition may name: those before `question`, or (a new question of
    `section`) those up to the end of the section."""
    found = []
    for s in survey.current_version.sections:
        if question is None and s.position > section.position:
            break
        for q in s.questions:
            if q is question:
                return found
            found.append(q)
    return found


def _save_refused(form, error: builder.BuildError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    target = field if field is not None else form.label
    if error.field == "" and error.code is not None:
        target = form.condition_question
    target.errors = [*target.errors, error.message]


@bp.route("/<int:survey_id>/edit/sections/<int:section_id>/questions/new",
          methods=["GET", "POST"])  # fmt: skip
@require(can_manage_survey, obj=load_own_survey)
def new_question(survey: Survey, section_id: int):
    target = _section(survey, section_id)
    earlier = _earlier(survey, section=target)
    form = QuestionForm(earlier=earlier)
    if not form.is_submitted():
        kind = request.args.get("kind", "")
        if kind not in questions.KINDS:
            kind = "single"
        form.kind.data = kind
        if kind == "single":
            form.options.data = ""
    if form.kind.data not in questions.KINDS:
        return error_page(422, detail=_("Choose one of the offered options."))
    if _refreshing(form):
        return _question_page(survey, form, target, earlier=earlier)
    if form.is_submitted():
        valid = form.validate()
        data = form.data_dict() if valid else None
        if data is not None:
            try:
                builder.add_question(survey, target, data, current_person())
            except builder.BuildError as error:
                _save_refused(form, error)
            else:
                db.session.commit()
                flash(_("The question is added."), "success")
                return _back(survey)
        return _question_page(survey, form, target, status=422, earlier=earlier)
    return _question_page(survey, form, target, earlier=earlier)


@bp.route("/<int:survey_id>/edit/questions/<int:question_id>", methods=["GET", "POST"])
@require(can_manage_survey, obj=load_own_survey)
def question(survey: Survey, question_id: int):
    target = _question(survey, question_id)
    earlier = _earlier(survey, question=target)
    form = QuestionForm(obj=target, earlier=earlier)
    section = next(s for s in survey.current_version.sections if s.id == target.section_id)
    if not form.is_submitted():
        form.fill(target)
        return _question_page(survey, form, section, target, earlier=earlier)
    form.kind.data = target.kind  # the kind stays; another kind is a new question
    if _refreshing(form):
        return _question_page(survey, form, section, target, earlier=earlier)
    valid = form.validate()
    data = form.data_dict() if valid else None
    if data is not None:
        try:
            changed = builder.change_question(survey, target, data, current_person())
        except builder.BuildError as error:
            _save_refused(form, error)
        else:
            db.session.commit()
            flash(_("The changes are saved.") if changed else _("Nothing was changed."),
                  "success")  # fmt: skip
            return _back(survey)
    return _question_page(survey, form, section, target, status=422, earlier=earlier)


@bp.post("/<int:survey_id>/edit/questions/<int:question_id>/delete")
@require(can_manage_survey, obj=load_own_survey)
def remove_question(survey: Survey, question_id: int):
    target = _question(survey, question_id)
    if not ConfirmForm().validate_on_submit():
        return error_page(400)
    try:
        builder.remove_question(survey, target, current_person())
    except builder.BuildError as error:
        return _refused(survey, error)
    db.session.commit()
    flash(_("The question is removed."), "success")
    return _back(survey)


@bp.post("/<int:survey_id>/edit/questions/<int:question_id>/move")
@require(can_manage_survey, obj=load_own_survey)
def move_question(survey: Survey, question_id: int):
    target = _question(survey, question_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return error_page(422, detail=_("Choose one of the offered options."))
    try:
        builder.move_question(survey, target, form.step(), current_person())
    except builder.BuildError as error:
        return _refused(survey, error)
    db.session.commit()
    if wants_fragment():
        db.session.expire_all()
        return _edit_page(survey)
    return _back(survey, f"#question-{target.code}")
