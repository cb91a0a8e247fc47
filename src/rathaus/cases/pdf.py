"""Documents for the electronic file as PDF/A: receipts (Eingangsbestätigung) and notices (Bescheid).

Templates extend records/pdf/base.html, which sets the page, the letterhead and the page numbers.
The templates still sit in the records app under records/pdf/, where procedures name them.
Rendering fetches nothing: an image must be inline as a data: URL.
"""

import base64
from typing import Any

from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

from rathaus.core.uploads import JPEG, PNG, sniff_image

# PDF/A for long-term archiving (ISO 19005); part 3 so the submitted data can later travel inside as an attachment.
PDF_VARIANT = "pdf/a-3b"
LOGO_MAX_BYTES = 1024 * 1024


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
    # Templates show what citizens typed; a URL among it must not make the server fetch anything, nor read a file.
    fetcher = URLFetcher(allowed_protocols={"data"})
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


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
