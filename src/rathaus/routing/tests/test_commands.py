"""The command-line tools: `rathaus import-osm` and `rathaus route`."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rathaus.routing import Graph

from .conftest import DATA


def test_it_imports_a_file_and_routes_on_the_saved_graph(tmp_path):
    graph_path = tmp_path / "hoyerswerda.npz"
    progress = StringIO()
    call_command(
        "import-osm", str(DATA / "Hoyerswerda.osm.pbf"), "--out", str(graph_path), stderr=progress, stdout=StringIO()
    )
    assert "walkable ways read" in progress.getvalue()
    out = StringIO()
    call_command(
        "route", "--graph", str(graph_path), "--from", "51.4300,14.2400", "--to", "51.4400,14.2500", stdout=out
    )
    result = json.loads(out.getvalue())
    expected = Graph.load(graph_path).route((51.43, 14.24), (51.44, 14.25))
    assert result["length_m"] == pytest.approx(expected.length_m, abs=0.01)
    assert result["coordinates"][0] == [51.43, 14.24]
    assert result["coordinates"][-1] == [51.44, 14.25]
    assert len(result["coordinates"]) == len(expected.coordinates)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "51.43;14.24", "--to", "51.44,14.25"], "is not a coordinate"),
        (["--from", "91,14.24", "--to", "51.44,14.25"], "not on Earth"),
        (["--from", "48.0,11.0", "--to", "51.44,14.25"], "nearest walkable way"),
    ],
)
def test_route_explains_bad_points(tmp_path, arguments, message):
    graph_path = tmp_path / "g.npz"
    Graph.from_osm(DATA / "Hoyerswerda.osm.pbf").save(graph_path)
    with pytest.raises(CommandError, match=message):
        call_command("route", "--graph", str(graph_path), *arguments)


def test_bad_files_give_a_message_and_write_no_graph(tmp_path):
    corrupt = tmp_path / "corrupt.osm"
    corrupt.write_text("<osm><way")
    with pytest.raises(CommandError, match="corrupt"):
        call_command("import-osm", str(corrupt), "--out", str(tmp_path / "g.npz"), stderr=StringIO())
    assert not (tmp_path / "g.npz").exists()
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import-osm", str(tmp_path / "missing.osm"), "--out", str(tmp_path / "g.npz"), stderr=StringIO())
    with pytest.raises(CommandError, match="missing or unreadable"):
        call_command("route", "--graph", str(tmp_path / "g.npz"), "--from", "51.43,14.24", "--to", "51.44,14.25")
