import pytest

from tests.conftest import EN, parse, text_of


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("sr-Latn-RS,sr;q=0.9", "sr-Latn"),
        ("sr-Cyrl-RS", "sr-Cyrl"),
        ("sr-RS,sr;q=0.9,en;q=0.8", "sr-Latn"),
        ("sr", "sr-Latn"),
        ("hr-HR,hr;q=0.9", "sr-Latn"),
        ("bs", "sr-Latn"),
        ("en-US,en;q=0.9", "en"),
        ("de-DE,de;q=0.9", "sr-Latn"),  # unknown: the default
        ("de-DE,en;q=0.5", "en"),
    ],
)
def test_accept_language_mapping(client, header, lang):
    page = parse(client.get("/", headers={"Accept-Language": header}))
    assert page.html["lang"] == lang


def test_switcher_sets_cookie_and_returns_to_page(client):
    response = client.post("/language", {"locale": "sr_Cyrl", "next": "/auth/login"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/login"
    assert parse(client.get("/auth/login")).html["lang"] == "sr-Cyrl"


def test_switcher_refuses_unknown_locale_and_offsite_next(client):
    assert client.post("/language", {"locale": "xx"}).status_code == 400
    response = client.post("/language", {"locale": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    response = client.post("/language", {"locale": "en", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_user_preference_wins_over_the_browser_and_the_switcher_saves_it(client, make_user, db):
    user = make_user(email="ana@example.org", locale="en")
    client.login("ana@example.org")
    page = parse(client.get("/", headers={"Accept-Language": "sr-Cyrl"}))
    assert page.html["lang"] == "en"
    response = client.post("/language", {"locale": "sr_Cyrl"})
    db.session.refresh(user)
    assert user.locale == "sr_Cyrl"
    home = parse(client.get(response.headers["Location"]))
    assert "Сачувано" in text_of(home.select_one(".flashes"))  # said, in the language chosen


def test_a_language_chosen_before_logging_in_stays_after(client, make_user, db):
    user = make_user(email="ana@example.org", locale="sr_Cyrl")
    client.post("/language", {"locale": "sr_Latn", "next": "/auth/login"})
    client.login("ana@example.org")
    home = parse(client.get("/"))
    assert home.html["lang"] == "sr-Latn"
    notice = text_of(home.select_one(".flashes"))
    assert "Latinica" in notice and "Ћирилица" in notice  # the account's language, and how to save
    db.session.refresh(user)
    assert user.locale == "sr_Cyrl"  # not changed without asking


def test_serbian_latin_and_cyrillic_interface_text(client):
    latin = client.get("/auth/login", headers={"Accept-Language": "sr-Latn"}).get_data(as_text=True)
    cyrillic = client.get("/auth/login", headers={"Accept-Language": "sr-Cyrl"}).get_data(
        as_text=True
    )
    english = client.get("/auth/login", headers=EN).get_data(as_text=True)
    assert "Prijava" in latin
    assert "Пријава" in cyrillic
    assert "Log in" in english


def test_script_filter_shows_user_content_in_reader_script(app):
    from flask import render_template_string
    from flask_babel import refresh

    with app.test_request_context(headers={"Accept-Language": "sr-Cyrl"}):
        assert render_template_string("{{ 'Zadruga Ćićevac'|script }}") == "Задруга Ћићевац"
    with app.test_request_context(headers={"Accept-Language": "sr-Latn"}):
        refresh()  # the locale is cached on the (shared) app context
        assert render_template_string("{{ 'Задруга Ћићевац'|script }}") == "Zadruga Ćićevac"


def test_the_form_macro_shows_every_chooser_s_options_in_the_reader_s_script(app):
    """macros/forms.html: option labels (selects, radios, checkboxes) in the reader's script,
    the options' values and what was typed as they are; a label already converted by its form
    (Cyrillic on a Cyrillic page) is not converted again."""
    from flask import render_template_string
    from flask_babel import refresh
    from flask_wtf import FlaskForm
    from wtforms import SelectField, TextAreaField
    from wtforms.fields.choices import SelectChoice

    from solidarna.core.forms import MultiCheckboxField

    class Chooser(FlaskForm):
        class Meta:
            csrf = False

        place = SelectField(choices=[
            SelectChoice("Kruševac", "Kruševac"), SelectChoice("2", "Задруга Ћићевац"),
            SelectChoice("3", "www.zadruga.rs & Njiva"),
            SelectChoice("4", "pravni_oblik: Правни облик", render_kw={"translate": "no"})])  # fmt: skip
        people = MultiCheckboxField(choices=[SelectChoice("1", "Ana Savetnica")])
        note = TextAreaField()

    page = (
        '{% from "macros/forms.html" import field %}'
        "{{ field(f.place) }}{{ field(f.people) }}{{ field(f.note) }}"
    )
    with app.test_request_context(headers={"Accept-Language": "sr-Cyrl"}):
        form = Chooser(data={"place": "Kruševac", "note": "Kucano latinicom"})
        html = parse(render_template_string(page, f=form))
        options = html.select("#place option")
        assert [o["value"] for o in options] == ["Kruševac", "2", "3", "4"]
        assert [text_of(o) for o in options] == ["Крушевац", "Задруга Ћићевац",
                                                 "www.zadruga.rs & Њива",
                                                 "pravni_oblik: Правни облик"]  # fmt: skip
        assert options[0].has_attr("selected")
        assert "Ана Саветница" in text_of(html.select_one("fieldset"))
        assert html.select_one("#note").get_text().strip() == "Kucano latinicom"
    with app.test_request_context(headers={"Accept-Language": "sr-Latn"}):
        refresh()
        html = parse(render_template_string(page, f=Chooser()))
        assert [text_of(o) for o in html.select("#place option")] == [
            "Kruševac", "Zadruga Ćićevac", "www.zadruga.rs & Njiva",
            "pravni_oblik: Правни облик"]  # a label its form wrote as it must read  # fmt: skip
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        html = parse(render_template_string(page, f=Chooser()))
        assert text_of(html.select("#place option")[1]) == "Задруга Ћићевац"


def test_gettext_in_a_block_that_sets_variables_makes_no_copy_of_the_context(app, monkeypatch):
    """core/i18n.TemplateContext: `_()` in a block or loop that sets a variable is translated
    (with its %-variables escaped) without Jinja copying the whole context for it; any other
    `pass_context` callable still sees the block's and the loop's variables."""
    import jinja2.runtime
    from flask import render_template_string

    @jinja2.pass_context
    def seen(context, name):
        return context.resolve(name)

    monkeypatch.setitem(app.jinja_env.globals, "seen_in_test", seen)
    copies = []
    derived = jinja2.runtime.Context.derived
    monkeypatch.setattr(
        jinja2.runtime.Context,
        "derived",
        lambda self, locals=None: copies.append(locals) or derived(self, locals),
    )
    source = (
        "{% extends base %}{% block body %}{% set who = '<b>' %}"
        "{% for n in [1, 2] %}{% set each = n %}{{ _('Directory') }} "
        "{{ ngettext('%(num)d entry', '%(num)d entries', n) }} {{ _('%(name)s', name=who) }} "
        "{% endfor %}|{{ seen_in_test('who') }}{% endblock %}"
    )
    base = app.jinja_env.from_string("<main>{% block body %}{% endblock %}</main>")
    with app.test_request_context(headers={"Accept-Language": "sr-Cyrl"}):
        out = render_template_string(source, base=base)
    assert out.count("Именик") == 2 and out.count("&lt;b&gt; ") == 2
    assert out.endswith("|&lt;b&gt;</main>")  # the other callable saw the block's variable
    assert copies == [{"who": "<b>"}]  # for it alone, not for each of the six gettext calls
