"""The procedures the engine knows, by key. A procedure module registers itself on import; its app
imports it in `AppConfig.ready()`."""

from collections.abc import Iterator

from rathaus.procedures.base import Procedure

_procedures: dict[str, type[Procedure]] = {}


def register(procedure: type[Procedure]) -> type[Procedure]:
    """Class decorator: makes a procedure available under its key."""
    existing = _procedures.get(procedure.key)
    if existing is not None and existing is not procedure:
        raise ValueError(f"A procedure with the key {procedure.key!r} is already registered.")
    _procedures[procedure.key] = procedure
    return procedure


def unregister(key: str) -> None:
    _procedures.pop(key, None)


def get(key: str) -> type[Procedure]:
    """The procedure registered under `key`; KeyError when there is none."""
    return _procedures[key]


def all_procedures() -> Iterator[type[Procedure]]:
    return iter(sorted(_procedures.values(), key=lambda procedure: procedure.key))


def choices() -> list[tuple[str, str]]:
    return [(procedure.key, str(procedure.title)) for procedure in all_procedures()]
