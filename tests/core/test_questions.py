"""The question engine (core/questions.py): reading answers of every kind, what each counts
for, and the display conditions' checks and effect."""

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from solidarna.core import questions

CHOICE = {"options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"},
                      {"value": "c", "label": "C"}]}  # fmt: skip


def q(code, kind, required=False, condition=None, **settings):
    return {"code": code, "kind": kind, "label": code, "required": required,
            "settings": settings, "condition": condition}  # fmt: skip


def read(question, **fields):
    form = MultiDict()
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            form.add(name, item)
    return questions.read(question, form, legal_forms={"cooperative": "Zadruga"})


@pytest.fixture(autouse=True)
def _context(app):
    with app.test_request_context(), force_locale("en"):
        yield


def test_single_choice_with_other():
    question = q("s", "single", other=True, **CHOICE)
    assert read(question, q_s="b").value == {"choice": "b", "other": ""}
    assert read(question, q_s="other", q_s_other="Moje").value == {
        "choice": "other",
        "other": "Moje",
    }
    assert read(question, q_s="other").error is not None
    wrong = read(question, q_s="z")
    assert wrong.error is not None and wrong.typed == {"choice": "z", "other": ""}


def test_multiple_choice_keeps_the_options_order_and_its_maximum():
    question = q("m", "multiple", max_choices=2, **CHOICE)
    assert read(question, q_m=["c", "a"]).value == {"choices": ["a", "c"], "other": ""}
    assert "at most" in str(read(question, q_m=["a", "b", "c"]).error)
    assert read(question, q_m=["a", "x"]).error is not None
    # each option counts on its own, never the combination
    assert questions.counted(question, {"choices": ["a", "c"], "other": ""}) == [
        ("", "a"),
        ("", "c"),
    ]


def test_required_questions_need_an_answer_and_optional_ones_do_not():
    assert read(q("t", "short_text", required=True)).error is not None
    assert read(q("t", "short_text")).error is None and read(q("t", "short_text")).value is None


@pytest.mark.parametrize(
    ("typed", "value", "ok"),
    [("12", 12, True), ("12,5", 12.5, False), ("1.234,5", 1234.5, False), ("abc", None, False),
     ("-1", None, False), ("1001", None, False)],
)  # fmt: skip
def test_numbers_as_people_write_them(typed, value, ok):
    integer = read(q("n", "number", integer=True, min=0, max=1000), q_n=typed)
    assert (integer.error is None) is ok
    if ok:
        assert integer.value == value
    decimal = read(q("n", "number", min=0, max=2000), q_n=typed)
    if value is not None:
        assert decimal.value == value


def test_scale_date_yes_no_and_matrix():
    assert read(q("s", "scale", min=1, max=5), q_s="6").error is not None
    assert read(q("s", "scale", min=1, max=5), q_s="4").value == 4
    assert read(q("d", "date"), q_d="31.12.2026.").value == "2026-12-31"
    assert read(q("d", "date"), q_d="31.02.2026").error is not None
    assert read(q("y", "yes_no"), q_y="maybe").error is not None
    matrix = q("x", "matrix", required=True, rows=[{"value": "r1", "label": "R1"},
                                                   {"value": "r2", "label": "R2"}])  # fmt: skip
    assert read(matrix, q_x_r1="3", q_x_r2="5").value == {"r1": 3, "r2": 5}
    assert read(matrix, q_x_r1="3").error is not None  # every row of a required matrix
    assert read(matrix, q_x_r1="9", q_x_r2="1").error is not None


def test_municipality_and_organization_identity():
    muni = read(q("m", "municipality"), q_m="Kruševac")
    assert muni.error is None and muni.value
    assert read(q("m", "municipality"), q_m="Atlantida").error is not None
    org = q("o", "organization")
    assert "check digit" in str(read(org, q_o_pib="123456789").error)
    assert read(org, q_o_pib="101134702", q_o_legal_form="nepostojeci").error is not None
    good = read(org, q_o_pib="101 134 702", q_o_legal_form="cooperative")
    assert good.value == {"pib": "101134702", "mb": "", "legal_form": "cooperative"}


def test_settings_are_checked_per_kind():
    assert questions.settings_problems("single", {"options": [{"value": "a", "label": "A"}]})
    assert questions.settings_problems("single", {"options": [{"value": "a", "label": "A"},
                                                              {"value": "a", "label": "B"}]})  # fmt: skip
    assert questions.settings_problems("scale", {"min": 5, "max": 1})
    assert questions.settings_problems("number", {"min": 10, "max": 1})
    assert questions.settings_problems("matrix", {})
    assert questions.settings_problems("short_text", {"options": []})  # not a setting of it
    assert not questions.settings_problems("single", CHOICE)


def test_conditions_show_a_question_only_after_the_answer_that_opens_it():
    first = q("a1", "single", **CHOICE)
    second = q("a2", "short_text", condition={"question": "a1", "op": "equals", "value": "a"})
    third = q("a3", "short_text", condition={"question": "a2", "op": "answered"})
    listed = [first, second, third]
    assert questions.visible(listed, {}) == {"a1"}
    assert questions.visible(listed, {"a1": {"choice": "a", "other": ""}}) == {"a1", "a2"}
    answers = {"a1": {"choice": "b", "other": ""}, "a2": "left behind"}
    # a changed mind hides the question and what depends on it, whatever was answered
    assert questions.visible(listed, answers) == {"a1"}
    assert questions.condition_problems(listed) == []


def test_condition_problems_name_the_question_and_why():
    first = q("a1", "single", **CHOICE)
    later = q("a0", "short_text", condition={"question": "a9", "op": "answered"})
    unknown_value = q(
        "a2", "short_text", condition={"question": "a1", "op": "equals", "value": "z"}
    )
    wrong_op = q("a3", "short_text", condition={"question": "a1", "op": "includes", "value": "a"})
    unreachable = q("a4", "short_text", condition={"question": "a2", "op": "answered"})
    forward = q("a5", "short_text", condition={"question": "a6", "op": "answered"})
    after = q("a6", "short_text")
    problems = questions.condition_problems(
        [first, later, unknown_value, wrong_op, unreachable, forward, after]
    )
    by_code = {p.code: str(p.message) for p in problems}
    assert set(by_code) == {"a0", "a2", "a3", "a4", "a5"}
    assert "does not exist" in by_code["a0"]
    assert "never be shown" in by_code["a2"] or "never be answered" in by_code["a2"]
    assert "cannot use" in by_code["a3"]
    assert "never shown" in by_code["a4"]
    assert "comes later" in by_code["a5"]
    self_ref = q("b1", "short_text", condition={"question": "b1", "op": "answered"})
    assert "itself" in str(questions.condition_problems([self_ref])[0].message)
