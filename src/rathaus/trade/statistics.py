"""Monthly statistics of the trade register: how many registrations (GewA 1), changes (GewA 2) and
deregistrations (GewA 3) entered the register, by month and by section of the WZ 2008.

A notice counts in the month its receipt was issued (`confirmed_at`, local time), the month it entered
the register; a correction is no notice of its own and does not count (it keeps the month and WZ code
of the notice it corrects). Only counts leave this module: it is the source of the staff page, of the
open data files (CSV, JSON) and of the API, which therefore always agree.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_AP
from django.utils.translation import gettext as _

from rathaus.municipalities.models import Municipality
from rathaus.trade import notice as notice_data
from rathaus.trade import wz
from rathaus.trade.models import BusinessNotice

FIRST_YEAR = 1900
# The numbers a row carries, by notice kind, in the order they are shown.
KINDS: dict[str, str] = {
    notice_data.REGISTRATION: "registrations",
    notice_data.CHANGE: "changes",
    notice_data.DEREGISTRATION: "deregistrations",
}
# Notices whose WZ code is not (or no longer) a subclass of the WZ 2008.
NO_SECTION = ""
CSV_COLUMNS = ("year", "month", "section", "section_title", "registrations", "changes", "deregistrations")


class YearError(ValueError):
    """The year asked for is no year the statistics can be about; the message says why, in German."""


def parse_year(value: str | None) -> int:
    """The year of `?jahr=` / `?year=`: the current year when none is given."""
    this_year = timezone.localdate().year
    if value is None or not value.strip():
        return this_year
    value = value.strip()
    if not value.isdigit() or len(value) != 4:
        raise YearError(_("Bitte geben Sie das Jahr mit vier Ziffern an, z. B. %(year)s.") % {"year": this_year})
    year = int(value)
    if not FIRST_YEAR <= year <= this_year:
        raise YearError(
            _("Statistiken gibt es für die Jahre %(first)s bis %(last)s.") % {"first": FIRST_YEAR, "last": this_year}
        )
    return year


@dataclass
class Counts:
    registrations: int = 0
    changes: int = 0
    deregistrations: int = 0

    @property
    def total(self) -> int:
        return self.registrations + self.changes + self.deregistrations

    def add(self, other: Counts) -> None:
        self.registrations += other.registrations
        self.changes += other.changes
        self.deregistrations += other.deregistrations


@dataclass
class Row:
    """One month and one WZ section: a line of the CSV file and an entry of the JSON."""

    year: int
    month: int
    section: str
    section_title: str
    counts: Counts = field(default_factory=Counts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "month": self.month,
            "section": self.section,
            "section_title": self.section_title,
            **asdict(self.counts),
        }


def section_title(section: str) -> str:
    return wz.sections().get(section) or _("Ohne gültigen WZ-Code")


def _section_of(code: str) -> str:
    activity = wz.lookup(code) if code else None
    return activity.section if activity is not None else NO_SECTION


def _section_order(section: str) -> int:
    order = list(wz.sections())
    return order.index(section) if section in order else len(order)


def monthly(*, municipality: Municipality, year: int) -> list[Row]:
    """The months and sections of `year` with at least one notice, by month and then by section (A–U,
    codes outside the classification last). Months and sections without a notice are left out."""
    tz = timezone.get_current_timezone()
    counted = (
        BusinessNotice.objects.filter(
            municipality=municipality,
            corrects__isnull=True,
            # The range serves the index trade_notice_confirmed.
            confirmed_at__gte=datetime(year, 1, 1, tzinfo=tz),
            confirmed_at__lt=datetime(year + 1, 1, 1, tzinfo=tz),
        )
        .annotate(month=ExtractMonth("confirmed_at", tzinfo=tz))
        .values("month", "kind", "wz_code")
        .annotate(number=Count("pk"))
        .order_by()
    )
    rows: dict[tuple[int, str], Row] = {}
    for entry in counted:
        section = _section_of(entry["wz_code"])
        key = (entry["month"], section)
        if key not in rows:
            rows[key] = Row(year=year, month=entry["month"], section=section, section_title=section_title(section))
        counts = rows[key].counts
        name = KINDS.get(entry["kind"])
        if name is not None:
            setattr(counts, name, getattr(counts, name) + entry["number"])
    return [rows[key] for key in sorted(rows, key=lambda key: (key[0], _section_order(key[1])))]


def as_json(*, municipality: Municipality, year: int, rows: list[Row]) -> dict[str, Any]:
    """The open data file and the API's answer."""
    return {
        "municipality": {"slug": municipality.slug, "name": municipality.name, "ags": municipality.ags},
        "year": year,
        "rows": [row.as_dict() for row in rows],
    }


def as_csv(rows: list[Row]) -> str:
    """Comma-separated, a header line first, one line per month and section (RFC 4180)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        data = row.as_dict()
        writer.writerow([data[column] for column in CSV_COLUMNS])
    return out.getvalue()


# The staff page: totals, and the bar chart ---------------------------------------------------------


@dataclass
class Line:
    """A line of a table on the staff page: a month or a section, with its counts."""

    key: str
    label: str
    counts: Counts


def by_month(rows: list[Row], *, section: str | None = None) -> list[Line]:
    """All twelve months, with the counts of one section or of all."""
    months = {month: Counts() for month in range(1, 13)}
    for row in rows:
        if section is None or row.section == section:
            months[row.month].add(row.counts)
    return [Line(str(month), str(MONTHS[month]), counts) for month, counts in months.items()]


def by_section(rows: list[Row]) -> list[Line]:
    """The sections with at least one notice in the year, A–U."""
    sections: dict[str, Counts] = defaultdict(Counts)
    for row in rows:
        sections[row.section].add(row.counts)
    ordered = sorted(sections, key=_section_order)
    return [Line(section, section_title(section), sections[section]) for section in ordered]


def total(lines: list[Line]) -> Counts:
    result = Counts()
    for line in lines:
        result.add(line.counts)
    return result


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str
    title: str


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class Label:
    x: float
    text: str


@dataclass
class Chart:
    """A grouped bar chart in SVG user units: one group per month, one bar per kind of notice."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]


CHART_WIDTH = 760
CHART_HEIGHT = 320
_MARGIN_LEFT = 44
_MARGIN_RIGHT = 8
_MARGIN_TOP = 12
_MARGIN_BOTTOM = 32


def _scale(highest: int) -> tuple[int, int]:
    """A round top of the axis at or above `highest`, and the step between its ticks (1, 2 or 5 × 10ⁿ)."""
    highest = max(highest, 1)
    step = 1
    while True:
        for factor in (1, 2, 5):
            if highest <= step * factor * 5:
                size = step * factor
                return -(-highest // size) * size, size
        step *= 10


def bar_chart(months: list[Line], names: dict[str, str]) -> Chart:
    """The months' counts as grouped bars; `names` are the kinds' plural names for the bars' tooltips."""
    top_value, step = _scale(max((getattr(line.counts, kind) for line in months for kind in names), default=0))
    plot_width = CHART_WIDTH - _MARGIN_LEFT - _MARGIN_RIGHT
    plot_height = CHART_HEIGHT - _MARGIN_TOP - _MARGIN_BOTTOM
    baseline = _MARGIN_TOP + plot_height
    group = plot_width / len(months)
    bar_width = group * 0.8 / len(names)
    bars, labels = [], []
    for index, line in enumerate(months):
        start = _MARGIN_LEFT + index * group + group * 0.1
        for position, (kind, name) in enumerate(names.items()):
            value = getattr(line.counts, kind)
            height = plot_height * value / top_value
            bars.append(
                Bar(
                    x=round(start + position * bar_width, 2),
                    y=round(baseline - height, 2),
                    width=round(bar_width - 1, 2),
                    height=round(height, 2),
                    kind=kind,
                    title=f"{line.label}: {value} {name}",
                )
            )
        labels.append(Label(x=round(_MARGIN_LEFT + index * group + group / 2, 2), text=str(MONTHS_AP[index + 1])))
    ticks = [
        Tick(y=round(baseline - plot_height * value / top_value, 2), label=str(value))
        for value in range(0, top_value + 1, step)
    ]
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        left=_MARGIN_LEFT,
        right=CHART_WIDTH - _MARGIN_RIGHT,
        top=_MARGIN_TOP,
        bottom=baseline,
        bars=bars,
        ticks=ticks,
        labels=labels,
    )
