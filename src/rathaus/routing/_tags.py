"""Which OSM ways a pupil may walk on: the tag rules, in one place."""

from collections.abc import Mapping

# Ways built or open for walking; `_link` variants are added below.
WALKABLE_HIGHWAYS = frozenset(
    {
        "footway",
        "path",
        "pedestrian",
        "steps",
        "living_street",
        "residential",
        "service",
        "track",
        "unclassified",
        "tertiary",
        "secondary",
        "primary",
        "road",
        "cycleway",
        "tertiary_link",
        "secondary_link",
        "primary_link",
    }
)
# Motor roads: walkable only where a sidewalk is mapped on the way or walking is explicitly allowed.
MOTOR_ROADS = frozenset({"motorway", "motorway_link", "trunk", "trunk_link"})
SIDEWALK_PRESENT = frozenset({"both", "left", "right", "yes"})
FOOT_ALLOWED = frozenset({"yes", "designated", "permissive"})
ACCESS_CLOSED = frozenset({"private", "no"})


def is_walkable(tags: Mapping[str, str]) -> bool:
    """True if a way with these OSM tags belongs to the pedestrian network."""
    highway = tags.get("highway")
    if highway is None:
        return False
    foot = tags.get("foot")
    if foot == "no":
        return False
    if tags.get("access") in ACCESS_CLOSED and foot not in FOOT_ALLOWED:
        return False
    if highway in WALKABLE_HIGHWAYS:
        return True
    if highway == "bridleway":
        return foot in {"yes", "designated"}
    if highway in MOTOR_ROADS:
        sidewalk = {tags.get(key) for key in ("sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right")}
        return foot in {"yes", "designated"} or bool(sidewalk & SIDEWALK_PRESENT)
    return False
