"""Serbian identifiers: PIB (validated with python-stdnum) and matični broj (a warning only)."""

from __future__ import annotations

import re

from stdnum.rs import pib as stdnum_pib

from solidarna.core.i18n import lazy_gettext as _l

MB_WEIGHTS = (2, 7, 6, 5, 4, 3, 2)


def clean(value: str | None) -> str:
    return re.sub(r"[\s.\-/]", "", value or "")


def pib_problem(value: str | None) -> str | None:
    """Why a PIB is not valid, or None. Empty is allowed (not every actor has one)."""
    digits = clean(value)
    if not digits:
        return None
    if not digits.isdigit() or len(digits) != 9:
        return str(_l("A PIB has exactly 9 digits."))
    if not stdnum_pib.is_valid(digits):
        return str(_l("This PIB is not valid: its check digit does not match."))
    return None


def mb_check_digit(first_seven: str) -> int:
    r = sum(int(d) * w for d, w in zip(first_seven, MB_WEIGHTS, strict=True)) % 11
    return 0 if r in (0, 1) else 11 - r


def mb_problem(value: str | None) -> str | None:
    """A hard error only for a malformed number (not 8 digits)."""
    digits = clean(value)
    if digits and (not digits.isdigit() or len(digits) != 8):
        return str(_l("A registration number (matični broj) of a legal entity has 8 digits."))
    return None


def mb_warning(value: str | None) -> str | None:
    """The check-digit rule is not officially published, so a mismatch only warns."""
    digits = clean(value)
    if len(digits) == 8 and digits.isdigit() and mb_check_digit(digits[:7]) != int(digits[7]):
        return str(_l("The check digit of this registration number looks wrong; please check it."))
    return None
