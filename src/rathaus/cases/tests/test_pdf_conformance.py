"""What PDF/A-3b asks of a receipt, checked with pikepdf (veraPDF is not at hand): the XMP
identification, an sRGB output intent with its ICC profile, every font embedded; and that the
text is set in the small Rathaus Sans, subset (with HarfBuzz) or embedded whole (without), and
another font only for characters it lacks."""

import io
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader

from rathaus.cases.pdf import FONT_FILES, render_pdf
from rathaus.municipalities.models import Municipality


def receipt(soest: Municipality, applicant: str = "Jörg Müßig") -> bytes:
    case = SimpleNamespace(
        reference="SO-2026-00042", submitted_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC), applicant_name=applicant
    )
    return render_pdf(
        "records/pdf/receipt.html",
        {
            "municipality": soest,
            "case": case,
            "procedure_title": "Sondernutzungserlaubnis",
            "summary": [("Anlass", "Straßenfest „Am Vreithof“ – 2 Tage"), ("Fläche", "12 m²")],
            "fee": Decimal("35.00"),
        },
        title="Eingangsbestätigung SO-2026-00042",
        author=soest.name,
    )


def fonts(pdf: pikepdf.Pdf) -> dict[str, Any]:
    """Every font of every page by its base name, descendants of composite fonts included."""
    found: dict[str, Any] = {}
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            for each in [font, *font.get("/DescendantFonts", [])]:
                found[str(each.get("/BaseFont", "/?"))] = each
    return found


def embedded_file(font: Any) -> bytes | None:
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return None
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if key in descriptor:
            return bytes(descriptor[key].read_bytes())
    return None


@pytest.fixture
def pdf(soest: Municipality) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(receipt(soest)))


def test_the_xmp_metadata_identifies_pdfa_3b_with_title_and_language(pdf: pikepdf.Pdf) -> None:
    with pdf.open_metadata() as metadata:
        assert metadata["pdfaid:part"] == "3"
        assert metadata["pdfaid:conformance"] == "B"
        assert metadata["dc:title"] == "Eingangsbestätigung SO-2026-00042"
    assert str(pdf.Root.Lang) == "de"


def test_an_srgb_output_intent_carries_its_icc_profile(pdf: pikepdf.Pdf) -> None:
    [intent] = pdf.Root.OutputIntents
    assert intent.S == pikepdf.Name.GTS_PDFA1
    profile = intent.DestOutputProfile
    assert int(profile.N) == 3  # RGB
    assert profile.read_bytes()[36:40] == b"acsp"  # the ICC signature


@pytest.mark.parametrize("subset_quickly", [True, False])
def test_the_text_is_in_rathaus_sans_subset_with_harfbuzz_or_else_embedded_whole(
    soest: Municipality, monkeypatch: pytest.MonkeyPatch, subset_quickly: bool
) -> None:
    monkeypatch.setattr("rathaus.cases.pdf.SUBSET_QUICKLY", subset_quickly)
    pdf = pikepdf.open(io.BytesIO(receipt(soest)))
    found = fonts(pdf)
    faces = {name.split("+")[-1] for name in found if name != "/?"}
    assert faces <= {"Rathaus-Sans", "Rathaus-Sans-Bold"}, faces
    assert "Rathaus-Sans-Bold" in faces  # the headings
    whole = {path.read_bytes() for path in FONT_FILES.values()}
    files = [embedded_file(font) for font in found.values() if "/FontDescriptor" in font]
    assert files and all(files)
    if subset_quickly:
        assert all(file not in whole and len(file) < 30_000 for file in files if file)
    else:
        assert all(file in whole for file in files)


def test_a_name_in_another_script_takes_its_glyphs_from_dejavu_sans_and_stays_embedded(
    soest: Municipality,
) -> None:
    content = receipt(soest, applicant="Ζήνων Παπαδόπουλος")
    pdf = pikepdf.open(io.BytesIO(content))  # kept: the fonts are objects of this document
    found = fonts(pdf)
    assert any(name.endswith("+DejaVu-Sans") for name in found), list(found)
    for name, font in found.items():
        if "/FontDescriptor" in font:
            assert embedded_file(font), name
    assert "Παπαδόπουλος" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
