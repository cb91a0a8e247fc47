"""The electronic file as a ZIP: documents, metadata, the audit slice and a manifest that vouches for them."""

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfWriter

from rathaus.accounts.models import Membership, User
from rathaus.cases.export import XML_NAMESPACE, case_export, safe_filename
from rathaus.cases.models import Case, Document
from rathaus.cases.services import document_correct, message_from_applicant, note_add
from rathaus.cases.tests import procedure
from rathaus.cases.tests.test_services import submitted_case
from rathaus.municipalities.models import Department, Municipality
from rathaus.procedures import registry
from rathaus.records.models import AuditEvent
from rathaus.records.services import audit_verify
from rathaus.testing import make_department, make_staff

NS = {"akte": XML_NAMESPACE}


def pdf_upload(name: str, width: int) -> SimpleUploadedFile:
    """A one-page PDF; the width makes its bytes, and so its hash, differ from the others'."""
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def permit(soest: Municipality) -> Iterator[Department]:
    registry.register(procedure.TestPermit)
    yield make_department(soest, key="ordnungsamt", name="Ordnungsamt")
    registry.unregister(procedure.TestPermit.key)


@pytest.fixture
def clerk(soest: Municipality, permit: Department) -> User:
    user = make_staff(soest, "sachbearbeitung@soest.example")
    Membership.all_tenants.filter(user=user).update(department=permit)
    return user


@pytest.fixture
def case_with_file(soest: Municipality, clerk: User) -> Case:
    """A case with a corrected attachment, a message with an upload and an internal note."""
    case = submitted_case(soest)
    original = case.documents.get()
    document_correct(document=original, upload=pdf_upload("neu.pdf", 300), actor=clerk, reason="Lesbare Kopie")
    message_from_applicant(
        case=case, user=None, body="Anbei der Plan.", uploads=[pdf_upload("Lageplan Größe.pdf", 400)]
    )
    note_add(case=case, actor=clerk, text="Rückruf vereinbart.")
    return case


def _open(archive: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(archive))


def _hash(content: dict[str, Any], ags: str) -> str:
    """The hash rule as `protokoll.json` states it, written out independently of the service."""
    canonical = json.dumps(
        {
            "municipality": ags,
            "sequence": content["sequence"],
            "created_at": content["created_at"],
            "actor": content["actor_ref"],
            "action": content["action"],
            "object_type": content["object_type"],
            "object_id": content["object_id"],
            "data": content["data"],
            "previous_hash": content["previous_hash"],
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def test_it_packs_every_document_version_the_metadata_the_protocol_and_the_manifest_last(
    case_with_file: Case, clerk: User
) -> None:
    archive = _open(case_export(case=case_with_file, actor=clerk))

    assert archive.namelist() == [
        "dokumente/01-nachweis.pdf",
        "dokumente/02-neu.pdf",
        "dokumente/03-Lageplan_Groesse.pdf",
        "metadaten.json",
        "metadaten.xml",
        "protokoll.json",
        "manifest.json",
    ]
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
    documents = list(Document.all_tenants.filter(case=case_with_file).order_by("created_at", "pk"))
    for name, document in zip(archive.namelist()[:3], documents, strict=True):
        assert hashlib.sha256(archive.read(name)).hexdigest() == document.sha256


def test_the_manifest_vouches_for_every_other_file(case_with_file: Case, clerk: User) -> None:
    archive = _open(case_export(case=case_with_file, actor=clerk))

    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["reference"] == case_with_file.reference
    assert manifest["exported_by"] == str(clerk.pk)
    assert [entry["name"] for entry in manifest["files"]] == archive.namelist()[:-1]
    for entry in manifest["files"]:
        content = archive.read(entry["name"])
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["size"] == len(content)


def test_the_xml_names_the_case_and_each_document_with_its_hash(case_with_file: Case, clerk: User) -> None:
    archive = _open(case_export(case=case_with_file, actor=clerk))

    content = archive.read("metadaten.xml")
    assert content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    akte = ElementTree.fromstring(content)  # noqa: S314 (our own output)
    assert akte.tag == f"{{{XML_NAMESPACE}}}Akte"
    assert akte.findtext("akte:Aktenzeichen", namespaces=NS) == case_with_file.reference
    assert akte.findtext("akte:Kommune/akte:AGS", namespaces=NS) == "05974040"
    assert akte.findtext("akte:Verfahren/akte:Schluessel", namespaces=NS) == "test-permit"
    assert akte.findtext("akte:Antragsteller/akte:Name", namespaces=NS) == "Erika Mustermann"
    answers = {
        angabe.findtext("akte:Bezeichnung", namespaces=NS): angabe.findtext("akte:Wert", namespaces=NS)
        for angabe in akte.iterfind("akte:Angaben/akte:Angabe", NS)
    }
    assert answers["Worum geht es?"] == "Straßenfest"
    listed = {
        element.findtext("akte:SHA256", namespaces=NS): element
        for element in akte.iterfind("akte:Dokumente/akte:Dokument", NS)
    }
    documents = Document.all_tenants.filter(case=case_with_file)
    assert set(listed) == {document.sha256 for document in documents}
    corrected = documents.get(version=2)
    previous = listed[corrected.sha256].find("akte:VorigeVersion", NS)
    assert previous is not None and previous.get("ref") == str(corrected.previous_id)
    assert akte.find("akte:Notizen/akte:Notiz", NS).get("intern") == "true"  # type: ignore[union-attr]
    message = akte.find("akte:Nachrichten/akte:Nachricht", NS)
    assert message is not None and message.get("richtung") == "in"
    attachment = documents.get(original_name="Lageplan Größe.pdf")
    assert [element.get("ref") for element in message.iterfind("akte:Anlage", NS)] == [str(attachment.pk)]
    assert json.loads(archive.read("metadaten.json"))["reference"] == case_with_file.reference


def test_the_protocol_slice_can_be_rechecked_entry_by_entry(case_with_file: Case, clerk: User) -> None:
    archive = _open(case_export(case=case_with_file, actor=clerk))

    protocol = json.loads(archive.read("protokoll.json"))
    events = protocol["events"]
    assert {"case.submitted", "document.corrected", "document.stored", "message.received", "note.added"} <= {
        event["action"] for event in events
    }
    assert [event["sequence"] for event in events] == sorted(event["sequence"] for event in events)
    for event in events:
        assert _hash(event, protocol["municipality"]["ags"]) == event["hash"]


def test_the_export_is_recorded_in_the_audit_trail_with_the_manifest_hash(
    case_with_file: Case, clerk: User, soest: Municipality
) -> None:
    content = case_export(case=case_with_file, actor=clerk)

    entry = AuditEvent.all_tenants.get(action="case.exported")
    assert entry.actor == clerk and entry.object_id == str(case_with_file.pk)
    assert entry.data["manifest_sha256"] == hashlib.sha256(_open(content).read("manifest.json")).hexdigest()
    assert entry.data["sha256"] == hashlib.sha256(content).hexdigest()
    assert audit_verify(municipality=soest) == []


def test_a_missing_file_is_marked_and_the_rest_is_exported(case_with_file: Case, clerk: User) -> None:
    lost = Document.all_tenants.get(original_name="neu.pdf")
    lost.file.storage.delete(str(lost.file.name))

    archive = _open(case_export(case=case_with_file, actor=clerk))

    assert "dokumente/02-neu.pdf" not in archive.namelist()
    listed = json.loads(archive.read("metadaten.json"))["documents"]
    assert [document["file"] for document in listed] == [
        "dokumente/01-nachweis.pdf",
        None,
        "dokumente/03-Lageplan_Groesse.pdf",
    ]


def test_safe_names_keep_no_path_and_only_ascii() -> None:
    assert safe_filename("C:\\Users\\erika\\Bescheid Übersicht.pdf") == "Bescheid_Uebersicht.pdf"
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename(".htaccess") == "htaccess"
    assert safe_filename("Café résumé.PDF") == "Cafe_resume.PDF"
    assert safe_filename("..") == "dokument"
    assert len(safe_filename("a" * 300 + ".pdf")) == 100
    assert safe_filename("a" * 300 + ".pdf").endswith(".pdf")


def _url(slug: str, case: Case) -> str:
    return f"/{slug}/verwaltung/vorgaenge/{case.pk}/export/"


def test_the_clerk_of_the_department_downloads_the_file(case_with_file: Case, clerk: User) -> None:
    client = Client()
    client.force_login(clerk)

    response = client.get(_url("soest", case_with_file))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{case_with_file.reference}-akte.zip"'
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert "manifest.json" in _open(response.content).namelist()


def test_a_clerk_of_another_department_does_not_find_the_case(case_with_file: Case, soest: Municipality) -> None:
    other = make_staff(soest, "kasse@soest.example")
    Membership.all_tenants.filter(user=other).update(department=make_department(soest, key="kasse", name="Kasse"))
    client = Client()
    client.force_login(other)

    assert client.get(_url("soest", case_with_file)).status_code == 404
    assert not AuditEvent.all_tenants.filter(action="case.exported").exists()


def test_staff_of_lippstadt_get_nothing_of_a_soest_case(case_with_file: Case, lippstadt: Municipality) -> None:
    client = Client()
    client.force_login(make_staff(lippstadt, "admin@lippstadt.example", role=Membership.Role.ADMIN))

    assert client.get(_url("soest", case_with_file)).status_code == 403
    assert client.get(_url("lippstadt", case_with_file)).status_code == 404
    assert not AuditEvent.all_tenants.filter(action="case.exported").exists()
