"""The whole-file checks of a document upload: every kind of hostile file is refused with its code and a
German message, clean documents (ours, pikepdf's, a phone's pictures) pass, and the name a document is
downloaded under comes from its content."""

import io
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pikepdf import Array, Dictionary, Name, Stream, String
from PIL import Image

from rathaus.cases.pdf import render_pdf
from rathaus.core import uploads
from rathaus.core.tests.hostile_files import GIB, Hostile, deflate_bomb, hostile_files, image, pdf
from rathaus.core.uploads import JPEG_DOCUMENT, PDF, PNG_DOCUMENT, download_name, validate_document_upload
from rathaus.municipalities.models import Municipality

MAX_BYTES = 10 * 1024 * 1024
HOSTILE = hostile_files()


@pytest.fixture(autouse=True)
def no_clamav(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks are tested on their own, whether or not the machine has ClamAV."""
    monkeypatch.setattr(uploads, "clamav_command", lambda: None)


def _check(content: bytes, name: str = "Lebenslauf.pdf") -> uploads.DocumentType:
    return validate_document_upload(SimpleUploadedFile(name, content), max_bytes=MAX_BYTES)


def test_the_list_covers_the_attack_test_and_more() -> None:
    assert len(HOSTILE) >= 22
    assert len({hostile.kind for hostile in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize("hostile", HOSTILE, ids=[hostile.kind for hostile in HOSTILE])
def test_every_kind_of_hostile_file_is_refused_with_its_code_and_a_german_message(hostile: Hostile) -> None:
    with pytest.raises(ValidationError) as error:
        _check(hostile.content, hostile.name)
    assert error.value.code == hostile.code
    assert hostile.message in error.value.messages[0]


def test_the_script_in_an_object_stream_is_not_in_the_raw_bytes() -> None:
    """What makes the object stream case a test of parsing: a search of the file's bytes finds nothing."""
    content = next(hostile for hostile in HOSTILE if hostile.kind == "javascript-in-an-object-stream").content
    assert b"/JavaScript" not in content and b"/JS" not in content
    with pytest.raises(ValidationError) as error:
        _check(content)
    assert error.value.code == "script"


def test_eicar_is_found_past_the_first_4096_bytes() -> None:
    content = next(hostile for hostile in HOSTILE if hostile.kind == "eicar-after-byte-4096").content
    assert content.index(b"X5O!P%@AP") > 4096


def test_the_bomb_is_a_megabyte_that_would_inflate_to_a_gibibyte() -> None:
    bomb = deflate_bomb()
    assert len(bomb) < 1.1 * 1024 * 1024
    decompressor = zlib.decompressobj()
    start = decompressor.decompress(bomb, 4 * 1024 * 1024)
    assert start == b"\x00" * (4 * 1024 * 1024)  # a valid stream of zeros; the rest is not inflated here
    small = deflate_bomb(3 * 1024 * 1024)
    assert zlib.decompress(small) == b"\x00" * (3 * 1024 * 1024)  # the end block and checksum are right
    assert GIB == 1024**3


def test_the_bomb_is_refused_after_decoding_no_more_than_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check counts and forgets: it stops once the budget is passed and never holds more than a piece."""
    budget = 8 * 1024 * 1024
    monkeypatch.setattr(uploads, "PDF_MAX_DECODED_BYTES", budget)
    seen: list[int] = []
    inflate = uploads._inflate

    def counting_inflate(data: bytes, limit: int) -> Iterator[bytes]:
        for part in inflate(data, limit):
            seen.append(len(part))
            yield part

    monkeypatch.setattr(uploads, "_inflate", counting_inflate)
    content = next(hostile for hostile in HOSTILE if hostile.kind == "inflation-bomb").content
    with pytest.raises(ValidationError) as error:
        _check(content)
    assert error.value.code == "pdf_bomb"
    assert sum(seen) <= budget
    assert max(seen) <= 1024 * 1024


def test_a_pdf_whose_streams_stay_within_the_budget_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "PDF_MAX_DECODED_BYTES", 8 * 1024 * 1024)

    def big_stream(document: pikepdf.Pdf) -> None:
        stream = Stream(document, zlib.compress(b"\x00" * (7 * 1024 * 1024)))
        stream.Filter = Name.FlateDecode
        document.Root.Extra = document.make_indirect(stream)

    assert _check(pdf(big_stream)) is PDF


@pytest.mark.parametrize(
    ("filters", "raw"),
    [
        ([Name.RunLengthDecode], bytes([129, 0]) * 70_000),  # 128 bytes from every 2
        ([Name.ASCIIHexDecode, Name.FlateDecode], zlib.compress(b"\x00" * 9 * 1024 * 1024).hex().encode() + b">"),
        ([Name.FlateDecode, Name.FlateDecode], zlib.compress(zlib.compress(b"\x00" * 9 * 1024 * 1024))),
    ],
    ids=["run-length", "hex-then-flate", "flate-twice"],
)
def test_every_filter_of_a_chain_counts_toward_the_budget(
    monkeypatch: pytest.MonkeyPatch, filters: list[Name], raw: bytes
) -> None:
    monkeypatch.setattr(uploads, "PDF_MAX_DECODED_BYTES", 8 * 1024 * 1024)

    def chained(document: pikepdf.Pdf) -> None:
        stream = Stream(document, raw)
        stream.Filter = Array(filters)
        document.Root.Extra = document.make_indirect(stream)

    with pytest.raises(ValidationError) as error:
        _check(pdf(chained))
    assert error.value.code == "pdf_bomb"


def test_lzw_decodes_the_example_of_the_pdf_specification() -> None:
    # PDF 32000-1 7.4.4.2: "-----A---B" is 80 0B 60 50 22 0C 0C 85 01.
    assert uploads._lzw_decode(bytes.fromhex("800B6050220C0C8501"), 1024) == b"-----A---B"


def test_clean_pdfs_made_by_pikepdf_pass_with_links_object_streams_and_an_update() -> None:
    def links(document: pikepdf.Pdf) -> None:
        annotations = [
            Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 9, 9]), A=Dictionary(S=Name.URI, URI=uri))
            for uri in (String("https://www.soest.de/"), String("mailto:lena.hoffmann@example.org"))
        ]
        document.pages[0].Annots = Array([document.make_indirect(annotation) for annotation in annotations])
        document.Root.OpenAction = Array([document.pages[0].obj, Name.Fit])

    assert _check(pdf()) is PDF
    assert _check(pdf(links, object_streams=True)) is PDF
    # A second %%EOF, as an incremental update ends, and the padding mail programs add after the end.
    updated = pdf() + b"\n% Nachtrag\n%%EOF\r\n\x00\x00"
    assert _check(updated) is PDF


@pytest.mark.django_db
def test_our_own_receipt_passes(soest: Municipality) -> None:
    case = SimpleNamespace(
        reference="SO-2026-00042", submitted_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC), applicant_name="Lena Hoffmann"
    )
    receipt = render_pdf(
        "records/pdf/receipt.html",
        {"municipality": soest, "case": case, "procedure_title": "Bewerbung", "summary": [("Name", "Hoffmann")]},
        title="Eingangsbestätigung SO-2026-00042",
        author=soest.name,
    )
    assert _check(receipt, "SO-2026-00042-eingangsbestaetigung.pdf") is PDF


def test_pictures_as_cameras_and_phones_save_them_pass() -> None:
    photo = Image.new("RGB", (64, 48), "white")
    progressive, with_exif, grey = io.BytesIO(), io.BytesIO(), io.BytesIO()
    photo.save(progressive, format="JPEG", progressive=True, quality=80)
    exif = Image.Exif()
    exif[0x010F] = "Scanner"  # Make
    photo.save(with_exif, format="JPEG", exif=exif)
    photo.convert("L").save(grey, format="PNG", optimize=True)
    assert _check(image("PNG"), "scan.png") is PNG_DOCUMENT
    assert _check(grey.getvalue(), "scan.png") is PNG_DOCUMENT
    assert _check(image("JPEG"), "foto.jpg") is JPEG_DOCUMENT
    assert _check(progressive.getvalue(), "foto.jpg") is JPEG_DOCUMENT
    assert _check(with_exif.getvalue(), "foto.jpg") is JPEG_DOCUMENT
    assert _check(image("JPEG") + b"\x00\x00", "foto.jpg") is JPEG_DOCUMENT


@pytest.mark.parametrize(
    ("original", "content_type", "expected"),
    [
        ("Lebenslauf.hta", "application/pdf", "Lebenslauf.pdf"),
        ("Lebenslauf.pdf.exe", "application/pdf", "Lebenslauf.pdf"),
        ("Lebenslauf.html", "application/pdf", "Lebenslauf.pdf"),
        ("Lebenslauf.exe. . ", "application/pdf", "Lebenslauf.pdf"),
        ("C:\\Users\\Lena\\Zeugnis Müßig.PDF", "application/pdf", "Zeugnis Müßig.pdf"),
        ("Zeugnis v1.2.pdf", "application/pdf", "Zeugnis v1.2.pdf"),
        ("scan.pdf", "image/jpeg", "scan.jpg"),
        ("foto", "image/png", "foto.png"),
        ("Lebenslauf\u202egpj.exe", "application/pdf", "Lebenslaufgpj.pdf"),
        ('<script>"x".pdf', "application/pdf", "script__x.pdf"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        (".hta", "application/pdf", "dokument.pdf"),
        ("CON.pdf", "application/pdf", "CON_.pdf"),
        ("Lebenslauf.pdf", "text/html", "Lebenslauf.bin"),
    ],
)
def test_the_download_name_carries_the_extension_of_the_sniffed_type(
    original: str, content_type: str, expected: str
) -> None:
    assert download_name(original, content_type) == expected


def test_a_long_name_is_cut_and_keeps_its_extension() -> None:
    name = download_name("Bewerbung " * 40 + ".exe", "application/pdf")
    assert name.startswith("Bewerbung Bewerbung")
    assert name.endswith(".pdf")
    assert len(name) <= 100 + len(".pdf")
