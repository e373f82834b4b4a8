"""``detector names`` and the gazetteer builder on tiny fixtures (no packaged data needed)."""

import json

import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.translit.build_gazetteer import Builder
from detector.translit.gazetteer import Gazetteer

runner = CliRunner()


def test_names_command_resolves_and_groups():
    res = runner.invoke(app, ["names", "Kharkov", "Kharkiv", "Kherson", "Summit"])
    assert res.exit_code == 0, res.output
    assert "russian" in res.output and "-> Kharkiv" in res.output
    assert "same entity: Kharkov = Kharkiv; Kherson; Summit" in res.output


def test_names_command_json():
    res = runner.invoke(app, ["names", "Kup’yansk", "--format", "json"])
    data = json.loads(res.output)
    assert data["names"][0]["canonical"] == "Kupiansk" and data["names"][0]["variant"] == "nonstandard"


def exit_code(monkeypatch, args):
    """Through ``main``, which turns usage errors into one line and exit code 2."""
    from detector.cli import main

    monkeypatch.setattr("sys.argv", ["detector", *args])
    with pytest.raises(SystemExit) as exc:
        main()
    return exc.value.code


def test_names_command_rejects_bad_input(monkeypatch, capsys):
    assert exit_code(monkeypatch, ["names", " "]) == 2
    assert "empty name" in capsys.readouterr().err
    assert exit_code(monkeypatch, ["names", "Kyiv", "--format", "xml"]) == 2


CITIES = [
    {"countrycode": "UA", "name": "Kupyansk", "population": 27169,
     "alternatenames": ["Kupyansk", "Купянск", "Куп’янськ", "Купенко", "Купјанск"]},
    {"countrycode": "UA", "name": "Kharkiv", "population": 1421125,
     "alternatenames": ["Kharkov", "Харьков", "Харків", "Харкову"]},
    {"countrycode": "RU", "name": "Belgorod", "population": 345289, "alternatenames": ["Белгород"]},
]
KATOTTG = {"Куп’янськ": "M", "Харків": "M", "Мирне": "C"}


def small_gazetteer(spellingukraine=()):
    b = Builder()
    b.add_ukraine(KATOTTG, CITIES)
    b.add_neighbours(CITIES)
    b.add_spellingukraine(spellingukraine)
    b.add_russified()
    return Gazetteer(b.to_json())


def test_builder_canonical_is_kmu_of_the_official_name_not_geonames():
    gaz = small_gazetteer()
    m = gaz.lookup("Kupyansk")
    assert m.entity.canonical == "Kupiansk" and m.variant == "nonstandard"
    assert gaz.lookup("Kharkov").variant == "russian"
    assert gaz.lookup("Kupenko") is None  # a historic name is not taken for the Russian one
    assert gaz.lookup("Belgorod").variant == "standard"


def test_builder_adds_spellingukraine_wrong_spellings():
    entry = {"kind": "places", "key": "places/kharkiv", "sourceSpelling": "Харків", "correctSpelling": "Kharkiv",
             "incorrectSpellings": ["Charkov"], "relatedSpellings": ["Харьков", "Charkiw"]}
    gaz = small_gazetteer([entry])
    assert gaz.lookup("Charkov").entity.canonical == "Kharkiv"
    assert gaz.lookup("Charkiw").variant == "garbled"
