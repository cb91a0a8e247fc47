"""Exceptions of the routing engine, each with a German and an English sentence."""


class RoutingError(Exception):
    """Base class: every error the routing engine raises on purpose."""

    def __init__(self, german: str, english: str) -> None:
        super().__init__(f"{german} / {english}")
        self.german = german
        self.english = english


class OsmImportError(RoutingError):
    """The OSM file is missing, empty, corrupt or has no walkable ways."""


class GraphFileError(RoutingError):
    """A saved graph file is missing or not a graph of this version."""


class PointTooFarError(RoutingError):
    """A point lies farther from every walkable way than the snapping limit."""


class NoRouteError(RoutingError):
    """Start and destination lie on parts of the network that do not connect."""


class AddressFileError(RoutingError):
    """An address file (OSM or house coordinates) is missing, empty, corrupt or holds no addresses."""


class AddressNotFound(RoutingError):  # noqa: N818 - the name reads as the outcome a caller handles
    """No address matches; `suggestions` names the closest streets or house numbers (at most five)."""

    def __init__(self, german: str, english: str, *, suggestions: list[str], street_known: bool) -> None:
        super().__init__(german, english)
        self.suggestions = suggestions
        self.street_known = street_known


class AmbiguousAddress(RoutingError):  # noqa: N818
    """The street and number exist in several places; `suggestions` lists them (pass one as `city`)."""

    def __init__(self, german: str, english: str, *, suggestions: list[str]) -> None:
        super().__init__(german, english)
        self.suggestions = suggestions
