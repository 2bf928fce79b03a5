import pytest

from solidarna.core.script import fold, in_script, to_cyrillic, to_latin


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Kruševac", "Крушевац"),
        ("Ljubljana", "Љубљана"),
        ("LJUBAV", "ЉУБАВ"),
        ("Njegoš", "Његош"),
        ("NJIVA", "ЊИВА"),
        ("Džemper", "Џемпер"),
        ("DŽEP", "ЏЕП"),
        ("Đurđevak", "Ђурђевак"),
        ("Ćićevac", "Ћићевац"),
        ("Aleksandrovac", "Александровац"),
        ("socijalno preduzetništvo", "социјално предузетништво"),
        ("zadruga Đački dom", "задруга Ђачки дом"),
        ("nadživeti", "надживети"),  # d + ž, not dž
        ("injekcija", "инјекција"),  # n + j, not nj
        ("konjunktura", "конјунктура"),
    ],
)
def test_transliteration_both_ways(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic
    assert to_latin(cyrillic) == latin


def test_urls_emails_placeholders_and_markup_stay_intact():
    text = 'Pišite na info@solidarna-primer.rs ili https://solidarna.rs/krusevac?lang=sr, %(name)s <a href="/x">veza</a>'
    result = to_cyrillic(text)
    assert result.startswith(
        "Пишите на info@solidarna-primer.rs или https://solidarna.rs/krusevac?lang=sr,"
    )
    assert "%(name)s" in result
    assert '<a href="/x">веза</a>' in result
    assert to_cyrillic("kod %(code)r, %(max)d znakova") == "код %(code)r, %(max)d знакова"
    assert to_latin(result) == text


def test_foreign_words_and_code_stay_latin():
    assert to_cyrillic("Projekat Wi-Fi za `pip install`") == "Пројекат Wi-Fi за `pip install`"


def test_file_extensions_and_product_names_stay_latin():
    # "(.ics)" read as ".ицс" and "iCalendar" as "иЦалендар" on the Cyrillic event pages
    assert to_cyrillic("Dodaj u moj kalendar (.ics)") == "Додај у мој календар (.ics)"
    assert to_cyrillic("Pretplata (iCalendar)") == "Претплата (iCalendar)"
    assert to_cyrillic("Kraj. Početak, 2.5 sata") == "Крај. Почетак, 2.5 сата"


@pytest.mark.parametrize("variant", ["Крушевац", "Kruševac", "KRUŠEVAC", "krusevac", "  Krusevac "])
def test_fold_matches_across_scripts_and_diacritics(variant):
    assert fold(variant) == "krusevac"


def test_fold_handles_dj_and_digraphs():
    assert fold("Ђорђе") == fold("Đorđe") == fold("Djordje") == "djordje"
    assert fold("Љиљана Џепчић") == "ljiljana dzepcic"
    assert fold(None) == ""


def test_in_script_follows_reader():
    assert in_script("Ćićevac", "sr_Cyrl") == "Ћићевац"
    assert in_script("Ћићевац", "sr_Latn") == "Ćićevac"
    assert in_script("Ћићевац", "en") == "Ћићевац"


def test_paths_and_letter_ranges_stay_latin():
    assert to_cyrillic("na primer /krusevac/, slova a-z") == "на пример /krusevac/, слова a-z"
    assert to_cyrillic("i/ili") == "и/или"
