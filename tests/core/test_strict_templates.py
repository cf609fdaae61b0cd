"""The suite fails on a variable one of the project's templates names but its context lacks
(config/settings_test.py, ``string_if_invalid``); other templates keep Django's behaviour."""

import pytest
from django.conf import settings
from django.template import Context, Template, engines
from django.template.base import Origin

from config.settings_test import UndefinedTemplateVariableError


def _template(source: str, name: str) -> Template:
    engine = engines["django"].engine
    return Template(source, origin=Origin(name=name), engine=engine)


PROJECT = str(settings.BASE_DIR / "templates" / "example.html")
ELSEWHERE = "/usr/lib/python3/dist-packages/django/contrib/admin/templates/example.html"


@pytest.mark.parametrize(
    "source",
    [
        "{{ missing }}",
        "{{ place.commune.name }}",
        '{{ missing|default:"-" }}',
        "{% load i18n %}{% blocktranslate %}{{ missing }} places{% endblocktranslate %}",
    ],
)
def test_a_missing_variable_of_a_project_template_fails(source):
    with pytest.raises(UndefinedTemplateVariableError, match=r"example\.html"):
        _template(source, PROJECT).render(Context({"place": {"commune": None}}))


def test_conditions_and_loops_still_treat_a_missing_variable_as_empty():
    source = "{% if missing %}yes{% else %}no{% endif %}{% for x in missing %}{{ x }}{% endfor %}"
    assert _template(source, PROJECT).render(Context({})) == "no"


def test_other_templates_keep_django_s_default():
    source = '[{{ missing }}]{{ missing|default:"-" }}'
    assert _template(source, ELSEWHERE).render(Context({})) == "[]-"
    assert Template(source).render(Context({})) == "[]-"
