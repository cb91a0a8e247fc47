"""What every router of the public API shares: the one error shape, its messages, and how an operation
documents the answers it may give.

Every error answer is JSON with `detail`, one sentence in the language the request asks for
(Accept-Language or the language cookie; German unless it asks for English). A 422 names the fields in
`errors`, each with a message of its own; the school route adds `suggestions` for an address it could
not place. `documented(...)` gives an operation its `response` and `openapi_extra`, so that the spec
lists each error status it may answer with the schema of its body, and the Retry-After header of a 429.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from ninja.errors import HttpError


class FieldErrorOut(Schema):
    field: str = Field(description='The parameter the message is about, e.g. "q" or "limit"; empty for the whole')
    message: str


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in German, or in English with Accept-Language: en")


class InvalidOut(ErrorOut):
    errors: list[FieldErrorOut] = Field(description="One entry for each parameter that is missing or invalid")


class AddressInvalidOut(InvalidOut):
    suggestions: list[str] = Field(
        default_factory=list, description="Addresses that exist and come close, when the address was not found"
    )


class Refused(HttpError):
    """An error answer in the one shape: `detail`, for a 422 the fields (`errors`), and any further keys."""

    def __init__(self, status: int, detail: str, *, errors: Iterable[tuple[str, str]] = (), **extra: object) -> None:
        super().__init__(status, detail)
        self.errors = [{"field": field, "message": message} for field, message in errors]
        self.extra = extra

    def body(self) -> dict[str, object]:
        body: dict[str, object] = {"detail": self.message}
        if self.status_code == 422:
            body["errors"] = self.errors
        return {**body, **self.extra}


def error_body(status: int, detail: str) -> dict[str, object]:
    """The body of an error answer that names no field (a 422 has an empty `errors` then)."""
    return {"detail": detail, "errors": []} if status == 422 else {"detail": detail}


# What each error status means when an operation does not say more.
_MEANINGS: Mapping[int, str] = {
    400: "The request carries text no database can hold (a NUL character or a broken surrogate).",
    403: "The municipality does not offer this.",
    404: "No municipality with this slug on this installation, or no such object in it.",
    422: "A parameter is missing or invalid; `errors` names each one.",
    429: "Too many requests from this client address (IPv6: its /64) in the current window.",
    503: "The data this needs cannot be read right now; try again later.",
}
_SCHEMAS: Mapping[int, type[Schema]] = {422: InvalidOut}
# gunicorn (and a proxy before it) refuses a request line over 4 KB before Rathaus sees it: a query
# longer than its parameters allow may be that long. Every valid request fits (the lengths are chosen so).
URI_TOO_LONG = {
    "description": "The request line is longer than 4 KB; the server refuses it with an HTML page. Only a request "
    "whose parameters are longer than they may be gets there.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}
RETRY_AFTER = {
    "description": "Seconds until the client's window ends and it may ask again",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


def documented(
    ok: Any, *errors: int, meanings: Mapping[int, str] | None = None, schemas: Mapping[int, type[Schema]] | None = None
) -> dict[str, Any]:
    """`response` and `openapi_extra` for an operation answering `ok` with 200, or one of the error statuses.

    `meanings` and `schemas` replace the general description or body schema of a status for this operation.
    A 400 (text no database can hold) and a 414 (a request line over 4 KB, from the server) are possible on every
    operation and always documented.
    """
    statuses = sorted({400, *errors})
    meaning = {**_MEANINGS, **(meanings or {})}
    schema = {**_SCHEMAS, **(schemas or {})}
    responses: dict[int, Any] = {200: ok, **{status: schema.get(status, ErrorOut) for status in statuses}}
    extra: dict[int, dict[str, Any]] = {status: {"description": meaning[status]} for status in statuses}
    if 429 in extra:
        extra[429]["headers"] = {"Retry-After": RETRY_AFTER}
    extra[414] = URI_TOO_LONG
    return {"response": responses, "openapi_extra": {"responses": extra}}


def field_message(error: Mapping[str, Any]) -> str:
    """The message for one of pydantic's validation errors, in the active language (German or English).

    pydantic's own messages are English only; a message set by our code (no `type`) is kept as it is.
    """
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if not kind:
        return str(error.get("msg", "")) or _("Dieser Wert ist ungültig.")
    if kind == "missing":
        return _("Diese Angabe fehlt.")
    if kind == "string_too_short":
        return _("Bitte geben Sie mindestens %(count)s Zeichen ein.") % {"count": ctx.get("min_length")}
    if kind == "string_too_long":
        return _("Bitte geben Sie höchstens %(count)s Zeichen ein.") % {"count": ctx.get("max_length")}
    if kind == "greater_than_equal":
        return _("Der Wert muss mindestens %(limit)s sein.") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Der Wert darf höchstens %(limit)s sein.") % {"limit": ctx.get("le")}
    if kind == "greater_than":
        return _("Der Wert muss größer als %(limit)s sein.") % {"limit": ctx.get("gt")}
    if kind == "less_than":
        return _("Der Wert muss kleiner als %(limit)s sein.") % {"limit": ctx.get("lt")}
    if kind in {"int_parsing", "int_type", "int_from_float", "int_parsing_size"}:
        return _("Bitte geben Sie eine ganze Zahl an.")
    if kind in {"float_parsing", "float_type", "finite_number"}:
        return _("Bitte geben Sie eine Zahl an.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Bitte geben Sie true oder false an.")
    if kind in {"enum", "literal_error"}:
        return _("Erlaubt sind: %(values)s.") % {"values": str(ctx.get("expected", "")).replace("' or '", "', '")}
    if kind == "string_pattern_mismatch":
        return _("Der Wert hat nicht die erwartete Form.")
    return _("Dieser Wert ist ungültig.")


def invalid_fields(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """ninja's validation errors as `errors` entries: the parameter's name (without "query"/"path") and a message."""
    return [
        {"field": ".".join(str(part) for part in list(error.get("loc", []))[1:]), "message": field_message(error)}
        for error in errors
    ]


# The municipality in a path, as the URL's slug converter and the model allow it. The example is one of the
# demo's municipalities, so that generated requests (`scripts/schemathesis`) find something; an operation whose
# data only one of them has names its own with `Path(**SLUG, examples=[...])`.
SLUG: dict[str, Any] = {
    "pattern": r"^[-a-zA-Z0-9_]+$",
    "max_length": 60,
    "description": "The municipality's short name in the portal's addresses (GET /municipalities lists them)",
}
MunicipalitySlug = Annotated[str, Path(**SLUG, examples=["soest"])]
