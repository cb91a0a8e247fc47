"""Checks for uploaded files: the type is read from the content, never from the name.

A document (`validate_document_upload`) is checked whole, not by its first bytes: it must be one
PDF, PNG or JPEG from its first byte to its last, with nothing before or after it and no other
format inside that a program could open instead (a polyglot), and a PDF is parsed with qpdf
(pikepdf) and refused when it carries anything active. The name a document is later downloaded
under comes from the sniffed type (`download_name`), never from the name it was uploaded with.
"""

import base64
import binascii
import hashlib
import io
import logging
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn

import pikepdf
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from pikepdf import Array, Dictionary, Name, Stream
from pikepdf import String as PdfString
from pikepdf.settings import set_qpdf_limits

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
_DOCUMENT_FOR_CONTENT_TYPE = {document_type.content_type: document_type for document_type in DOCUMENT_TYPES.values()}

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
# Markup that makes a file a page or a program wherever it stands: mshta runs the scripts of an .hta file
# found anywhere in it, and a browser renders a file saved as .html from the first tag on. A PDF or an image
# has no reason to carry these tags in its raw bytes (their XMP metadata is <x:xmpmeta> and <rdf:…>); text
# inside compressed streams is not raw bytes and is not searched.
ACTIVE_MARKUP = re.compile(
    rb"<(?:script|html|hta:|body|iframe|frame|frameset|object|embed|svg|\?php|!doctype\s+html|meta\s+http-equiv)\b",
    re.IGNORECASE,
)
# The stub text every Windows program carries: an executable hidden inside another format.
WINDOWS_PROGRAM_STUBS = (b"This program cannot be run in DOS mode", b"This program must be run under Win32")
JAVASCRIPT_PATTERN = re.compile(
    rb"\bfunction\b\s*\w*\s*\(|=>|\beval\s*\(|\bdocument\.|\bwindow\.|\brequire\s*\(|\b(?:var|let|const)\s+\w+\s*="
)
ZIP_MAX_UNCOMPRESSED_BYTES = 100 * MEGABYTE
ZIP_MAX_RATIO = 100
# A PDF with more objects than this is refused rather than half checked. Generous: a 500-page report has
# a few ten thousand objects.
PDF_MAX_OBJECTS = 250_000
# What all streams of a PDF may decode to together. Decoding counts the bytes and keeps none, so checking
# costs no memory; a viewer would hold them. A ratio is no better guide: a blank page scanned in colour
# compresses 1000 to 1 and is harmless, so only the total counts. 256 MB is twenty colour pages at 300 dpi.
PDF_MAX_DECODED_BYTES = 256 * MEGABYTE
# Bytes a reader ignores after the end of a document: what file systems and mail programs pad with.
PADDING = b" \t\r\n\x0c\x00"
CLAMAV_TIMEOUT_SECONDS = 60


def validate_document_upload(
    upload: UploadedFile[bytes], *, allowed: frozenset[str] = ALL_DOCUMENT_TYPES, max_bytes: int
) -> DocumentType:
    """Returns the type of an uploaded document, read from its content, or raises a ValidationError with a
    message for the citizen and a code: empty, too_large, malware, executable, script, macro, zip, zip_bomb,
    polyglot, xfa, embedded, action, pdf_bomb, encrypted, broken or type. Scans with ClamAV where it is
    installed.

    The whole file is checked: the EICAR test signature anywhere; an executable, a page or a ZIP archive
    hidden anywhere in it; for a PDF that it starts at byte 0 with `%PDF-` and ends with `%%EOF`, and that
    none of its objects (compressed object streams included) holds JavaScript, an XFA form, an embedded file
    or an action that starts a program, opens another file, sends data or plays media, and that its streams
    do not decode to more than `PDF_MAX_DECODED_BYTES`; for an image that nothing follows its end (PNG's
    IEND chunk, JPEG's EOI marker)."""
    if upload.size is not None and upload.size > max_bytes:
        raise _too_large(max_bytes)
    data = _read_at_most(upload, max_bytes)
    if len(data) > max_bytes:  # the announced size was wrong
        raise _too_large(max_bytes)
    if not data:
        raise ValidationError(_("Die Datei ist leer. Bitte wählen Sie die richtige Datei aus."), code="empty")
    if EICAR in data:
        raise _malware()
    document_type = _sniff_document(data)
    if document_type is None or document_type.key not in allowed:
        labels = [known.label for key, known in DOCUMENT_TYPES.items() if key in allowed]
        raise ValidationError(
            _("Diese Art von Datei können wir nicht annehmen. Erlaubt sind %(types)s.")
            % {"types": get_text_list(labels, _("und"))},
            code="type",
        )
    _check_hidden_formats(data)
    if document_type is PDF:
        _check_pdf(data)
    elif document_type is PNG_DOCUMENT:
        _check_end(data, _png_end(data))
    elif document_type is JPEG_DOCUMENT:
        _check_end(data, _jpeg_end(data))
    if _clamav_finds_malware(data):
        raise _malware()
    return document_type


def document_type_of(content_type: str) -> DocumentType | None:
    """The document type a stored content type (always the sniffed one) stands for, or None."""
    return _DOCUMENT_FOR_CONTENT_TYPE.get(content_type)


# Windows opens these names as devices, whatever the extension.
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{port}{n}" for port in ("COM", "LPT") for n in range(10)}
)
# An extension is a dot and up to ten letters or digits with at least one letter; "v1.2" keeps its ".2".
_EXTENSION = re.compile(r"\.(?=\w*[^\W\d_])\w{1,10}$")
_MAX_STEM_LENGTH = 100


def download_name(original_name: str, content_type: str) -> str:
    """The name a stored document is downloaded under: a safe stem of the uploaded name and the extension of
    the type its content was sniffed as. "Lebenslauf.hta" and "Lebenslauf.pdf.exe" holding a PDF are both
    "Lebenslauf.pdf"; the uploaded name stays a document's metadata, never the name a clerk's computer opens."""
    document_type = document_type_of(content_type)
    extension = document_type.extension if document_type is not None else "bin"
    # Some browsers send the whole client path ("C:\\Users\\…\\scan.pdf"): only its last part counts.
    name = unicodedata.normalize("NFC", original_name.replace("\\", "/").rsplit("/", 1)[-1])
    # Control and format characters go (U+202E turns "fdp.exe" around on screen), spaces become one space,
    # and what Windows refuses in a name becomes "_".
    name = "".join(
        " " if unicodedata.category(char).startswith("Z") else char
        for char in name
        if not unicodedata.category(char).startswith("C")
    )
    stem = re.sub(r'[<>:"/\\|?*]', "_", name)
    while True:  # every extension goes, not only the last: "Lebenslauf.pdf.exe" is "Lebenslauf"
        stem = stem.rstrip(" .")  # Windows drops trailing dots and spaces, so "x.exe." is "x.exe"
        shorter = _EXTENSION.sub("", stem)
        if shorter == stem:
            break
        stem = shorter
    stem = re.sub(r"\s+", " ", stem).strip(" ._-")[:_MAX_STEM_LENGTH].rstrip(" .")
    if not stem:
        stem = "dokument"
    if stem.split(".", 1)[0].upper() in _WINDOWS_DEVICES:
        stem = f"{stem}_"
    return f"{stem}.{extension}"


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


def _executable() -> ValidationError:
    return ValidationError(
        _("Programmdateien nehmen wir aus Sicherheitsgründen nicht an, auch nicht unter anderem Namen."),
        code="executable",
    )


def _polyglot() -> ValidationError:
    return ValidationError(
        _(
            "Die Datei enthält außer dem Dokument noch weitere Daten (zum Beispiel ein angehängtes Archiv). "
            "Solche Dateien nehmen wir aus Sicherheitsgründen nicht an. Bitte speichern Sie das Dokument neu "
            "und laden Sie es noch einmal hoch."
        ),
        code="polyglot",
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
        raise _executable()
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
    if head.startswith(b"%PDF-"):
        return PDF
    # Readers find the header within the first 1024 bytes, so whatever stands before it is a second file that
    # another program opens (HTML before a PDF is a page to a browser and a PDF to a PDF reader).
    if b"%PDF-" in head[:1024]:
        raise _script() if ACTIVE_MARKUP.search(head[: head.index(b"%PDF-")]) else _polyglot()
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


def _check_hidden_formats(data: bytes) -> None:
    """Another format inside a document, wherever it stands: markup that makes the file a page or an HTA
    application, a Windows program, or a ZIP archive (ZIP tools look for the archive's directory at the end
    and ignore what comes before it)."""
    if ACTIVE_MARKUP.search(data):
        raise _script()
    if any(stub in data for stub in WINDOWS_PROGRAM_STUBS):
        raise _executable()
    if _has_zip_directory(data):
        raise _polyglot()


def _has_zip_directory(data: bytes) -> bool:
    """Whether a ZIP tool would find an archive in the data: an end-of-central-directory record in the last
    64 KB whose directory starts where the record says (the check ZIP tools make), so that four random bytes
    of a compressed image are not taken for one."""
    window_start = max(0, len(data) - (22 + 0xFFFF))
    position = len(data)
    while (position := data.rfind(b"PK\x05\x06", window_start, position)) >= 0:
        record = data[position : position + 22]
        if len(record) == 22:
            directory_size = int.from_bytes(record[12:16], "little")
            directory_start = position - directory_size
            if directory_size and directory_start >= 0 and data[directory_start : directory_start + 4] == b"PK\x01\x02":
                return True
    return False


def _check_end(data: bytes, end: int) -> None:
    """Nothing but padding may follow the end of a document: anything else is a second file appended to it."""
    if data[end:].strip(PADDING):
        raise _polyglot()


def _broken_image() -> ValidationError:
    return ValidationError(
        _("Das Bild ist beschädigt oder unvollständig und lässt sich nicht öffnen. Bitte speichern Sie es neu."),
        code="broken",
    )


def _png_end(data: bytes) -> int:
    """Where a PNG ends: after its IEND chunk, found by walking the chunks from IHDR (PNG specification 5.3)."""
    position = 8
    first = True
    while True:
        if position + 12 > len(data):
            raise _broken_image()
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        if (first and kind != b"IHDR") or length > 0x7FFFFFFF:
            raise _broken_image()
        first = False
        position += 12 + length
        if position > len(data):
            raise _broken_image()
        if kind == b"IEND":
            return position


# Markers without a length: TEM, the restart markers RST0 to RST7, SOI and EOI (ITU T.81 B.1.1.3).
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8), 0xD8})


def _jpeg_end(data: bytes) -> int:
    """Where a JPEG ends: after the EOI marker that closes its last scan (ITU T.81 B.2), found by walking the
    marker segments; a thumbnail in EXIF data sits inside a segment and has its own EOI, which is skipped."""
    position = 2
    size = len(data)
    while position < size:
        if data[position] != 0xFF:
            raise _broken_image()
        while position < size and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= size:
            break
        marker = data[position]
        position += 1
        if marker == 0xD9:
            return position
        if marker in _JPEG_STANDALONE:
            continue
        length = int.from_bytes(data[position : position + 2], "big")
        if length < 2 or position + length > size:
            raise _broken_image()
        position += length
        if marker == 0xDA:  # start of scan: entropy-coded data runs to the next marker
            while True:
                position = data.find(b"\xff", position)
                if position < 0 or position + 1 >= size:
                    raise _broken_image()
                following = data[position + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    position += 1  # a stuffed 0xFF, a restart marker, or fill before the next marker
                    continue
                break
    raise _broken_image()


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


# What a PDF may not contain, in the order the refusal names it when there are several.
_PDF_MALWARE, _PDF_EXECUTABLE, _PDF_SCRIPT, _PDF_XFA = "malware", "executable", "script", "xfa"
_PDF_EMBEDDED, _PDF_ACTION, _PDF_BOMB = "embedded", "action", "pdf_bomb"
_PDF_FINDINGS_ORDER = (_PDF_MALWARE, _PDF_EXECUTABLE, _PDF_SCRIPT, _PDF_XFA, _PDF_EMBEDDED, _PDF_ACTION, _PDF_BOMB)
# Actions (PDF 32000-1 12.6.4) that start a program (Launch), open or fetch another file (GoToR, GoToE),
# send form data or read it from a file (SubmitForm, ImportData), or play media through a player or plug-in
# (Rendition, Movie, Sound, RichMediaExecute). Links (URI with http, https, mailto, tel), GoTo, Named,
# Hide, ResetForm, SetOCGState, Thread and Trans stay: they move within the document or open a web page.
# JavaScript actions are refused as scripts.
PDF_REFUSED_ACTIONS = frozenset(
    {"/Launch", "/GoToR", "/GoToE", "/SubmitForm", "/ImportData", "/Rendition", "/Movie", "/Sound", "/RichMediaExecute"}
)
# Annotations and objects that play media or run a 3D model's scripts (Flash, U3D JavaScript).
PDF_REFUSED_SUBTYPES = frozenset({"/RichMedia", "/Movie", "/Sound", "/Screen", "/3D"})
PDF_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_URI_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")

# Stream filters (PDF 32000-1 7.4). The image codecs are not decoded: what they make is an image whose size
# its dictionary states, and qpdf could not decode them all anyway.
_FLATE = frozenset({"/FlateDecode", "/Fl"})
_LZW = frozenset({"/LZWDecode", "/LZW"})
_ASCII_HEX = frozenset({"/ASCIIHexDecode", "/AHx"})
_ASCII_85 = frozenset({"/ASCII85Decode", "/A85"})
_RUN_LENGTH = frozenset({"/RunLengthDecode", "/RL"})
_DECODABLE = _FLATE | _LZW | _ASCII_HEX | _ASCII_85 | _RUN_LENGTH
_DECODE_CHUNK = MEGABYTE


class _TooLarge(Exception):
    """A stream decodes to more than is left of the document's budget."""


def _check_pdf(data: bytes) -> None:
    # Nothing may follow the last %%EOF but padding: an HTA, a page or a program appended to a PDF is opened
    # by whatever program the file's name picks. A PDF without %%EOF was cut off on the way.
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise _broken_pdf()
    _check_end(data, end + len(b"%%EOF"))
    # qpdf decodes object and cross-reference streams while it opens a file; these limits stop a bomb there.
    # They are process-wide, which suits: Rathaus opens no PDF with pikepdf anywhere else.
    set_qpdf_limits(
        flate_max_memory=PDF_MAX_DECODED_BYTES,
        png_max_memory=PDF_MAX_DECODED_BYTES,
        run_length_max_memory=PDF_MAX_DECODED_BYTES,
        tiff_max_memory=PDF_MAX_DECODED_BYTES,
    )
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            encrypted = pdf.is_encrypted
            if not encrypted and len(pdf.pages) == 0:
                raise ValueError("a PDF without pages")
            findings = set() if encrypted else _pdf_findings(pdf)
    except pikepdf.PasswordError:
        encrypted, findings = True, set()
    except Exception as error:  # qpdf raises many kinds of errors on a damaged or hostile file
        raise _broken_pdf() from error
    if encrypted:
        raise ValidationError(
            _(
                "Die PDF-Datei ist mit einem Passwort geschützt. Bitte laden Sie die PDF-Datei ohne Passwortschutz hoch."
            ),
            code="encrypted",
        )
    for finding in _PDF_FINDINGS_ORDER:
        if finding in findings:
            raise _pdf_refusal(finding)


def _broken_pdf() -> ValidationError:
    return ValidationError(
        _("Die PDF-Datei ist beschädigt und lässt sich nicht öffnen. Bitte erstellen Sie sie neu."),
        code="broken",
    )


def _pdf_refusal(finding: str) -> ValidationError:
    if finding == _PDF_MALWARE:
        return _malware()
    if finding == _PDF_EXECUTABLE:
        return _executable()
    if finding == _PDF_SCRIPT:
        message = _(
            "Die PDF-Datei enthält Skripte (JavaScript). Bitte speichern Sie sie ohne Skripte, zum Beispiel "
            "mit „Drucken als PDF“, und laden Sie sie noch einmal hoch."
        )
    elif finding == _PDF_XFA:
        message = _(
            "Die PDF-Datei ist ein XFA-Formular, das Skripte ausführen kann. Bitte speichern Sie das ausgefüllte "
            "Formular mit „Drucken als PDF“ und laden Sie diese Datei hoch."
        )
    elif finding == _PDF_EMBEDDED:
        message = _(
            "Die PDF-Datei enthält eingebettete Dateien (Anhänge). Bitte laden Sie jede Unterlage als eigene "
            "Datei hoch oder speichern Sie die PDF-Datei mit „Drucken als PDF“ ohne Anhänge."
        )
    elif finding == _PDF_ACTION:
        message = _(
            "Die PDF-Datei enthält Aktionen, die Programme starten, andere Dateien öffnen, Daten versenden oder "
            "Medien abspielen können. Bitte speichern Sie sie mit „Drucken als PDF“ und laden Sie sie noch "
            "einmal hoch."
        )
    else:
        message = _(
            "Die PDF-Datei enthält Daten, die entpackt übermäßig groß würden. Sie wurde nicht gespeichert. "
            "Bitte erstellen Sie sie neu."
        )
    return ValidationError(message, code=finding)


def _pdf_findings(pdf: pikepdf.Pdf) -> set[str]:
    """What is refused in a PDF, from every object in its cross-reference table, those in compressed object
    streams included, whether or not the page tree reaches them: a reader that repairs a file may. Each
    object's direct dictionaries and arrays are looked into; the objects they refer to are visited in turn."""
    objects = pdf.objects
    if len(objects) > PDF_MAX_OBJECTS:
        raise ValueError("too many objects to check")
    findings: set[str] = set()
    budget = PDF_MAX_DECODED_BYTES
    for item in _direct_containers(pdf.trailer, *objects):
        if isinstance(item, Dictionary | Stream):
            findings |= _dictionary_findings(item)
        if isinstance(item, Stream) and _PDF_BOMB not in findings:
            try:
                budget -= _stream_findings(item, budget, findings)
            except _TooLarge:
                findings.add(_PDF_BOMB)
    return findings


def _stream_findings(stream: pikepdf.Object, budget: int, findings: set[str]) -> int:
    """Decodes a stream within the budget, adds what its content shows to the findings (the EICAR signature
    or a Windows program, compressed where a search of the raw bytes misses them) and returns its size."""
    size = 0
    previous = b""
    for part in _decoded_parts(stream, budget):
        size += len(part)
        # The tail of the previous piece, so that a signature split between two pieces is found too.
        window = previous + part
        if EICAR in window:
            findings.add(_PDF_MALWARE)
        if any(stub in window for stub in WINDOWS_PROGRAM_STUBS):
            findings.add(_PDF_EXECUTABLE)
        previous = part[-len(EICAR) :]
    return size


def _direct_containers(*roots: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """The roots and every dictionary, stream and array directly inside them (not behind a reference)."""
    pending = list(roots)
    while pending:
        item = pending.pop()
        yield item
        if isinstance(item, Dictionary | Stream):
            children = [item.get(key) for key in item.keys()]  # noqa: SIM118 - a pikepdf object, not a dict
        elif isinstance(item, Array):
            children = list(item)
        else:
            continue
        pending.extend(
            child for child in children if isinstance(child, Dictionary | Stream | Array) and not child.is_indirect
        )


def _dictionary_findings(item: pikepdf.Object) -> set[str]:
    findings: set[str] = set()
    keys = set(item.keys())
    # /JS holds an action's script; /JavaScript is the document's name tree of scripts in /Names.
    if "/JS" in keys or "/JavaScript" in keys:
        findings.add(_PDF_SCRIPT)
    if "/XFA" in keys:  # in /AcroForm: an XML form with its own scripts, run by Adobe's readers
        findings.add(_PDF_XFA)
    # /EmbeddedFiles is the name tree of attachments, /EF a file specification's embedded file.
    if "/EmbeddedFiles" in keys or "/EF" in keys or _name(item.get("/Type")) == "/EmbeddedFile":
        findings.add(_PDF_EMBEDDED)
    subtype = _name(item.get("/Subtype"))
    if subtype == "/FileAttachment":
        findings.add(_PDF_EMBEDDED)
    elif subtype in PDF_REFUSED_SUBTYPES:
        findings.add(_PDF_ACTION)
    action = _name(item.get("/S"))
    if action == "/JavaScript":
        findings.add(_PDF_SCRIPT)
    elif action in PDF_REFUSED_ACTIONS:
        findings.add(_PDF_ACTION)
    elif action == "/URI":
        target = item.get("/URI")
        if isinstance(target, PdfString):
            findings |= _link_findings(bytes(target).decode("latin-1"))
    return findings


def _name(value: object) -> str | None:
    return str(value) if isinstance(value, Name) else None


def _link_findings(target: str) -> set[str]:
    """A link may open a web page, write a mail or call; javascript: runs a script, and file:, smb: or a
    Windows share (\\\\server\\…) open files, and hand the clerk's Windows login to whoever runs the share."""
    target = "".join(char for char in target if char > " ").strip()
    scheme = _URI_SCHEME.match(target)
    if scheme is None:
        return {_PDF_ACTION} if target.startswith(("\\\\", "//")) else set()
    scheme_name = scheme.group(1).lower()
    if scheme_name in {"javascript", "vbscript"}:
        return {_PDF_SCRIPT}
    return set() if scheme_name in PDF_LINK_SCHEMES else {_PDF_ACTION}


def _decoded_parts(stream: pikepdf.Object, budget: int) -> Iterator[bytes]:
    """What a stream decodes to, in pieces that are not kept where the last filter allows it; raises
    _TooLarge once they pass the budget. An image codec ends the decoding; a filter that fails gives what
    came out up to the damage, as a reader shows it."""
    value = stream.get("/Filter")
    filters = [_name(name) for name in value] if isinstance(value, Array) else [_name(value)]
    data = stream.read_raw_bytes()
    for index, name in enumerate(filters if value is not None else []):
        last = index + 1 == len(filters) or filters[index + 1] not in _DECODABLE
        if name in _FLATE:
            if last:
                yield from _inflate(data, budget)
                return
            data = b"".join(_inflate(data, budget))
        elif name in _LZW:
            data = _lzw_decode(data, budget)
        elif name in _ASCII_HEX:
            data = _ascii_hex_decode(data)
        elif name in _ASCII_85:
            data = _ascii_85_decode(data)
        elif name in _RUN_LENGTH:
            data = _run_length_decode(data, budget)
        else:  # an image codec, Crypt or a filter no reader knows
            break
        if last:
            break
    if len(data) > budget:
        raise _TooLarge
    yield data


def _inflate(data: bytes, budget: int) -> Iterator[bytes]:
    """Flate in pieces of a megabyte at most, raising _TooLarge once the pieces pass the budget."""
    decompressor = zlib.decompressobj()
    total = 0
    pending = data
    try:
        while True:
            part = decompressor.decompress(pending, _DECODE_CHUNK)
            total += len(part)
            if total > budget:
                raise _TooLarge
            yield part
            pending = decompressor.unconsumed_tail
            if decompressor.eof or (not part and not pending):
                return
    except zlib.error:
        return  # a damaged stream: a reader shows what decoded up to the damage


def _lzw_decode(data: bytes, budget: int) -> bytes:
    """LZW as PDF uses it (PDF 32000-1 7.4.4): codes of 9 to 12 bits, 256 clears the table, 257 ends, and the
    code width grows one code early (EarlyChange 1, the default)."""
    output = bytearray()
    table = [bytes([byte]) for byte in range(256)] + [b"", b""]
    width, buffer, buffered = 9, 0, 0
    previous: bytes | None = None
    for byte in data:
        buffer, buffered = (buffer << 8) | byte, buffered + 8
        while buffered >= width:
            buffered -= width
            code = (buffer >> buffered) & ((1 << width) - 1)
            buffer &= (1 << buffered) - 1
            if code == 256:
                del table[258:]
                width, previous = 9, None
                continue
            if code == 257:
                return bytes(output)
            if code < len(table):
                entry = table[code]
                if previous is not None:
                    table.append(previous + entry[:1])
            elif code == len(table) and previous is not None:
                entry = previous + previous[:1]
                table.append(entry)
            else:
                return bytes(output)  # damaged
            output += entry
            if len(output) > budget:
                raise _TooLarge
            previous = entry
            if len(table) + 1 >= 1 << width and width < 12:
                width += 1
    return bytes(output)


def _ascii_hex_decode(data: bytes) -> bytes:
    digits = re.sub(rb"\s", b"", data.split(b">", 1)[0])
    try:
        return binascii.unhexlify(digits + b"0" * (len(digits) % 2))
    except binascii.Error:
        return b""


def _ascii_85_decode(data: bytes) -> bytes:
    body = re.sub(rb"\s", b"", data.split(b"~>", 1)[0]).removeprefix(b"<~")
    try:
        return base64.a85decode(body)
    except ValueError:
        return b""


def _run_length_decode(data: bytes, budget: int) -> bytes:
    output = bytearray()
    position = 0
    while position < len(data) and (length := data[position]) != 128:
        if length < 128:
            output += data[position + 1 : position + 2 + length]
            position += 2 + length
        else:
            output += data[position + 1 : position + 2] * (257 - length)
            position += 2
        if len(output) > budget:
            raise _TooLarge
    return bytes(output)


def clamav_command() -> list[str] | None:
    """The ClamAV scanner to run on a file, or None where ClamAV is not installed. The daemon's client is
    preferred: it scans in milliseconds where clamscan loads the signatures for each file."""
    if clamdscan := shutil.which("clamdscan"):
        # --fdpass hands the open file to the daemon, which runs as another user and could not read our copy.
        return [clamdscan, "--no-summary", "--fdpass"]
    if clamscan := shutil.which("clamscan"):
        return [clamscan, "--no-summary"]
    return None


def _clamav_finds_malware(data: bytes) -> bool:
    command = clamav_command()
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
