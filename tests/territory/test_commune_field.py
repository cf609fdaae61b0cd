"""The commune field of every form: a name, "name (département)", a postcode or an INSEE code
resolves to one commune; ambiguous or unknown text is refused with the matches to choose."""

import pytest
from django import forms
from django.utils import translation

from tierslieux.territory.forms import COMMUNE_TEXT_MAX_LENGTH, CommuneField
from tierslieux.territory.selectors import commune_resolve, commune_search

# Tests that read the database say so one by one: the others check pure rules.

BRESSUIRE = "79049"
# 79300 is the postcode of Argentonnay, Boismé, Bressuire and Saint-Aubin-du-Plain, and the
# INSEE code of Sainte-Verge (postcode 79100).
POSTCODE_79300 = {"79013", "79038", "79049", "79238"}
SAINTE_VERGE = "79300"


class CommuneForm(forms.Form):
    commune = CommuneField()


class OptionalCommuneForm(forms.Form):
    commune = CommuneField(required=False)


def submit(form_class=CommuneForm, **data):
    with translation.override("en"):
        form = form_class(data=data)
        form.is_valid()
        html = str(form["commune"])
        errors = [str(e) for e in form.errors.get("commune", [])]
    return form, html, errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("79049", BRESSUIRE),  # INSEE code
        ("Bressuire", BRESSUIRE),
        ("  bressuire ", BRESSUIRE),
        ("BRESSUIRE", BRESSUIRE),
        ("saint emilion", "33394"),  # accents, case and hyphens ignored
        ("SAINT-ÉMILION", "33394"),
        ("St Émilion", "33394"),
        ("Saint-Émilion (33)", "33394"),  # the label the autocomplete writes
        ("87000", "87085"),  # a postcode of one commune only: Limoges
        ("Pau", "64445"),  # the exact name wins over Pauillac and the others
        ("Mérignac (33)", "33281"),  # a homonym with its département
    ],
)
def test_resolves_one_commune(typed, code):
    form, _html, errors = submit(commune=typed)
    assert errors == []
    assert form.cleaned_data["commune"].code == code


@pytest.mark.django_db
def test_the_resolved_commune_is_written_back_with_its_code():
    form, html, _errors = submit(commune="79300", commune_choice=BRESSUIRE)
    assert form.is_valid()
    assert 'value="Bressuire (79)"' in html
    assert f'name="commune_code" value="{BRESSUIRE}"' in html


@pytest.mark.django_db
def test_a_shared_postcode_lists_its_communes_to_choose():
    form, html, errors = submit(commune="79300")
    assert not form.is_valid()
    assert "Several communes match “79300”" in errors[0]
    for code in POSTCODE_79300 | {SAINTE_VERGE}:
        assert f'name="commune_choice" value="{code}"' in html
    assert 'value="79300"' in html  # what was typed is kept
    # Choosing one of them (no JavaScript needed) resolves the field.
    form, _html, errors = submit(commune="79300", commune_choice="79238")
    assert errors == [] and form.cleaned_data["commune"].code == "79238"


@pytest.mark.django_db
def test_an_ambiguous_name_lists_the_homonyms():
    form, html, errors = submit(commune="Mérignac")
    assert not form.is_valid()
    assert "Several communes match “Mérignac”" in errors[0]
    assert 'name="commune_choice" value="33281"' in html
    assert 'name="commune_choice" value="16216"' in html
    form, _html, _errors = submit(commune="Mérignac", commune_choice="16216")
    assert form.cleaned_data["commune"].code == "16216"


@pytest.mark.django_db
def test_many_matches_show_the_largest_and_say_how_many():
    form, html, errors = submit(commune="Saint")
    assert not form.is_valid()
    assert "communes match “Saint”" in errors[0]
    assert html.count('name="commune_choice"') == 20
    assert "other communes: type more of the name" in html


@pytest.mark.django_db
def test_words_found_inside_a_name_are_only_suggested():
    form, html, errors = submit(commune="emilion")
    assert not form.is_valid()
    assert "Did you mean one of these?" in errors[0]
    assert 'name="commune_choice" value="33394"' in html


@pytest.mark.django_db
def test_unknown_text_is_refused_and_kept():
    form, html, errors = submit(commune="Atlantide")
    assert not form.is_valid()
    assert "No commune of Nouvelle-Aquitaine matches “Atlantide”" in errors[0]
    assert 'value="Atlantide"' in html
    assert "commune_choice" not in html


@pytest.mark.django_db
def test_a_code_from_the_autocomplete_wins_while_the_text_names_it():
    form, _html, _errors = submit(commune="Bressuire (79)", commune_code=BRESSUIRE)
    assert form.cleaned_data["commune"].code == BRESSUIRE
    # The text was changed after the pick (JavaScript off): the text wins.
    form, _html, _errors = submit(commune="Pau", commune_code=BRESSUIRE)
    assert form.cleaned_data["commune"].code == "64445"
    # A choice that does not match the text is ignored: the text is resolved again.
    form, _html, _errors = submit(commune="Pau", commune_choice=BRESSUIRE)
    assert form.cleaned_data["commune"].code == "64445"


def test_too_long_text_is_refused():
    form, html, errors = submit(commune="B" * (COMMUNE_TEXT_MAX_LENGTH + 1))
    assert not form.is_valid()
    assert errors == [f"Type at most {COMMUNE_TEXT_MAX_LENGTH} characters."]
    assert f'maxlength="{COMMUNE_TEXT_MAX_LENGTH}"' in html


@pytest.mark.parametrize("typed", ["Bress\x00uire", "Bressuire\n", "Bress\u200euire"])
def test_control_characters_are_refused(typed):
    form, _html, errors = submit(commune=typed)
    assert not form.is_valid()
    assert errors == ["Remove the special characters from the commune."]


def test_control_characters_in_the_hidden_code_are_refused():
    form, _html, errors = submit(commune="Bressuire", commune_code="79\x0049")
    assert not form.is_valid()
    assert errors == ["Remove the special characters from the commune."]


def test_required_and_optional():
    form, _html, errors = submit(commune="  ")
    assert errors == ["Type the name of a commune or its postcode."]
    form, _html, errors = submit(OptionalCommuneForm, commune="")
    assert form.is_valid() and form.cleaned_data["commune"] is None


@pytest.mark.django_db
def test_initial_value_shows_the_commune_name():
    with translation.override("en"):
        html = str(CommuneForm(initial={"commune": BRESSUIRE})["commune"])
    assert 'value="Bressuire (79)"' in html
    assert f'name="commune_code" value="{BRESSUIRE}"' in html
    assert "data-commune-field" in html


@pytest.mark.django_db
def test_the_widget_carries_what_the_autocomplete_needs():
    _form, html, _errors = submit(commune="Atlantide")
    assert 'id="id_commune"' in html
    assert 'id="id_commune_listbox"' in html and 'role="listbox"' in html
    assert 'id="id_commune_status"' in html and 'role="status"' in html
    assert 'data-suggest-url="/territoire/communes/recherche/"' in html
    assert "<script" not in html and " on" not in html.replace(" one", "")


@pytest.mark.django_db
def test_search_ranks_exact_names_then_prefixes_then_words():
    assert commune_search(query="pau", limit=3)[0].code == "64445"
    codes = [c.code for c in commune_search(query="bress", limit=10)]
    assert BRESSUIRE in codes
    found = [c.code for c in commune_search(query="79300", limit=10)]
    assert found[0] == SAINTE_VERGE  # the INSEE code first, then the postcode's communes
    assert set(found) == POSTCODE_79300 | {SAINTE_VERGE}
    assert commune_search(query="saint-emilion", limit=1)[0].code == "33394"


@pytest.mark.django_db
def test_the_start_of_a_postcode_lists_its_communes():
    choice = commune_resolve(query="793")
    assert choice.commune is None
    assert BRESSUIRE in {c.code for c in choice.candidates}
    assert choice.total >= len(POSTCODE_79300)
