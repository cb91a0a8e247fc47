from django.http import HttpRequest, HttpResponse

from rathaus.accounts.access import requires


def umbrellas_public(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    return HttpResponse(f"Schirme in {request.municipality.name}")  # type: ignore[attr-defined]


@requires("umbrellas.desk")
def umbrella_desk(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    return HttpResponse("Schirmtheke")
