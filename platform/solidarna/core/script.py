"""Serbian Latin <-> Cyrillic transliteration and search folding.

Cyrillic -> Latin is exact (one letter to one letter or digraph). Latin -> Cyrillic is
ambiguous for foreign words, so it leaves alone what is clearly not Serbian text: URLs,
e-mail addresses, code in backticks, markup, format placeholders and words with the
letters q, w, x, y.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CYR_TO_LAT = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Ђ": "Đ", "Е": "E", "Ж": "Ž", "З": "Z",
    "И": "I", "Ј": "J", "К": "K", "Л": "L", "Љ": "Lj", "М": "M", "Н": "N", "Њ": "Nj", "О": "O",
    "П": "P", "Р": "R", "С": "S", "Т": "T", "Ћ": "Ć", "У": "U", "Ф": "F", "Х": "H", "Ц": "C",
    "Ч": "Č", "Џ": "Dž", "Ш": "Š",
}  # fmt: skip
_CYR_TO_LAT.update({k.lower(): v.lower() for k, v in list(_CYR_TO_LAT.items())})

_LAT_TO_CYR_DIGRAPHS = {
    "Lj": "Љ", "LJ": "Љ", "lj": "љ", "lJ": "љ",
    "Nj": "Њ", "NJ": "Њ", "nj": "њ", "nJ": "њ",
    "Dž": "Џ", "DŽ": "Џ", "dž": "џ", "dŽ": "џ",
}  # fmt: skip
_LAT_TO_CYR = {v: k for k, v in _CYR_TO_LAT.items() if len(v) == 1}

# Words where "nj", "lj" or "dž" are two letters, not one (a prefix meets a root):
# надживети, поджупан, оджалити, инјекција, конјункција, конјугација, ванјезички.
_DIGRAPH_EXCEPTIONS = {
    "nadživ": "наджив", "podžup": "поджуп", "odžal": "оджал", "injekc": "инјекц",
    "konjunk": "конјунк", "konjug": "конјуг", "vanjez": "ванјез",
}  # fmt: skip

_PROTECTED = re.compile(
    r"""
    (?P<url>(?:https?|ftp)://[^\s<>"']+|www\.[^\s<>"']+)
  | (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
  | (?P<code>`[^`]*`)
  | (?P<tag><[^>]*>)
  | (?P<entity>&[#\w]+;)
  | (?P<path>(?<![\w<])/[a-z0-9._-]+(?:/[a-z0-9._-]*)*/?)
  | (?P<range>\ba-z\b)
  | (?P<placeholder>%\(\w+\)[sdifr]|%[sdif]|\{[\w.]*\})
  | (?P<foreign>\b[\w-]*[qwxyQWXY][\w-]*\b)
  | (?P<camel>\b[a-z]+[A-Z]\w*)
  | (?P<extension>(?<![\w.])\.[a-z][a-z0-9]{1,4}\b)
    """,
    re.VERBOSE,
)


def to_latin(text: str) -> str:
    """Cyrillic to Latin, exact. Latin text passes through unchanged."""
    if not text:
        return text
    out = []
    for i, ch in enumerate(text):
        lat = _CYR_TO_LAT.get(ch)
        if lat is None:
            out.append(ch)
        elif len(lat) == 2 and ch.isupper():
            # Љ -> LJ inside an all-caps word, Lj at the start of a capitalised word.
            neighbour = text[i + 1] if i + 1 < len(text) else (text[i - 1] if i else "")
            out.append(lat.upper() if neighbour.isupper() else lat)
        else:
            out.append(lat)
    return "".join(out)


def _latin_word_to_cyrillic(chunk: str) -> str:
    lowered = chunk.lower()
    for prefix, cyr in _DIGRAPH_EXCEPTIONS.items():
        pos = lowered.find(prefix)
        if pos != -1:
            head, tail = chunk[:pos], chunk[pos + len(prefix) :]
            mid = chunk[pos : pos + len(prefix)]
            cyr_mid = "".join(
                c.upper() if m.isupper() else c for c, m in zip(cyr, mid, strict=True)
            )
            return _latin_word_to_cyrillic(head) + cyr_mid + _latin_word_to_cyrillic(tail)
    out = []
    i = 0
    while i < len(chunk):
        pair = chunk[i : i + 2]
        if pair in _LAT_TO_CYR_DIGRAPHS:
            out.append(_LAT_TO_CYR_DIGRAPHS[pair])
            i += 2
            continue
        ch = chunk[i]
        out.append(_LAT_TO_CYR.get(ch, ch))
        i += 1
    return "".join(out)


def to_cyrillic(text: str) -> str:
    """Latin to Cyrillic, leaving URLs, e-mail addresses, code, markup and foreign words."""
    if not text:
        return text
    out = []
    pos = 0
    for match in _PROTECTED.finditer(text):
        out.append(_latin_word_to_cyrillic(text[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_latin_word_to_cyrillic(text[pos:]))
    return "".join(out)


def fold(text: str | None) -> str:
    """One search form for both scripts, any case and any diacritics.

    `Крушевац`, `Kruševac`, `KRUSEVAC` and `krusevac` all fold to `krusevac`;
    `Đorđe` and `Djordje` fold to `djordje`.
    """
    if not text:
        return ""
    text = to_latin(text).lower().replace("đ", "dj")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


_CYRILLIC = re.compile("[\u0400-\u04ff]")


#: the longest text whose conversion is kept (a post's body, a mission); longer ones are
#: converted each time (rare, and they would crowd the others out)
LONG_TEXT = 20_000


@lru_cache(maxsize=8192)
def _cached_cyrillic(text: str) -> str:
    return to_cyrillic(text)


@lru_cache(maxsize=1024)
def _cached_cyrillic_long(text: str) -> str:
    return to_cyrillic(text)


@lru_cache(maxsize=4096)
def _cached_latin(text: str) -> str:
    return to_latin(text)


def in_script(text: str | None, locale: str) -> str:
    """Show user content in the reader's script.

    Pages repeat the same strings (names, places, labels, the posts of a thread page read
    by many), so a conversion is computed on first read and kept, per process: short strings
    in one LRU, long ones (post bodies, up to LONG_TEXT characters) in a smaller one, so a
    thread's posts do not push the names out. Latin text needs no conversion to Latin. The
    fragment cache (core/fragments.py) keeps whole converted lists on top of this."""
    if not text:
        return text or ""
    if locale == "sr_Cyrl":
        if len(text) <= 300:
            return _cached_cyrillic(text)
        return _cached_cyrillic_long(text) if len(text) <= LONG_TEXT else to_cyrillic(text)
    if locale == "sr_Latn":
        if not _CYRILLIC.search(text):
            return text
        return _cached_latin(text) if len(text) <= LONG_TEXT else to_latin(text)
    return text
