"""The school office's staff pages: the batch check of a school roll and the eligibility map of a school.

The middleware lets only the municipality's staff with two-step login in; these pages further need
the school office's department (key "schulamt") or the municipal admin role (permission
"schoolroute.office", declared in `apps.py`).
A school roll and its result hold pupils' addresses: uploading and downloading are recorded in the
audit trail, and runs are deleted after `batch.RETENTION`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from rathaus.accounts.access import requires, staff_user
from rathaus.core.language import localized
from rathaus.municipalities.models import Municipality
from rathaus.routing import Graph, GraphFileError, RoutingError
from rathaus.schoolroute import batch
from rathaus.schoolroute.eligibility import THRESHOLD_M, SchoolLevel, school_level
from rathaus.schoolroute.maps import MapView, Marker, network_svg
from rathaus.schoolroute.models import BatchRun, School
from rathaus.schoolroute.selectors import street_network_get, street_network_graph
from rathaus.schoolroute.services import batch_run_downloaded

View = Callable[..., HttpResponse]


def _municipality(request: HttpRequest) -> Municipality:
    return request.municipality  # type: ignore[attr-defined, no-any-return]


def _no_network_message(municipality: Municipality) -> str:
    return _(
        "Für %(name)s ist noch kein Straßennetz importiert. Die Verwaltung kann es mit "
        "„rathaus import-streets DATEI --municipality %(slug)s“ aus einem OpenStreetMap-Auszug importieren."
    ) % {"name": municipality.name, "slug": municipality.slug}


# The batch check ----------------------------------------------------------------------------------


class RollUploadForm(forms.Form):
    liste = forms.FileField(
        label=gettext_lazy("Schülerliste als CSV-Datei"),
        help_text=gettext_lazy(
            "Spalten: Schulnummer, Klasse und entweder Straße und Hausnummer oder Breite und Länge; "
            "optional Kennung. Trennzeichen Semikolon oder Komma, höchstens 2 MB und 5.000 Zeilen."
        ),
        error_messages={
            "required": gettext_lazy("Bitte wählen Sie eine CSV-Datei aus."),
            "empty": gettext_lazy("Die Datei ist leer."),
            "invalid": gettext_lazy("Bitte wählen Sie eine CSV-Datei aus."),
        },
    )

    filename = ""

    def clean_liste(self) -> batch.Roll:
        upload = self.cleaned_data["liste"]
        self.filename = upload.name or ""
        if upload.size is not None and upload.size > batch.MAX_BYTES:
            raise forms.ValidationError(_("Die Datei ist zu groß. Erlaubt sind höchstens 2 MB."), code="too_large")
        try:
            return batch.roll_read(upload.read(batch.MAX_BYTES + 1))
        except batch.RollFileError as error:
            raise forms.ValidationError(str(error), code="roll") from None


@requires("schoolroute.office")
@require_http_methods(["GET", "HEAD", "POST"])
def batch_upload(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = _municipality(request)
    batch.batch_runs_purge()
    network = street_network_get(municipality=municipality)
    form = RollUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and network is not None and form.is_valid():
        run = batch.batch_run_start(
            municipality=municipality,
            roll=form.cleaned_data["liste"],
            filename=form.filename,
            by=staff_user(request),
        )
        return redirect("backoffice:schoolroute_batch_run", municipality_slug=municipality.slug, run_id=run.pk)
    runs = BatchRun.objects.select_related("created_by").order_by("-created_at")[:20]
    return render(
        request,
        "schoolroute/backoffice/batch_upload.html",
        {
            "form": form,
            "runs": runs,
            "no_network": _no_network_message(municipality) if network is None else "",
            "retention_days": batch.RETENTION.days,
        },
    )


def _run_for(run_id: int) -> BatchRun:
    run = BatchRun.objects.select_related("created_by").filter(pk=run_id).first()
    if run is None:
        raise Http404(_("Diese Prüfung gibt es nicht (mehr). Ergebnisse werden nach 30 Tagen gelöscht."))
    return run


@requires("schoolroute.office")
@require_safe
def batch_run_detail(request: HttpRequest, municipality_slug: str, run_id: int) -> HttpResponse:
    run = _run_for(run_id)
    running = run.status in (BatchRun.Status.PENDING, BatchRun.Status.RUNNING)
    auto_refresh = running and request.GET.get("aktualisieren") != "nein"
    response = render(
        request,
        "schoolroute/backoffice/batch_run.html",
        {
            "run": run,
            "running": running,
            "auto_refresh": auto_refresh,
            "problems": [result for result in batch.batch_run_results(run) if result.error]
            if run.status == BatchRun.Status.DONE
            else [],
            "percent": round(100 * run.rows_done / run.rows_total) if run.rows_total else 0,
        },
    )
    if auto_refresh:
        # The page reloads itself without JavaScript while the task runs; a link on it stops this.
        response["Refresh"] = "2"
    return response


@requires("schoolroute.office")
@require_safe
def batch_run_download(request: HttpRequest, municipality_slug: str, run_id: int) -> HttpResponse:
    run = _run_for(run_id)
    if run.status != BatchRun.Status.DONE:
        raise Http404(_("Das Ergebnis dieser Prüfung liegt noch nicht vor."))
    batch_run_downloaded(run=run, actor=staff_user(request))
    response = HttpResponse(batch.batch_run_csv(run), content_type="text/csv; charset=utf-8; header=present")
    response["Content-Disposition"] = f'attachment; filename="schulweg-pruefung-{run.pk}.csv"'
    return response


# The eligibility map ------------------------------------------------------------------------------

# The bands of the map: (upper limit in metres, CSS class); SchfkVO NRW § 5 (2) sets the limits.
BANDS: Final = (
    (THRESHOLD_M[SchoolLevel.PRIMARSTUFE], "map-band-1"),
    (THRESHOLD_M[SchoolLevel.SEKUNDARSTUFE_I], "map-band-2"),
    (THRESHOLD_M[SchoolLevel.SEKUNDARSTUFE_II], "map-band-3"),
    (math.inf, "map-band-4"),
)
UNREACHABLE: Final = "map-band-none"


def band_of(distance_m: float) -> str:
    """The band of a distance: up to and including 2 km, 3.5 km, 5 km, beyond; unreachable at inf."""
    if not math.isfinite(distance_m):
        return UNREACHABLE
    return next(css for limit, css in BANDS if distance_m <= limit)


def edge_bands(graph: Graph, distances: np.ndarray[Any, Any]) -> list[str]:
    """Each edge's band: from its nearer end; an edge whose ends fall in two bands takes the band
    of the walking distance to its midpoint."""
    bands: list[str] = []
    for u, v, length in graph.edges():
        near, far = sorted((float(distances[u]), float(distances[v])))
        band = band_of(near)
        if band != band_of(far):
            band = band_of(near + length / 2)
        bands.append(band)
    return bands


@dataclass(frozen=True)
class BandRow:
    css_class: str
    label: str
    style: str
    km: float


def _band_labels() -> dict[str, tuple[str, str]]:
    return {
        "map-band-1": (_("bis 2 km"), _("durchgezogene Linie")),
        "map-band-2": (_("über 2 bis 3,5 km"), _("lang gestrichelt")),
        "map-band-3": (_("über 3,5 bis 5 km"), _("kurz gestrichelt")),
        "map-band-4": (_("über 5 km"), _("gepunktet")),
        UNREACHABLE: (_("nicht erreichbar"), _("dünne graue Linie")),
    }


def band_table(graph: Graph, bands: list[str]) -> list[BandRow]:
    """Kilometres of walkable way per band, in the legend's order."""
    metres: dict[str, float] = {}
    for (_u, _v, length), band in zip(graph.edges(), bands, strict=True):
        metres[band] = metres.get(band, 0.0) + length
    return [
        BandRow(css, label, style, metres.get(css, 0.0) / 1000)
        for css, (label, style) in _band_labels().items()
        if css != UNREACHABLE or css in metres
    ]


def _thresholds(school: School) -> list[tuple[str, int]]:
    """The levels a school teaches with their thresholds, e.g. [("Primarstufe", 2000)]."""
    levels: dict[SchoolLevel, None] = {}
    for grade in range(1, 14):
        try:
            levels[school_level(school.schulform, grade)] = None
        except ValueError:
            continue
    return [(level.value, THRESHOLD_M[level]) for level in levels]


def _view_of(graph: Graph) -> MapView:
    lat, lon = graph.node_lat, graph.node_lon
    return MapView.around([(float(lat.min()), float(lon.min())), (float(lat.max()), float(lon.max()))], margin_m=50)


@requires("schoolroute.office")
@require_safe
def eligibility_map_choose(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    """The school select of the map page without JavaScript: `?schule=<Schulnummer>` goes to its map."""
    number = request.GET.get("schule", "").strip()
    if number and School.objects.filter(schulnummer=number).exists():
        return redirect("backoffice:schoolroute_map", municipality_slug=municipality_slug, schulnummer=number)
    first = School.objects.filter(latitude__isnull=False).order_by("name", "schulnummer").first()
    if first is None:  # the link in the navigation leads to an explanation, not to an error page
        return render(
            request,
            "schoolroute/backoffice/no_schools.html",
            {"message": _("Für diese Kommune sind keine Schulen mit Koordinaten geladen.")},
        )
    return redirect("backoffice:schoolroute_map", municipality_slug=municipality_slug, schulnummer=first.schulnummer)


@requires("schoolroute.office")
@require_safe
def eligibility_map(request: HttpRequest, municipality_slug: str, schulnummer: str) -> HttpResponse:
    municipality = _municipality(request)
    school = School.objects.filter(schulnummer=schulnummer).first()
    if school is None:
        raise Http404(_("Eine Schule mit der Schulnummer %(number)s gibt es hier nicht.") % {"number": schulnummer})
    context: dict[str, Any] = {
        "school": school,
        "schools": School.objects.filter(latitude__isnull=False).order_by("name", "schulnummer"),
        "thresholds": _thresholds(school),
        "choose_url": reverse("backoffice:schoolroute_map_choose", kwargs={"municipality_slug": municipality.slug}),
        "error": "",
        "svg": None,
    }
    network = street_network_get(municipality=municipality)
    if network is None:
        context["error"] = _no_network_message(municipality)
    elif school.latitude is None or school.longitude is None:
        context["error"] = _("Für die Schule %(name)s sind keine Koordinaten hinterlegt.") % {"name": school.name}
    else:
        try:
            graph = street_network_graph(network)
            distances = graph.distances_from((school.latitude, school.longitude))
        except (GraphFileError, RoutingError) as error:
            context["error"] = localized(error)
        else:
            bands = edge_bands(graph, distances)
            context["bands"] = band_table(graph, bands)
            context["svg"] = network_svg(
                graph,
                _view_of(graph),
                title=_("Schulwege zur %(name)s nach Entfernung") % {"name": school.name},
                description=_(
                    "Straßen und Wege, nach der Länge des kürzesten Fußwegs zur Schule in Bändern gezeichnet: "
                    "bis 2 km durchgezogen, bis 3,5 km lang gestrichelt, bis 5 km kurz gestrichelt, darüber gepunktet."
                ),
                markers=[Marker(school.latitude, school.longitude, school.name, "map-school")],
                edge_classes=bands,
                element_id="eligibility-map",
            )
    return render(request, "schoolroute/backoffice/eligibility_map.html", context)


patterns: list[URLPattern] = [
    path("schulweg/pruefung/", batch_upload, name="schoolroute_batch"),
    path("schulweg/pruefung/<int:run_id>/", batch_run_detail, name="schoolroute_batch_run"),
    path("schulweg/pruefung/<int:run_id>/ergebnis.csv", batch_run_download, name="schoolroute_batch_download"),
    path("schulweg/karte/", eligibility_map_choose, name="schoolroute_map_choose"),
    path("schulweg/karte/<str:schulnummer>/", eligibility_map, name="schoolroute_map"),
]
