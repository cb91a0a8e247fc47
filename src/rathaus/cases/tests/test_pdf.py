import io
import urllib.request
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from rathaus.cases.pdf import render_pdf
from rathaus.municipalities.models import Municipality

PDFAID = "http://www.aiim.org/pdfa/ns/id/"


@pytest.fixture
def case() -> SimpleNamespace:
    return SimpleNamespace(
        reference="SO-2026-00042", submitted_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC), applicant_name="Jörg Müßig"
    )


def _receipt(soest: Municipality, case: SimpleNamespace, **extra: Any) -> bytes:
    return render_pdf(
        "records/pdf/receipt.html",
        {
            "municipality": soest,
            "case": case,
            "procedure_title": "Hundesteuer anmelden",
            "summary": [("Hund: Name", "Bello"), ("Hund: Rasse", "Schäferhund")],
            "fee": Decimal("12.50"),
            **extra,
        },
        title="Eingangsbestätigung SO-2026-00042",
        author=soest.name,
    )


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _fonts(reader: PdfReader) -> list[DictionaryObject]:
    """Every font on every page, including those inside Type 3 fonts and form XObjects."""
    found: list[DictionaryObject] = []
    pending = [page.get("/Resources") for page in reader.pages]
    while pending:
        resources = pending.pop()
        if resources is None:
            continue
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            found.append(font)
            pending.extend(descendant.get_object().get("/Resources") for descendant in font.get("/DescendantFonts", []))
        for xobject in (resources.get("/XObject") or {}).values():
            pending.append(xobject.get_object().get("/Resources"))
    return found


def _is_embedded(font: Any) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # drawn by its own glyph procedures, nothing to embed
    if font.get("/Subtype") == "/Type0":
        return all(_is_embedded(descendant.get_object()) for descendant in font["/DescendantFonts"])
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def test_a_receipt_is_pdfa_3b_with_title_author_and_language(soest: Municipality, case: SimpleNamespace) -> None:
    pdf = _receipt(soest, case)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.xmp_metadata is not None
    descriptions = reader.xmp_metadata.rdf_root.getElementsByTagNameNS(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description"
    )
    assert ("3", "B") in [
        (node.getAttributeNS(PDFAID, "part"), node.getAttributeNS(PDFAID, "conformance")) for node in descriptions
    ]
    assert reader.metadata is not None
    assert reader.metadata.title == "Eingangsbestätigung SO-2026-00042"
    assert reader.metadata.author == "Stadt Soest"
    assert str(reader.root_object["/Lang"]) == "de"


def test_every_font_of_a_receipt_is_embedded(soest: Municipality, case: SimpleNamespace) -> None:
    fonts = _fonts(PdfReader(io.BytesIO(_receipt(soest, case))))
    assert fonts
    assert all(_is_embedded(font) for font in fonts), [font.get("/BaseFont") for font in fonts]


def test_a_receipt_shows_the_case_the_letterhead_and_page_numbers(soest: Municipality, case: SimpleNamespace) -> None:
    text = _text(_receipt(soest, case))
    for expected in (
        "Eingangsbestätigung",
        "SO-2026-00042",
        "Jörg Müßig",
        "Hundesteuer anmelden",
        "Schäferhund",
        "12,50 €",
        "Stadt Soest",
        "Am Markt 1",
        "59494 Soest",
        "Seite 1 von 1",
    ):
        assert expected in text


def test_a_long_receipt_counts_its_pages(soest: Municipality, case: SimpleNamespace) -> None:
    summary = [(f"Angabe {number}", "Lorem ipsum dolor sit amet " * 8) for number in range(80)]
    text = _text(_receipt(soest, case, summary=summary))
    assert "Seite 1 von " in text
    pages = int(text.split("Seite 1 von ")[1].split()[0])
    assert pages > 1
    assert f"Seite {pages} von {pages}" in text


def test_a_notice_shows_heading_body_signature_and_legal_remedy(soest: Municipality, case: SimpleNamespace) -> None:
    pdf = render_pdf(
        "records/pdf/notice.html",
        {
            "municipality": soest,
            "case": case,
            "heading": "Bescheid über die Hundesteuer",
            "body": "Sehr geehrter Herr Müßig,\n\nfür Ihren Hund setzen wir die Steuer fest.",
            "clerk_name": "Erika Mustermann",
            "legal_remedy": "Gegen diesen Bescheid können Sie innerhalb eines Monats Klage erheben.",
        },
        title="Bescheid SO-2026-00042",
    )
    text = _text(pdf)
    for expected in (
        "Bescheid über die Hundesteuer",
        "SO-2026-00042",
        "Sehr geehrter Herr Müßig,",
        "Erika Mustermann",
        "Rechtsbehelfsbelehrung",
        "innerhalb eines Monats",
    ):
        assert expected in text


def test_a_notice_without_legal_remedy_leaves_the_block_out(soest: Municipality, case: SimpleNamespace) -> None:
    pdf = render_pdf(
        "records/pdf/notice.html",
        {"municipality": soest, "case": case, "heading": "Einladung", "body": "Bitte kommen Sie.", "clerk_name": ""},
        title="Einladung",
    )
    assert "Rechtsbehelfsbelehrung" not in _text(pdf)


def test_rendering_fetches_nothing_but_data_urls(
    soest: Municipality, case: SimpleNamespace, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "records" / "pdf" / "with_links.html"
    template.parent.mkdir(parents=True)
    template.write_text(
        '{% extends "records/pdf/base.html" %}{% block content %}<p>{{ case.reference }}</p>'
        '<img src="http://tracker.example/pixel.png"><img src="file:///etc/passwd">'
        '<link rel="stylesheet" href="https://cdn.example/style.css">'
        '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==">'
        "{% endblock %}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    opened: list[str] = []
    open_url = urllib.request.OpenerDirector.open

    def recording_open(self: urllib.request.OpenerDirector, url: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(url if isinstance(url, str) else url.full_url)
        return open_url(self, url, *args, **kwargs)

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", recording_open)
    pdf = render_pdf("records/pdf/with_links.html", {"municipality": soest, "case": case}, title="Test")
    assert "SO-2026-00042" in _text(pdf)
    assert opened == [
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
    ]


def test_the_logo_is_embedded_in_the_letterhead(
    soest: Municipality, case: SimpleNamespace, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    logo = io.BytesIO()
    Image.new("RGB", (40, 40), "#004b87").save(logo, format="PNG")
    soest.logo.save("wappen.png", ContentFile(logo.getvalue()))
    reader = PdfReader(io.BytesIO(_receipt(soest, case)))
    assert len(reader.pages[0].images) == 1
