"""The command-line tool `rathaus geocode`."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from .conftest import DATA

ESSEN = str(DATA / "hauskoordinaten_essen_subset.geojson")


def test_it_prints_the_address_point_as_json():
    out = StringIO()
    call_command("geocode", "--hk", ESSEN, "--street", "Heissener Strasse", "--number", "58 a", stdout=out)
    assert json.loads(out.getvalue()) == {
        "lat": 51.462282385929335,
        "lon": 6.943447222782866,
        "street": "Heißener Straße",
        "housenumber": "58A",
        "city": None,
        "source": "hk",
    }


def test_it_reads_osm_and_takes_the_place():
    out = StringIO()
    arguments = ["--street", "Hauptstraße", "--number", "2", "--city", "Heinersreuth"]
    call_command("geocode", "--osm", str(DATA / "north-bayreuth.osm.gz"), *arguments, stdout=out)
    assert json.loads(out.getvalue())["lat"] == 49.9872438


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--hk", ESSEN, "--street", "Heisener Str", "--number", "1"], "Heißener Straße"),
        (["--hk", ESSEN, "--street", "Heißener Str.", "--number", "109"], '"105", "113"'),
        (["--hk", "/nonexistent.geojson", "--street", "A", "--number", "1"], "does not exist"),
        (["--osm", str(DATA / "north-bayreuth.osm.gz"), "--street", "Hauptstraße", "--number", "2"], "Bindlach"),
    ],
)
def test_bad_input_is_a_command_error_with_suggestions(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("geocode", *arguments, stdout=StringIO())
