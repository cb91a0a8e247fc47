from django.http import HttpRequest
from ninja import Router, Schema

from rathaus.municipalities.models import Municipality

router = Router(tags=["municipalities"])


class MunicipalityOut(Schema):
    ags: str
    name: str
    slug: str
    kind: str
    street: str
    postal_code: str
    city: str
    phone: str
    email: str
    website: str
    opening_hours: str
    url: str


@router.get("/municipalities", response=list[MunicipalityOut], summary="All municipalities on this installation")
def list_municipalities(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {
            **{name: getattr(m, name) for name in MunicipalityOut.model_fields if name != "url"},
            "url": request.build_absolute_uri(m.get_absolute_url()),
        }
        for m in Municipality.objects.all()
    ]
