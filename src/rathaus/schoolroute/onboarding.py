"""The school route's set-up for a new municipality (`Capability.onboard`): its schools from the
NRW school list, which ships as `data/nrw_schulen_2024_25.csv.gz` (IT.NRW, dl-de/by-2.0, see
`data/ATTRIBUTION.md`).

Only municipalities in Nordrhein-Westfalen (AGS 05…) have a list to load; the school route's rules
are the SchfkVO NRW's anyway. A district gets no schools: the list names the municipality a school
stands in, not its Schulträger. Street networks are not shipped (`rathaus import-streets`).
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

from django.utils.translation import gettext as _

from rathaus.municipalities.models import Municipality
from rathaus.schoolroute.services import schools_import, schools_read_csv

NRW = "05"
SCHOOL_LIST = "nrw_schulen_2024_25.csv.gz"
COL_AGS = "Amtlicher Gemeindeschlüssel"


@cache
def _school_list() -> tuple[tuple[int, dict[str, str]], ...]:
    raw = resources.files("rathaus.schoolroute").joinpath("data", SCHOOL_LIST).read_bytes()
    return tuple(schools_read_csv(gzip.decompress(raw).decode("utf-8")))


def nrw_schools_of(ags: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of the NRW school list in the municipality of `ags` (the list drops the leading 0)."""
    if not ags.startswith(NRW):
        return []
    return [(line, row) for line, row in _school_list() if row.get(COL_AGS, "").zfill(8) == ags]


def schoolroute_onboard(municipality: Municipality) -> list[str]:
    """Imports the municipality's schools from the NRW school list (none outside NRW)."""
    if municipality.kind == Municipality.Kind.DISTRICT or not municipality.ags.startswith(NRW):
        return []
    report = schools_import(municipality=municipality, rows=nrw_schools_of(municipality.ags))
    return [
        _(
            "Schulweg: %(count)d Schulen aus der NRW-Schulliste übernommen. Für die Wegberechnung fehlt noch "
            "das Straßennetz (rathaus import-streets)."
        )
        % {"count": report.imported}
    ]
