"""What a visitor of the public pages looks at (``?region=``, ADR 0030): no database."""

import pytest
from django.http import QueryDict
from django.utils import translation

from tierslieux.core import region_choice as rc
from tierslieux.core.regions import REGIONS


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_one_region_served_default_all_and_its_code_are_the_same(settings):
    settings.TERRITORY_REGIONS = ("75",)
    for value in (None, "", "all", "ALL", "75"):
        choice = rc.region_choice(value)
        assert (choice.value, choice.codes, choice.code) == ("75", ("75",), "")
    assert not rc.is_multi_region()
    assert rc.region_choice("").name == settings.TERRITORY_REGION_NAME


def test_several_regions_default_to_all_of_them(settings):
    settings.TERRITORY_REGIONS = ("75", "84")
    every = rc.region_choice(None)
    assert (every.value, every.codes, every.code, every.is_all) == ("all", ("75", "84"), "", True)
    assert every.name == "Nouvelle-Aquitaine, Auvergne-Rhône-Alpes"
    one = rc.region_choice("84")
    assert (one.value, one.codes, one.code, one.name) == (
        "84",
        ("84",),
        "84",
        "Auvergne-Rhône-Alpes",
    )
    assert rc.region_choices() == [
        ("75", "Nouvelle-Aquitaine"),
        ("84", "Auvergne-Rhône-Alpes"),
        ("all", "All regions"),
    ]


def test_every_region_served_is_france(settings):
    settings.TERRITORY_REGIONS = tuple(REGIONS)
    assert rc.region_choice("all").name == "France"
    assert rc.region_choices()[-1] == ("all", "France")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11", "Île-de-France is not served here"),
        ("99", "“99” is not a region code"),
        ("x" * 500, "“xxxxxxxxxx” is not a region code"),
    ],
)
def test_a_region_not_served_is_refused_with_the_served_ones(settings, value, message):
    settings.TERRITORY_REGIONS = ("75", "84")
    with pytest.raises(rc.RegionNotServed) as refused:
        rc.region_choice(value)
    assert message in str(refused.value)
    assert "75 (Nouvelle-Aquitaine), 84 (Auvergne-Rhône-Alpes)" in str(refused.value)
    choice, error = rc.region_choice_checked({"region": value})
    assert choice == rc.default_choice() and error == str(refused.value)


def test_switch_links_keep_the_other_parameters(settings):
    settings.TERRITORY_REGIONS = ("75", "84")
    query = QueryDict("q=fab&departement=33&page=3&region=75&minutes=30")
    options = rc.switch_options(path="/p/", query=query, current=rc.region_choice("75"))
    assert [(o.label, o.url, o.current) for o in options] == [
        ("Nouvelle-Aquitaine", "/p/?q=fab&minutes=30&region=75", True),
        ("Auvergne-Rhône-Alpes", "/p/?q=fab&minutes=30&region=84", False),
        ("All regions", "/p/?q=fab&minutes=30&region=all", False),
    ]


def test_region_changed(settings):
    settings.TERRITORY_REGIONS = ("75", "84")
    assert rc.region_changed(query={"region": "84"}, current_url="https://x/t/?region=75")
    assert not rc.region_changed(query={"region": "all"}, current_url="https://x/t/")
    assert not rc.region_changed(query={"region": "84"}, current_url=None)
