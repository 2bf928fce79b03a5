"""What templates/research/_question.html asks of Python (template globals: imported macros
see globals, not a page's context)."""

from __future__ import annotations

import re
from datetime import date

from solidarna.core import questions

DOTTED = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})\.?$")


def options(question) -> list[dict]:
    """The options a question offers ({"value", "label"}), "other" last when allowed."""
    return questions.options_of(question)


def date_value(typed) -> str:
    """What an <input type=date> shows for a typed date: ISO, also for 31.12.2026."""
    text = "" if typed is None else str(typed).strip()
    found = DOTTED.match(text)
    if found:
        try:
            return date(int(found[3]), int(found[2]), int(found[1])).isoformat()
        except ValueError:
            return text
    return text


GLOBALS = {"survey_question_options": options, "survey_date_value": date_value}
