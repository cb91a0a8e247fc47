"""Checks for uploaded files: the type is read from the content, never from the name."""

import hashlib
import io
import logging
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImageType:
    extension: str
    content_type: str


PNG = ImageType("png", "image/png")
JPEG = ImageType("jpg", "image/jpeg")
WEBP = ImageType("webp", "image/webp")


def sniff_image(head: bytes) -> ImageType | None:
    """The raster image type the first bytes announce, or None. SVG is refused on purpose:
    it can carry scripts."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def validate_image_upload(upload: UploadedFile[bytes], *, max_bytes: int) -> ImageType:
    """Returns the sniffed type of an uploaded image or raises a ValidationError in the user's language."""
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("Die Datei ist zu groß (höchstens %(limit)s KB).") % {"limit": max_bytes // 1024}, code="too_large"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    image_type = sniff_image(head)
    if image_type is None:
        raise ValidationError(
            _("Bitte ein Bild im Format PNG, JPEG oder WebP hochladen. Diese Datei ist keins."), code="not_an_image"
        )
    return image_type


# Documents citizens attach to applications (CV, certificates): a PDF, or a scan as PNG or JPEG.


@dataclass(frozen=True)
class DocumentType:
    key: str
    extension: str
    content_type: str
    label: str


PDF = DocumentType("pdf", "pdf", "application/pdf", "PDF")
PNG_DOCUMENT = DocumentType("png", PNG.extension, PNG.content_type, "PNG")
JPEG_DOCUMENT = DocumentType("jpeg", JPEG.extension, JPEG.content_type, "JPEG")
DOCUMENT_TYPES = {document_type.key: document_type for document_type in (PDF, PNG_DOCUMENT, JPEG_DOCUMENT)}
ALL_DOCUMENT_TYPES = frozenset(DOCUMENT_TYPES)
_DOCUMENT_FOR_IMAGE = {PNG: PNG_DOCUMENT, JPEG: JPEG_DOCUMENT}

MEGABYTE = 1024 * 1024
HEAD_BYTES = 4096
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EXECUTABLE_MAGICS = (
    b"MZ",  # Windows and DOS
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O, 32 bit
    b"\xfe\xed\xfa\xcf",  # Mach-O, 64 bit
    b"\xce\xfa\xed\xfe",  # Mach-O, 32 bit, little-endian
    b"\xcf\xfa\xed\xfe",  # Mach-O, 64 bit, little-endian
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary, also a Java class
)
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
# The openings a browser renders as a page when it sniffs (WHATWG MIME Sniffing 7.1), plus XML and SVG.
MARKUP_OPENINGS = (
    b"<?xml", b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<iframe", b"<!--", b"<style",
    b"<title", b"<div", b"<table", b"<font", b"<a ", b"<a>", b"<b>", b"<p>", b"<p ", b"<br", b"<h1",
)  # fmt: skip
JAVASCRIPT_PATTERN = re.compile(
    rb"\bfunction\b\s*\w*\s*\(|=>|\beval\s*\(|\bdocument\.|\bwindow\.|\brequire\s*\(|\b(?:var|let|const)\s+\w+\s*="
)
ZIP_MAX_UNCOMPRESSED_BYTES = 100 * MEGABYTE
ZIP_MAX_RATIO = 100
# A PDF's object graph is walked in search of scripts; one too large to walk is refused rather than half checked.
# Generous: a 500-page report has a few ten thousand objects.
PDF_MAX_OBJECTS = 250_000
CLAMAV_TIMEOUT_SECONDS = 60


def validate_document_upload(
    upload: UploadedFile[bytes], *, allowed: frozenset[str] = ALL_DOCUMENT_TYPES, max_bytes: int
) -> DocumentType:
    """Returns the type of an uploaded document, read from its content, or raises a ValidationError with a
    message for the citizen and a code: empty, too_large, malware, executable, script, macro, zip, zip_bomb,
    encrypted, broken or type. Scans with ClamAV where it is installed."""
    if upload.size is not None and upload.size > max_bytes:
        raise _too_large(max_bytes)
    data = _read_at_most(upload, max_bytes)
    if len(data) > max_bytes:  # the announced size was wrong
        raise _too_large(max_bytes)
    if not data:
        raise ValidationError(_("Die Datei ist leer. Bitte wählen Sie die richtige Datei aus."), code="empty")
    if EICAR in data[:HEAD_BYTES]:
        raise _malware()
    document_type = _sniff_document(data)
    if document_type is None or document_type.key not in allowed:
        labels = [known.label for key, known in DOCUMENT_TYPES.items() if key in allowed]
        raise ValidationError(
            _("Diese Art von Datei können wir nicht annehmen. Erlaubt sind %(types)s.")
            % {"types": get_text_list(labels, _("und"))},
            code="type",
        )
    if document_type is PDF:
        _check_pdf(data)
    if _clamav_finds_malware(data):
        raise _malware()
    return document_type


def sha256_of(upload: UploadedFile[bytes]) -> str:
    """The SHA-256 of an upload's content as hex, read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _too_large(max_bytes: int) -> ValidationError:
    limit = max_bytes / MEGABYTE
    return ValidationError(
        _("Die Datei ist zu groß. Erlaubt sind höchstens %(limit)s MB.")
        % {"limit": number_format(limit, decimal_pos=0 if limit.is_integer() else 1)},
        code="too_large",
    )


def _malware() -> ValidationError:
    return ValidationError(
        _(
            "Die Datei wurde als schädlich erkannt und nicht gespeichert. "
            "Bitte prüfen Sie Ihr Gerät mit einem Virenschutzprogramm."
        ),
        code="malware",
    )


def _read_at_most(upload: UploadedFile[bytes], limit: int) -> bytes:
    """Up to limit + 1 bytes: one byte more than allowed shows that a file is too large."""
    upload.seek(0)
    parts: list[bytes] = []
    remaining = limit + 1
    while remaining > 0 and (part := upload.read(min(remaining, 64 * 1024))):
        parts.append(part)
        remaining -= len(part)
    upload.seek(0)
    return b"".join(parts)


def _sniff_document(data: bytes) -> DocumentType | None:
    """The document type the content is, None for anything unknown; raises for content that is dangerous."""
    head = data[:HEAD_BYTES]
    if head.startswith(EXECUTABLE_MAGICS):
        raise ValidationError(
            _("Programmdateien nehmen wir aus Sicherheitsgründen nicht an, auch nicht unter anderem Namen."),
            code="executable",
        )
    if head.startswith(b"#!") or head.removeprefix(b"\xef\xbb\xbf").lstrip().lower().startswith(MARKUP_OPENINGS):
        raise _script()
    if head.startswith(ZIP_MAGICS):
        _check_zip(data)
    if head.startswith(OLE_MAGIC):
        # Word and Excel files before 2007: they may carry macros, which we cannot cheaply rule out.
        raise ValidationError(
            _(
                "Ältere Office-Dokumente (zum Beispiel .doc oder .xls) können Makros enthalten und werden nicht "
                "angenommen. Bitte speichern Sie das Dokument als PDF."
            ),
            code="macro",
        )
    if b"%PDF-" in head[:1024]:
        return PDF
    image_type = sniff_image(head)
    if image_type is not None:
        return _DOCUMENT_FOR_IMAGE.get(image_type)
    # Plain text is refused as an unknown type anyway; this only picks the clearer message.
    if b"\x00" not in head and JAVASCRIPT_PATTERN.search(head):
        raise _script()
    return None


def _script() -> ValidationError:
    return ValidationError(
        _(
            "Dateien mit Skripten oder Webseiten-Code (zum Beispiel HTML, SVG oder JavaScript) nehmen wir aus "
            "Sicherheitsgründen nicht an."
        ),
        code="script",
    )


def _check_zip(data: bytes) -> NoReturn:
    """Office files (docx, docm, odt) and other archives: only the directory is read, nothing is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        entries = []
    uncompressed = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries)
    if uncompressed > ZIP_MAX_UNCOMPRESSED_BYTES or uncompressed > ZIP_MAX_RATIO * max(compressed, 1):
        raise ValidationError(
            _("Die Datei ist ein Archiv, das entpackt übermäßig groß würde. Sie wurde nicht gespeichert."),
            code="zip_bomb",
        )
    # vbaProject.bin holds the macros of docm, xlsm and pptm files; Basic/ those of OpenDocument files.
    if any(
        entry.filename.lower().endswith("vbaproject.bin") or entry.filename.startswith("Basic/") for entry in entries
    ):
        raise ValidationError(
            _("Office-Dokumente mit Makros nehmen wir nicht an. Bitte speichern Sie das Dokument als PDF."),
            code="macro",
        )
    raise ValidationError(
        _("ZIP-Archive und Office-Dokumente können wir nicht annehmen. Bitte speichern Sie das Dokument als PDF."),
        code="zip",
    )


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        if not encrypted and not reader.pages:
            raise ValueError("a PDF without pages")
        has_script = not encrypted and _pdf_has_javascript(reader)
    except Exception as error:  # pypdf raises many kinds of errors on a damaged or hostile file
        raise ValidationError(
            _("Die PDF-Datei ist beschädigt und lässt sich nicht öffnen. Bitte erstellen Sie sie neu."),
            code="broken",
        ) from error
    if encrypted:
        raise ValidationError(
            _(
                "Die PDF-Datei ist mit einem Passwort geschützt. Bitte laden Sie die PDF-Datei ohne Passwortschutz hoch."
            ),
            code="encrypted",
        )
    if has_script:
        raise ValidationError(
            _(
                "Die PDF-Datei enthält Skripte (JavaScript). Bitte speichern Sie sie ohne Skripte, zum Beispiel "
                "mit „Drucken als PDF“, und laden Sie sie noch einmal hoch."
            ),
            code="script",
        )


def _pdf_has_javascript(reader: PdfReader) -> bool:
    """Whether any object reachable from the catalog is a JavaScript action or the document's script names:
    /OpenAction, /AA on pages and fields, link annotations, /Names /JavaScript. Walking the parsed objects
    rather than searching the bytes also finds scripts in compressed object streams and in escaped names."""
    seen: set[tuple[int, int]] = set()
    pending: list[object] = [reader.trailer.raw_get("/Root")]
    for _step in range(PDF_MAX_OBJECTS):
        if not pending:
            return False
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            action = item.raw_get("/S") if "/S" in item else None
            if isinstance(action, IndirectObject):
                action = action.get_object()
            if "/JS" in item or "/JavaScript" in item or action == "/JavaScript":
                return True
            pending.extend(value for value in item.values() if isinstance(value, _PDF_CONTAINERS))
        elif isinstance(item, ArrayObject):
            pending.extend(value for value in item if isinstance(value, _PDF_CONTAINERS))
    raise ValueError("too many objects to check for scripts")


_PDF_CONTAINERS = (IndirectObject, DictionaryObject, ArrayObject)


def _clamav_command() -> list[str] | None:
    """The ClamAV scanner to run on a file, or None where ClamAV is not installed. The daemon's client is
    preferred: it scans in milliseconds where clamscan loads the signatures for each file."""
    if clamdscan := shutil.which("clamdscan"):
        # --fdpass hands the open file to the daemon, which runs as another user and could not read our copy.
        return [clamdscan, "--no-summary", "--fdpass"]
    if clamscan := shutil.which("clamscan"):
        return [clamscan, "--no-summary"]
    return None


def _clamav_finds_malware(data: bytes) -> bool:
    command = _clamav_command()
    if command is None:
        return False
    with tempfile.NamedTemporaryFile(prefix="rathaus-upload-") as copy:
        copy.write(data)
        copy.flush()
        try:
            # The program comes from shutil.which and the file name from tempfile; no shell is involved.
            result = subprocess.run(  # noqa: S603
                [*command, copy.name], capture_output=True, timeout=CLAMAV_TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            logger.warning("ClamAV could not scan an upload; it was accepted after the type checks.", exc_info=True)
            return False
    # Exit status 1 is a finding. A failing scanner (2) must not keep every citizen from applying, so the
    # upload passes on the type checks alone and operations learn of it from the log.
    if result.returncode not in (0, 1):
        logger.warning("ClamAV failed (%s): %s", result.returncode, result.stderr.decode(errors="replace").strip())
    return result.returncode == 1
