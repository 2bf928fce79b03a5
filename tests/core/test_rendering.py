"""core/rendering.TemplateEnvironment: each template's globals are a plain dict, a snapshot of
the environment's globals taken when the template is loaded."""

from flask import render_template_string


def test_no_template_is_loaded_while_the_app_is_made(app):
    """The snapshot sees every global only if every `init_app` has registered its own before
    the first template is loaded."""
    assert app.jinja_env.cache is not None and len(app.jinja_env.cache) == 0


def test_a_templates_globals_are_a_dict_with_every_global(app, client):
    client.get("/")  # loads base.html and the pages it extends or includes
    loaded = list(app.jinja_env.cache.values())
    assert loaded
    for template in loaded:
        assert type(template.globals) is dict
        assert template.globals.keys() >= app.jinja_env.globals.keys()
        assert template.globals["url_for"] is app.jinja_env.globals["url_for"]


def test_a_templates_own_globals_overlay_the_environments_and_stay_its_own(app):
    env = app.jinja_env
    own = env.from_string("{{ greeting }} {{ locale_names|length > 0 }}", {"greeting": "Zdravo"})
    other = env.from_string("{{ greeting is defined }}")
    with app.test_request_context():
        assert own.render() == "Zdravo True"
        assert other.render() == "False"
        assert "greeting" not in env.globals
        # Flask's render adds the context processors' values on top of the globals
        assert render_template_string("{{ csrf_token is defined }}") == "True"
