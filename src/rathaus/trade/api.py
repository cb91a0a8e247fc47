"""The trade register's public API: the extract for a legitimate interest (§ 14 Abs. 5 GewO) and the
monthly statistics of trade notices.

The extract names only what § 14 Abs. 5 GewO allows to pass on: name, premises address and the
activity of businesses that are active. No person, no date of birth, no e-mail address ever leaves
through it; the response schema is the list of what may. A municipality can switch the extract off
(`TradeOffice.public_extract`). Each client address may ask `TRADE_REGISTER_RATE_LIMIT` times per window
(default 30 a minute); the count lives in Django's cache, a fixed window per address.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from rathaus.core.api import MunicipalitySlug, Refused, documented
from rathaus.core.throttle import rate_limited
from rathaus.municipalities.models import Municipality
from rathaus.trade import statistics
from rathaus.trade.models import TradeOffice
from rathaus.trade.selectors import EXTRACT_MAX_LIMIT, MAX_QUERY_LENGTH, register_extract

router = Router(tags=["trade register"])

MIN_QUERY_LENGTH = 3


class RegisterEntryOut(Schema):
    name: str = Field(description="The name of the business as entered in the register")
    street: str = Field(description="Premises (Betriebsstätte): street and house number")
    postal_code: str
    city: str
    activity: str = Field(description="The activity as notified")
    wz_code: str = Field(pattern=r"^\d{5}$", description="Activity code of the WZ 2008, five digits (e.g. 96021)")


class RegisterPage(Schema):
    count: int
    results: list[RegisterEntryOut]


class RegisterQuery(Schema):
    q: str = Field(
        ...,
        min_length=MIN_QUERY_LENGTH,
        # No longer than what is searched, so that any query fits the server's request line (4 KB).
        max_length=MAX_QUERY_LENGTH,
        description="At least 3 characters besides spaces, matched within the business's name or activity, or the start "
        "of a WZ code.",
        examples=["Friseur"],
    )
    limit: int = Field(20, ge=1, le=EXTRACT_MAX_LIMIT, description="At most this many entries")
    offset: int = Field(0, ge=0, le=10_000, description="Skip this many entries")


class MunicipalityRefOut(Schema):
    slug: str
    name: str
    ags: str


class StatisticsRowOut(Schema):
    year: int
    month: int = Field(ge=1, le=12, description="1 to 12: the month the notice's receipt was issued")
    section: str = Field(
        pattern="^[A-U]?$", description='Section letter of the WZ 2008 ("A" to "U"); empty for an unknown code'
    )
    section_title: str
    registrations: int = Field(ge=0, description="Gewerbeanmeldungen (GewA 1)")
    changes: int = Field(ge=0, description="Gewerbeummeldungen (GewA 2)")
    deregistrations: int = Field(ge=0, description="Gewerbeabmeldungen (GewA 3)")


class StatisticsOut(Schema):
    municipality: MunicipalityRefOut
    year: int
    rows: list[StatisticsRowOut]


def _offers_extract(municipality: Municipality) -> bool:
    offered = TradeOffice.objects.filter(municipality=municipality).values_list("public_extract", flat=True).first()
    # A municipality whose trade office has no settings yet offers it, as the model's default says.
    return True if offered is None else offered


@router.get(
    "/municipalities/{municipality_slug}/trade-register",
    summary="Extract of the trade register (§ 14 Abs. 5 GewO)",
    description="Name, premises address and activity of active businesses whose name or activity matches `q`. "
    "Nothing about persons. Rate-limited per client address (`TRADE_REGISTER_RATE_LIMIT`, default 30 a minute; "
    "HTTP 429 with Retry-After); refused requests count too.",
    **documented(
        RegisterPage, 403, 404, 422, 429, meanings={403: "The municipality has switched the public extract off."}
    ),
)
@decorate_view(rate_limited(scope="trade-register", setting="TRADE_REGISTER_RATE_LIMIT", default="30/m"))
def trade_register(
    request: HttpRequest, municipality_slug: MunicipalitySlug, filters: Query[RegisterQuery]
) -> dict[str, object]:
    municipality: Municipality = request.municipality  # type: ignore[attr-defined]
    if not _offers_extract(municipality):
        raise Refused(403, _("Diese Kommune bietet keine Registerauskunft über die Schnittstelle an."))
    query = " ".join(filters.q.split())
    if len(query.replace(" ", "")) < MIN_QUERY_LENGTH:
        message = _("Bitte geben Sie mindestens %(count)s Zeichen ein.") % {"count": MIN_QUERY_LENGTH}
        raise Refused(422, _("Die Anfrage enthält ungültige Werte."), errors=[("q", message)])
    count, businesses = register_extract(
        municipality=municipality, query=query, limit=filters.limit, offset=filters.offset
    )
    return {
        "count": count,
        "results": [
            {
                "name": business.name,
                "street": business.street,
                "postal_code": business.postal_code,
                "city": business.city,
                "activity": business.activity,
                "wz_code": business.wz_code,
            }
            for business in businesses
        ],
    }


@router.get(
    "/municipalities/{municipality_slug}/trade-statistics",
    summary="Trade notices per month and WZ section",
    description="The same numbers as the open data file /{slug}/gewerbe/statistik.json.",
    **documented(StatisticsOut, 404, 422, meanings={422: "`year` is no year from 1900 up to the current one."}),
)
def trade_statistics(
    request: HttpRequest,
    municipality_slug: MunicipalitySlug,
    year: Annotated[
        int | None,
        Query(
            ge=statistics.FIRST_YEAR,
            le=9999,
            description="From 1900 up to the current year; the current year when left out",
            examples=[2024],
        ),
    ] = None,
) -> dict[str, object]:
    municipality: Municipality = request.municipality  # type: ignore[attr-defined]
    try:
        chosen = statistics.parse_year(None if year is None else str(year))
    except statistics.YearError as error:
        raise Refused(422, _("Die Anfrage enthält ungültige Werte."), errors=[("year", str(error))]) from None
    rows = statistics.monthly(municipality=municipality, year=chosen)
    return statistics.as_json(municipality=municipality, year=chosen, rows=rows)
