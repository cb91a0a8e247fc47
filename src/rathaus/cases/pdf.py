"""Documents for the electronic file as PDF/A: receipts (Eingangsbestätigung) and notices (Bescheid).

Templates extend records/pdf/base.html, which sets the page, the letterhead and the page numbers.
The templates still sit in the records app under records/pdf/, where procedures name them.
Rendering fetches nothing: an image must be inline as a data: URL.

Fast enough for every submission: the text is set in Rathaus Sans (`fonts/`, DejaVu Sans cut down
to the Latin script, 40 KB a face), and the font configuration with its two faces is made once per
thread and kept. PDF/A embeds every font: with HarfBuzz's subsetter (Debian's
`libharfbuzz-subset0`) the used glyphs, which is quickest; without it WeasyPrint subsets with
fontTools, which took four fifths of a receipt's time with the full DejaVu Sans, so the two small
files are embedded whole instead. Only a document with a character outside them (Greek, Cyrillic,
Arabic …, taken from the system's DejaVu Sans) is subset either way.
"""

import base64
import threading
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import translation
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from weasyprint import CSS, HTML  # type: ignore[import-untyped]
from weasyprint.text.ffi import harfbuzz, harfbuzz_subset  # type: ignore[import-untyped]
from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

from rathaus.core.uploads import JPEG, PNG, sniff_image

# PDF/A for long-term archiving (ISO 19005); part 3 so the submitted data can later travel inside as an attachment.
PDF_VARIANT = "pdf/a-3b"
LOGO_MAX_BYTES = 1024 * 1024
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {"normal": FONT_DIR / "RathausSans.ttf", "bold": FONT_DIR / "RathausSans-Bold.ttf"}
# WeasyPrint subsets with HarfBuzz from version 4.1 on, else with the much slower fontTools.
SUBSET_QUICKLY = harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def render_pdf(
    template_name: str, context: dict[str, Any], *, title: str, language: str = "de", author: str = ""
) -> bytes:
    """Renders a Django template as a PDF/A-3b document with title, language and author in its metadata.
    context["municipality"] fills the letterhead."""
    with translation.override(language):
        html = render_to_string(
            template_name,
            {
                **context,
                "document_meta": {"title": title, "language": language, "author": author},
                "letterhead_logo": _logo_data_url(context.get("municipality")),
            },
        )
    fonts, stylesheet = _fonts()
    # Templates show what citizens typed; a URL among it must not make the server fetch anything, nor read a file.
    fetcher = URLFetcher(allowed_protocols={"data"})
    document = HTML(string=html, url_fetcher=fetcher).render(stylesheets=[stylesheet], font_config=fonts)
    whole = not SUBSET_QUICKLY and set(html) <= _covered()
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, full_fonts=whole)
    return pdf


class _FontFetcher(URLFetcher):  # type: ignore[misc]
    """Serves the two font files of the @font-face rules, and nothing else."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        for path in FONT_FILES.values():
            if url == path.as_uri():
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": "font/ttf"})
        raise ValueError(f"Not a font of the PDF documents: {url}")


_local = threading.local()


def _fonts() -> tuple[FontConfiguration, CSS]:
    """This thread's font configuration with Rathaus Sans, made once (WeasyPrint's are not shared
    between threads)."""
    cached: tuple[FontConfiguration, CSS] | None = getattr(_local, "fonts", None)
    if cached is None:
        configuration = FontConfiguration()
        faces = "\n".join(
            f'@font-face {{ font-family: "Rathaus Sans"; font-weight: {weight}; src: url("{path.as_uri()}"); }}'
            for weight, path in FONT_FILES.items()
        )
        cached = configuration, CSS(string=faces, font_config=configuration, url_fetcher=_FontFetcher())
        _local.fonts = cached
    return cached


@cache
def _covered() -> frozenset[str]:
    """The characters both faces of Rathaus Sans have, and the line breaks between them."""
    sets = []
    for path in FONT_FILES.values():
        with TTFont(path, lazy=True) as font:
            sets.append({chr(code) for code in font.getBestCmap()})
    return frozenset(set.intersection(*sets) | {"\n", "\r", "\t"})


def _logo_data_url(municipality: Any) -> str:
    """The municipality's logo inline for the letterhead, or "" if it has none or not a PNG or JPEG."""
    logo: FieldFile | None = getattr(municipality, "logo", None)
    if not logo:
        return ""
    try:
        with logo.open("rb") as file:
            content = file.read(LOGO_MAX_BYTES + 1)
    except OSError:
        return ""  # a missing file must not stop a receipt
    image_type = sniff_image(content[:16])
    if len(content) > LOGO_MAX_BYTES or image_type not in (PNG, JPEG):
        return ""
    return f"data:{image_type.content_type};base64,{base64.b64encode(content).decode('ascii')}"
