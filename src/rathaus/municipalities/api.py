from django.http import HttpRequest
from ninja import Field, Router, Schema

from rathaus.core.api import documented
from rathaus.municipalities.models import Municipality

router = Router(tags=["municipalities"])


class MunicipalityOut(Schema):
    ags: str = Field(pattern=r"^\d{8}$", description="Amtlicher Gemeindeschlüssel, 8 digits (Kreis: ends in 000)")
    name: str
    slug: str = Field(description="The short name in the portal's addresses and in this API's paths")
    kind: Municipality.Kind = Field(description="The kind of authority")
    street: str
    postal_code: str
    city: str
    phone: str
    email: str
    website: str
    opening_hours: str
    url: str = Field(description="The municipality's start page in the portal", json_schema_extra={"format": "uri"})


@router.get("/municipalities", summary="All municipalities on this installation", **documented(list[MunicipalityOut]))
def list_municipalities(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {
            **{name: getattr(m, name) for name in MunicipalityOut.model_fields if name != "url"},
            "url": request.build_absolute_uri(m.get_absolute_url()),
        }
        for m in Municipality.objects.all()
    ]
