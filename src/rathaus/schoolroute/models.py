from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.tenancy import TenantModel
from rathaus.schoolroute.eligibility import Schulform

validate_schulnummer = RegexValidator(r"^\d{6}\Z", _("Die Schulnummer hat sechs Ziffern."))


class School(TenantModel):
    """A school from the NRW school list (IT.NRW), keyed by its official Schulnummer."""

    schulnummer = models.CharField(_("Schulnummer"), max_length=6, validators=[validate_schulnummer])
    name = models.CharField(_("Name"), max_length=300)
    schulform = models.CharField(
        _("Schulform"), max_length=40, choices=[(form.value, form.value) for form in Schulform]
    )
    street = models.CharField(_("Straße"), max_length=120)
    house_number = models.CharField(_("Hausnummer"), max_length=20, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5)
    city = models.CharField(_("Ort"), max_length=80)
    latitude = models.FloatField(_("Breitengrad"), null=True, blank=True)
    longitude = models.FloatField(_("Längengrad"), null=True, blank=True)
    pupils = models.PositiveIntegerField(_("Schülerzahl"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "schulnummer"], name="school_unique_schulnummer")
        ]
        verbose_name = _("Schule")
        verbose_name_plural = _("Schulen")

    def __str__(self) -> str:
        return f"{self.name} ({self.schulnummer})"

    @property
    def address(self) -> str:
        street = f"{self.street} {self.house_number}".strip()
        return f"{street}, {self.postal_code} {self.city}"


class StreetNetwork(TenantModel):
    """The walking network of a municipality, imported from OpenStreetMap (`rathaus import-streets`).

    The graph itself lives in `settings.GRAPH_DIR / graph_file` (a `rathaus.routing.Graph` .npz),
    the address points, if any, in `settings.GRAPH_DIR / address_file` (a saved
    `rathaus.routing.AddressIndex`): from the OSM extract's addr:* tags or from an official house
    coordinate file (`rathaus import-addresses`).
    """

    graph_file = models.CharField(_("Graphdatei"), max_length=200)
    source_name = models.CharField(_("Quelldatei"), max_length=300)
    imported_at = models.DateTimeField(_("Importiert am"))
    node_count = models.PositiveIntegerField(_("Knoten"))
    edge_count = models.PositiveIntegerField(_("Kanten"))
    address_file = models.CharField(_("Adressdatei"), max_length=200, blank=True)
    address_source = models.CharField(_("Adressquelle"), max_length=300, blank=True)
    address_count = models.PositiveIntegerField(_("Adressen"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality"], name="street_network_one_per_municipality")]
        verbose_name = _("Straßennetz")
        verbose_name_plural = _("Straßennetze")

    def __str__(self) -> str:
        return f"{self.source_name} ({self.node_count} / {self.edge_count})"


class BatchRun(TenantModel):
    """One batch check of a school roll (`rathaus.schoolroute.batch`): the uploaded rows, the
    progress of the background task and the result. Holds pupils' addresses: deleted after 30 days."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        RUNNING = "running", _("läuft")
        DONE = "done", _("fertig")
        FAILED = "failed", _("abgebrochen")

    created_at = models.DateTimeField(_("Hochgeladen am"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Hochgeladen von"), null=True, on_delete=models.SET_NULL
    )
    filename = models.CharField(_("Dateiname"), max_length=255, blank=True)
    language = models.CharField(_("Sprache"), max_length=10, default="de")
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(_("Zeilen"))
    rows_done = models.PositiveIntegerField(_("Geprüfte Zeilen"), default=0)
    rows_failed = models.PositiveIntegerField(_("Fehlerhafte Zeilen"), default=0)
    # The roll as uploaded ({"header": [...], "columns": {...}, "rows": [[line, [values]], ...]}) and the
    # result per row (`batch.RowResult.as_json`), in the rows' order.
    roll = models.JSONField(_("Schülerliste"), default=dict)
    results = models.JSONField(_("Ergebnis"), default=list)
    error = models.TextField(_("Fehler"), blank=True)
    finished_at = models.DateTimeField(_("Fertig am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Schulweg-Prüfung")
        verbose_name_plural = _("Schulweg-Prüfungen")

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"
