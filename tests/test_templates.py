"""In tests an undefined name in riskreg's own templates is an error; the GOV.UK macros, which
read parameters they were not given, stay lenient."""

import jinja2
import pytest
from flask import Flask, render_template

from riskreg.ui.undefined import strict_in, undefined_for

LENIENT = """\
{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}
{{ govukButton({"text": "Go"}) }}
defined: {{ misspelt is defined }}
{% if misspelt is not defined %}not defined{% endif %}
{{ misspelt | default("a default") }}
"""

STRICT = {
    "print": "{{ misspelt }}",
    "join": "{{ 'a' ~ misspelt }}",
    "test": "{% if misspelt %}{% endif %}",
    "or": "{{ misspelt or 'something' }}",
    "compare": "{% if misspelt == 'open' %}{% endif %}",
    "iterate": "{% for x in misspelt %}{% endfor %}",
    "length": "{{ misspelt | length }}",
    "attribute": "{{ misspelt.name | default('') }}",
    "item": "{{ misspelt['name'] | default('') }}",
    "missing attribute": "{{ risk.titel }}",
}


@pytest.fixture
def env(app, tmp_path):
    """The app's templates with riskreg's folder moved to `tmp_path`, so that a template written
    there for a test is checked as one of riskreg's own."""
    for name, source in {"lenient.html": LENIENT, **STRICT}.items():
        (tmp_path / name).write_text(source)
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(tmp_path), app.jinja_env.loader])
    return app.jinja_env.overlay(loader=loader, undefined=strict_in(tmp_path))


@pytest.mark.parametrize("name", STRICT)
def test_an_undefined_name_in_a_riskreg_template_is_an_error(env, name):
    with pytest.raises(jinja2.UndefinedError):
        env.get_template(name).render(risk={"title": "Neglect"})


def test_govuk_macros_and_the_defined_test_stay_lenient(env):
    html = env.get_template("lenient.html").render()
    assert '<button type="submit" class="govuk-button"' in html
    assert "Go" in html
    assert "defined: False" in html and "not defined" in html
    assert "a default" in html


def test_a_real_template_missing_a_variable_fails_its_test(app):
    with app.test_request_context("/"):
        with pytest.raises(jinja2.UndefinedError, match="'hint' is undefined"):
            render_template("errors/error.html", title="Not found")
        assert "Not found" in render_template("errors/error.html", title="Not found", hint="")


def test_outside_tests_undefined_stays_chainable():
    assert undefined_for(Flask(__name__)) is jinja2.ChainableUndefined
