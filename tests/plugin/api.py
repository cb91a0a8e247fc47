from django.http import HttpRequest
from ninja import Router

router = Router(tags=["umbrellas"])


@router.get("/municipalities/{municipality_slug}/umbrellas")
def umbrellas(request: HttpRequest, municipality_slug: str) -> dict[str, int]:
    return {"count": 3}
