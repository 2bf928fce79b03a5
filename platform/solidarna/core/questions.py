"""Question types (DESIGN §12): one engine for every form a space builds itself — the research
capability's surveys now, event applications next. It knows the kinds of question, what each
kind's settings may hold, how to read an answer from a submitted form (keeping what was typed
and saying what is wrong next to it), how an answer is counted (the options it chose, the number
it gave), and the display conditions that show a question only after some earlier answer.

A question here is any object (a model row, a dict, a dataclass) with the attributes `code`,
`kind`, `label`, `required`, `settings` (a dict) and `condition` (a dict or None); the engine
never writes to a database.

Answers are kept in one normal form per kind (what `read` returns, what is stored as JSON):

- single: the option's value ("other" when the respondent typed their own; the text in `other`)
- multiple: a list of option values, in the options' order (with "other" as for single)
- scale: an int between `min` and `max`; number: an int or a float between `min` and `max`
- short_text, long_text: the text; date: an ISO date "YYYY-MM-DD"
- yes_no: "yes" or "no" (counted like a single choice)
- municipality: the municipality's code from the reference list (core/geography.py)
- organization: {"pib": ..., "mb": ..., "legal_form": ...} (PIB checked by its check digit)
- matrix: {row value: an int on the scale}
- text: a block of text between questions; it takes no answer

A display condition is a small expression, stored as a dict::

    {"question": "<code of an earlier question>", "op": "equals" | "not_equals" |
     "includes" | "answered", "value": "<an option's value>"}

`condition_problems` checks a whole questionnaire's conditions when it is saved: no reference to
a later or unknown question (so no cycle can exist), a value the earlier question can give, an
operator its kind supports, and no question that can never be shown (a condition on a question
that is itself never shown). Each problem names the question and says why.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from solidarna.core import geography, identifiers
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.script import fold

OTHER = "other"
#: a question's variable code (its column in exports): a letter, then letters, digits, _
CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
OPTION_VALUE = re.compile(r"^[a-z0-9][a-z0-9_]{0,39}$")
SHORT_TEXT_LIMIT = 300
LONG_TEXT_LIMIT = 10_000
MAX_OPTIONS = 60
MAX_ROWS = 40


@dataclass(frozen=True)
class Kind:
    label: object
    #: False: a block of text, no answer
    answerable: bool = True
    #: answers counted per option (single, multiple, yes_no, matrix per row)
    counted: bool = False
    #: answers with a number (mean, median)
    numeric: bool = False
    #: operators a condition on this kind may use
    ops: tuple[str, ...] = ("answered",)
    #: settings the kind understands
    settings: tuple[str, ...] = ()


KINDS: dict[str, Kind] = {
    "single": Kind(
        _l("Single choice"),
        counted=True,
        ops=("equals", "not_equals", "answered"),
        settings=("options", "other"),
    ),
    "multiple": Kind(
        _l("Multiple choice"),
        counted=True,
        ops=("includes", "answered"),
        settings=("options", "other", "max_choices"),
    ),
    "scale": Kind(
        _l("Scale"),
        counted=True,
        numeric=True,
        ops=("equals", "not_equals", "answered"),
        settings=("min", "max", "min_label", "max_label"),
    ),
    "number": Kind(
        _l("Number"), numeric=True, ops=("answered",), settings=("min", "max", "integer", "unit")
    ),
    "short_text": Kind(_l("Short text")),
    "long_text": Kind(_l("Long text")),
    "yes_no": Kind(_l("Yes or no"), counted=True, ops=("equals", "not_equals", "answered")),
    "date": Kind(_l("Date"), settings=("min", "max")),
    "municipality": Kind(
        _l("Municipality"), counted=True, ops=("equals", "not_equals", "answered")
    ),
    "organization": Kind(_l("Organization identity (PIB, MB, legal form)")),
    "matrix": Kind(
        _l("Matrix (rows on a scale)"), counted=True, numeric=True, settings=("rows", "min", "max")
    ),
    "text": Kind(_l("Text block (no answer)"), answerable=False),
}

OPS = {
    "equals": _l("equals"),
    "not_equals": _l("is not"),
    "includes": _l("includes"),
    "answered": _l("is answered"),
}

YES_NO = {"yes": _l("Yes"), "no": _l("No")}


def _get(question, name, default=None):
    if isinstance(question, Mapping):
        return question.get(name, default)
    return getattr(question, name, default)


def settings_of(question) -> dict:
    return _get(question, "settings") or {}


def options_of(question) -> list[dict]:
    """The options a counted question offers: [{"value", "label"}], "other" last if allowed."""
    kind = _get(question, "kind")
    settings = settings_of(question)
    if kind == "yes_no":
        return [{"value": value, "label": label} for value, label in YES_NO.items()]
    if kind in ("scale", "matrix"):
        low, high = scale_bounds(settings)
        return [{"value": str(n), "label": str(n)} for n in range(low, high + 1)]
    if kind == "municipality":
        return [{"value": m.code, "label": m.name_latn} for m in geography.municipalities()]
    options = [dict(o) for o in settings.get("options") or []]
    if kind in ("single", "multiple") and settings.get("other"):
        options.append({"value": OTHER, "label": str(_l("Other"))})
    return options


def option_values(question) -> set[str]:
    kind = _get(question, "kind")
    if kind == "municipality":
        return {m.code for m in geography.municipalities()}
    return {o["value"] for o in options_of(question)}


def scale_bounds(settings: dict) -> tuple[int, int]:
    low = settings.get("min", 1)
    high = settings.get("max", 5)
    return int(low), int(high)


# --- settings, checked when a question is saved ------------------------------------------------


def settings_problems(kind: str, settings: dict) -> list:
    """What is wrong with a question's settings for its kind (lazy strings)."""
    if kind not in KINDS:
        return [_l("Unknown kind of question.")]
    problems = []
    unknown = sorted(set(settings) - set(KINDS[kind].settings))
    if unknown:
        problems.append(_l("Unknown setting %(name)s.", name=unknown[0]))
    if kind in ("single", "multiple"):
        options = settings.get("options") or []
        if len(options) < 2:
            problems.append(_l("A choice needs at least two options."))
        if len(options) > MAX_OPTIONS:
            problems.append(_l("A choice has at most %(count)d options.", count=MAX_OPTIONS))
        seen = set()
        for option in options:
            value = option.get("value", "") if isinstance(option, dict) else ""
            if not OPTION_VALUE.match(value or "") or value == OTHER:
                problems.append(
                    _l(
                        "Option code %(value)r: use lowercase letters, digits and _ "
                        "(and not “other”, kept for the respondent's own answer).",
                        value=value,
                    )
                )
            elif value in seen:
                problems.append(_l("Option code %(value)r appears twice.", value=value))
            seen.add(value)
            if not isinstance(option, dict) or not str(option.get("label", "")).strip():
                problems.append(_l("Every option needs a label."))
    if kind == "multiple" and settings.get("max_choices") is not None:
        try:
            most = int(settings["max_choices"])
        except (TypeError, ValueError):
            most = 0
        if most < 1:
            problems.append(_l("The maximum number of choices must be at least 1."))
    if kind in ("scale", "matrix"):
        try:
            low, high = scale_bounds(settings)
        except (TypeError, ValueError):
            problems.append(_l("A scale's ends must be whole numbers."))
        else:
            if not (0 <= low < high <= 10):
                problems.append(_l("A scale runs from 0 or more to at most 10, low end first."))
    if kind == "number":
        low, high = settings.get("min"), settings.get("max")
        for value in (low, high):
            if value is not None and not isinstance(value, int | float):
                problems.append(_l("The smallest and largest numbers must be numbers."))
        if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
            problems.append(_l("The smallest number is larger than the largest."))
    if kind == "matrix":
        rows = settings.get("rows") or []
        if not rows:
            problems.append(_l("A matrix needs at least one row."))
        if len(rows) > MAX_ROWS:
            problems.append(_l("A matrix has at most %(count)d rows.", count=MAX_ROWS))
        values = [r.get("value") if isinstance(r, dict) else None for r in rows]
        if any(not OPTION_VALUE.match(v or "") for v in values) or len(set(values)) != len(values):
            problems.append(_l("Each row needs its own code of lowercase letters, digits and _."))
    if kind == "date":
        for name in ("min", "max"):
            if settings.get(name) and not _iso_date(settings[name]):
                problems.append(_l("Earliest and latest dates are written as YYYY-MM-DD."))
    return problems


def _iso_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


# --- reading an answer from a submitted form ---------------------------------------------------


def field_name(question, part: str = "") -> str:
    code = _get(question, "code")
    return f"q_{code}_{part}" if part else f"q_{code}"


@dataclass
class Read:
    """What a form said for one question: the value in normal form (None: not answered), what
    was typed (to show again when something is wrong), and the problem, if any."""

    value: object = None
    typed: object = None
    error: object = None


def read(question, form, legal_forms: Mapping | None = None) -> Read:
    """Read one question's answer from `form` (a MultiDict). Required-ness is checked here;
    whether the question is shown at all is the caller's business (`visible`)."""
    kind = _get(question, "kind")
    if not KINDS[kind].answerable:
        return Read()
    result = _READERS[kind](question, form, legal_forms or {})
    if result.error is None and result.value is None and _get(question, "required"):
        result.error = _l("This question needs an answer.")
    return result


def _text(question, form, limit) -> Read:
    typed = (form.get(field_name(question)) or "").strip()
    if not typed:
        return Read(typed="")
    if len(typed) > limit:
        return Read(typed=typed, error=_l("At most %(count)d characters.", count=limit))
    return Read(typed, typed)


def _read_short(question, form, _forms) -> Read:
    return _text(question, form, SHORT_TEXT_LIMIT)


def _read_long(question, form, _forms) -> Read:
    return _text(question, form, LONG_TEXT_LIMIT)


def _other_text(question, form) -> str:
    return (form.get(field_name(question, "other")) or "").strip()[:SHORT_TEXT_LIMIT]


def _read_single(question, form, _forms) -> Read:
    typed = form.get(field_name(question)) or ""
    other = _other_text(question, form)
    shown = {"choice": typed, "other": other}
    if not typed:
        return Read(typed=shown)
    if typed not in option_values(question):
        return Read(typed=shown, error=_l("Choose one of the options."))
    if typed == OTHER and not other:
        return Read(typed=shown, error=_l("Write your own answer next to “Other”."))
    return Read({"choice": typed, "other": other if typed == OTHER else ""}, shown)


def _read_multiple(question, form, _forms) -> Read:
    chosen = form.getlist(field_name(question))
    other = _other_text(question, form)
    shown = {"choices": chosen, "other": other}
    if not chosen:
        return Read(typed=shown)
    allowed = [o["value"] for o in options_of(question)]
    if any(c not in allowed for c in chosen):
        return Read(typed=shown, error=_l("Choose among the options shown."))
    most = settings_of(question).get("max_choices")
    unique = [value for value in allowed if value in chosen]
    if most and len(unique) > int(most):
        return Read(
            typed=shown,
            error=_l("Choose at most %(count)d options.", count=int(most)),
        )
    if OTHER in unique and not other:
        return Read(typed=shown, error=_l("Write your own answer next to “Other”."))
    return Read({"choices": unique, "other": other if OTHER in unique else ""}, shown)


def _whole(typed: str) -> int | None:
    try:
        return int(typed.strip())
    except ValueError:
        return None


def _read_scale(question, form, _forms) -> Read:
    typed = (form.get(field_name(question)) or "").strip()
    if not typed:
        return Read(typed="")
    low, high = scale_bounds(settings_of(question))
    number = _whole(typed)
    if number is None or not low <= number <= high:
        return Read(
            typed=typed, error=_l("Choose a value from %(low)d to %(high)d.", low=low, high=high)
        )
    return Read(number, typed)


def parse_number(typed: str) -> float | None:
    """A number as people write it here: "1.234,5", "1234.5", "1 234" (None when it is not)."""
    text = typed.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _read_number(question, form, _forms) -> Read:
    typed = (form.get(field_name(question)) or "").strip()
    if not typed:
        return Read(typed="")
    settings = settings_of(question)
    number = parse_number(typed)
    if number is None:
        return Read(typed=typed, error=_l("Write a number, e.g. 12 or 12,5."))
    if settings.get("integer"):
        if number != int(number):
            return Read(typed=typed, error=_l("Write a whole number."))
        number = int(number)
    low, high = settings.get("min"), settings.get("max")
    if low is not None and number < low:
        return Read(typed=typed, error=_l("The smallest allowed number is %(n)s.", n=low))
    if high is not None and number > high:
        return Read(typed=typed, error=_l("The largest allowed number is %(n)s.", n=high))
    return Read(number, typed)


def _read_yes_no(question, form, _forms) -> Read:
    typed = form.get(field_name(question)) or ""
    if not typed:
        return Read(typed="")
    if typed not in YES_NO:
        return Read(typed=typed, error=_l("Answer yes or no."))
    return Read(typed, typed)


def _read_date(question, form, _forms) -> Read:
    typed = (form.get(field_name(question)) or "").strip()
    if not typed:
        return Read(typed="")
    day = _iso_date(typed)
    if day is None:
        for pattern in (r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})\.?$",):
            found = re.match(pattern, typed)
            if found:
                try:
                    day = date(int(found[3]), int(found[2]), int(found[1]))
                except ValueError:
                    day = None
    if day is None:
        return Read(typed=typed, error=_l("Write a date as 31.12.2026."))
    settings = settings_of(question)
    earliest, latest = _iso_date(settings.get("min") or ""), _iso_date(settings.get("max") or "")
    if (earliest and day < earliest) or (latest and day > latest):
        return Read(typed=typed, error=_l("This date is outside the allowed range."))
    return Read(day.isoformat(), typed)


def _read_municipality(question, form, _forms) -> Read:
    typed = (form.get(field_name(question)) or "").strip()
    if not typed:
        return Read(typed="")
    codes = {m.code: m for m in geography.municipalities()}
    if typed in codes:
        return Read(typed, typed)
    found = geography.find(typed)
    if found is None:
        return Read(typed=typed, error=_l("Choose a municipality from the list."))
    return Read(found.code, typed)


def _read_organization(question, form, legal_forms) -> Read:
    typed = {
        part: (form.get(field_name(question, part)) or "").strip()
        for part in ("pib", "mb", "legal_form")
    }
    if not any(typed.values()):
        return Read(typed=typed)
    problem = identifiers.pib_problem(typed["pib"]) or identifiers.mb_problem(typed["mb"])
    if problem:
        return Read(typed=typed, error=problem)
    if typed["legal_form"] and legal_forms and typed["legal_form"] not in legal_forms:
        return Read(typed=typed, error=_l("Choose a legal form from the list."))
    value = {
        "pib": identifiers.clean(typed["pib"]),
        "mb": identifiers.clean(typed["mb"]),
        "legal_form": typed["legal_form"],
    }
    return Read(value, typed)


def _read_matrix(question, form, _forms) -> Read:
    settings = settings_of(question)
    low, high = scale_bounds(settings)
    typed, value = {}, {}
    error = None
    for row in settings.get("rows") or []:
        raw = (form.get(field_name(question, row["value"])) or "").strip()
        typed[row["value"]] = raw
        if not raw:
            continue
        number = _whole(raw)
        if number is None or not low <= number <= high:
            error = _l("Choose a value from %(low)d to %(high)d in each row.", low=low, high=high)
        else:
            value[row["value"]] = number
    if error:
        return Read(typed=typed, error=error)
    if value and _get(question, "required") and len(value) < len(settings.get("rows") or []):
        return Read(typed=typed, error=_l("Answer every row."))
    return Read(value or None, typed)


_READERS = {
    "single": _read_single,
    "multiple": _read_multiple,
    "scale": _read_scale,
    "number": _read_number,
    "short_text": _read_short,
    "long_text": _read_long,
    "yes_no": _read_yes_no,
    "date": _read_date,
    "municipality": _read_municipality,
    "organization": _read_organization,
    "matrix": _read_matrix,
}


def typed_from(question, value) -> object:
    """What the form shows for a stored answer (the inverse of `read`)."""
    kind = _get(question, "kind")
    if value is None:
        return None
    if kind == "single":
        return {"choice": value.get("choice", ""), "other": value.get("other", "")}
    if kind == "multiple":
        return {"choices": list(value.get("choices", [])), "other": value.get("other", "")}
    if kind == "matrix":
        return {row: str(n) for row, n in value.items()}
    if kind == "organization":
        return dict(value)
    if kind == "date":
        day = _iso_date(value)
        return f"{day.day}.{day.month}.{day.year}." if day else value
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


# --- how an answer is counted ---------------------------------------------------------------


def counted(question, value) -> list[tuple[str, str]]:
    """The (row, option) pairs an answer counts for: every chosen option of a multiple choice
    on its own (never the combination), a matrix's rows each with their value; row is ""
    outside matrices."""
    if value is None:
        return []
    kind = _get(question, "kind")
    if kind == "single":
        return [("", value["choice"])]
    if kind == "multiple":
        return [("", choice) for choice in value["choices"]]
    if kind in ("scale",):
        return [("", str(value))]
    if kind in ("yes_no", "municipality"):
        return [("", value)]
    if kind == "matrix":
        return [(row, str(n)) for row, n in value.items()]
    return []


def number_of(question, value) -> float | None:
    kind = _get(question, "kind")
    if value is None or kind not in ("scale", "number"):
        return None
    return float(value)


def text_of(question, value) -> str:
    """The words an answer holds (for search across scripts and for exports)."""
    if value is None:
        return ""
    kind = _get(question, "kind")
    if kind in ("short_text", "long_text"):
        return value
    if kind in ("single", "multiple"):
        return value.get("other", "")
    return ""


def holds(question, value, op: str, expected: str | None) -> bool:
    """Whether an answer (normal form) makes a condition true."""
    if op == "answered":
        return value is not None
    if value is None:
        return False
    given = {option for _row, option in counted(question, value)}
    if op == "equals":
        return expected in given
    if op == "not_equals":
        return expected not in given
    if op == "includes":
        return expected in given
    return False


# --- display conditions ---------------------------------------------------------------------


def visible(questions: Iterable, answers: Mapping[str, object]) -> set[str]:
    """The codes of the questions shown, given the answers so far (`answers`: code -> value in
    normal form), in questionnaire order: a question whose condition names a hidden question is
    hidden too, so an answer left behind by a changed mind never shows a question."""
    by_code = {}
    shown: set[str] = set()
    for question in questions:
        code = _get(question, "code")
        by_code[code] = question
        condition = _get(question, "condition")
        if not condition:
            shown.add(code)
            continue
        target = condition.get("question")
        if target in shown and holds(
            by_code[target], answers.get(target), condition.get("op"), condition.get("value")
        ):
            shown.add(code)
    return shown


@dataclass(frozen=True)
class Problem:
    code: str
    message: object


def condition_problems(questions: list) -> list[Problem]:
    """Every problem with a questionnaire's display conditions, in order (see the module's
    docstring); an empty list means the conditions may be saved."""
    problems: list[Problem] = []
    earlier: dict[str, object] = {}
    reachable: set[str] = set()
    codes = [_get(q, "code") for q in questions]
    for question in questions:
        code = _get(question, "code")
        condition = _get(question, "condition")
        ok = True
        if condition:
            target = condition.get("question")
            op = condition.get("op")
            if target == code:
                problems.append(Problem(code, _l("A question cannot depend on itself.")))
                ok = False
            elif target not in earlier:
                if target in codes:
                    problems.append(
                        Problem(
                            code,
                            _l(
                                "It depends on %(target)s, which comes later: a question can "
                                "only depend on an earlier one.",
                                target=target,
                            ),
                        )
                    )
                else:
                    problems.append(
                        Problem(
                            code,
                            _l("It depends on %(target)s, which does not exist.", target=target),
                        )  # fmt: skip
                    )
                ok = False
            else:
                source = earlier[target]
                kind = KINDS[_get(source, "kind")]
                if not kind.answerable:
                    problems.append(
                        Problem(
                            code,
                            _l(
                                "It depends on %(target)s, a text block that takes no answer.",
                                target=target,
                            ),
                        )  # fmt: skip
                    )
                    ok = False
                elif op not in kind.ops:
                    problems.append(
                        Problem(
                            code,
                            _l(
                                "A condition on %(target)s (%(kind)s) cannot use “%(op)s”.",
                                target=target,
                                kind=kind.label,
                                op=OPS.get(op, op),
                            ),
                        )
                    )
                    ok = False
                elif op != "answered" and condition.get("value") not in option_values(source):
                    problems.append(
                        Problem(
                            code,
                            _l(
                                "%(target)s can never be answered %(value)r, so this question "
                                "would never be shown.",
                                target=target,
                                value=condition.get("value"),
                            ),
                        )
                    )
                    ok = False
                elif target not in reachable:
                    problems.append(
                        Problem(
                            code,
                            _l(
                                "It depends on %(target)s, which is never shown, so this "
                                "question would never be shown either.",
                                target=target,
                            ),
                        )
                    )
                    ok = False
        if ok:
            reachable.add(code)
        earlier[code] = question
    return problems


def suggest_code(label: str, taken: set[str]) -> str:
    """A variable code for a new question from its label (folded to ASCII), unique in `taken`
    (the survey builder's and the event application questions')."""
    base = re.sub(r"[^a-z0-9]+", "_", fold(label or "")).strip("_")[:30].strip("_")
    if not base or not base[0].isalpha():
        base = f"q_{base}".strip("_") if base else "q"
    code, n = base, 2
    while code in taken:
        code = f"{base}_{n}"
        n += 1
    return code
