"""A case's electronic file (E-Akte) as one ZIP, to hand over, archive or inspect.

The archive holds, always in this order:

- `dokumente/<nn>-<name>`: every document of the case, all versions, oldest first, named as it is
  downloaded (`Document.download_name`: the extension is the sniffed type's, never the uploaded one);
- `verfahren/<name>`: extra files the procedure adds (`Procedure.export`);
- `metadaten.json` and `metadaten.xml`: the case, the answers, documents, messages, internal notes,
  document requests and the timeline. The XML borrows the shape of an xdomea "Akte" (namespace
  `urn:rathaus:akte:1`) without claiming conformance to xdomea;
- `protokoll.json`: the audit entries about the case with their hashes, so that a reader can
  recompute each hash and check that the entries follow one another;
- `manifest.json`, last: the SHA-256 and size of every other file, when and by whom it was exported.

Exporting is itself recorded in the audit trail ("case.exported") with the manifest's and the
archive's SHA-256.
"""

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from django.db.models import Q
from django.utils import timezone

from rathaus.accounts.models import User
from rathaus.cases.models import Case, CaseEvent, Document, DocumentRequest, Message, Note
from rathaus.procedures import registry
from rathaus.procedures.base import Procedure
from rathaus.records.models import AuditEvent
from rathaus.records.services import audit_record

XML_NAMESPACE = "urn:rathaus:akte:1"
MAX_NAME_LENGTH = 100
# How `records.services._digest` hashes an entry, for whoever re-checks `protokoll.json` outside Rathaus.
HASH_RULE = (
    "hash = SHA-256 over the UTF-8 JSON (keys sorted, separators ',' and ':', non-ASCII kept) of "
    "{municipality: AGS, sequence, created_at, actor: actor_ref, action, object_type, object_id, data, "
    "previous_hash}; each entry's previous_hash is the hash of the entry before it in the municipality's chain."
)

# How the audit entries name a document: entries written before the model moved from `records` to
# `cases` keep the old label, since it is part of their hash.
DOCUMENT_TYPES = (Document._meta.label_lower, "records.document")

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def safe_filename(name: str, *, fallback: str = "dokument") -> str:
    """A file name that is safe in any ZIP tool and file system: ASCII, no path, no leading dot."""
    # Some browsers send the whole client path ("C:\\Users\\…\\scan.pdf"): only its last part counts.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    folded = unicodedata.normalize("NFKD", name.translate(_UMLAUTS)).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", folded).strip("._-")
    if len(cleaned) > MAX_NAME_LENGTH:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            cleaned = f"{stem[: MAX_NAME_LENGTH - len(extension) - 1]}.{extension}"
        else:
            cleaned = cleaned[:MAX_NAME_LENGTH]
    return cleaned or fallback


def case_export(*, case: Case, actor: User | None) -> bytes:
    """The case's electronic file as a ZIP archive (see the module docstring); records "case.exported"."""
    exported_at = timezone.now()
    procedure = _procedure(case)
    documents = list(Document.objects.of(case.municipality_id).filter(case=case).order_by("created_at", "pk"))
    files: list[tuple[str, bytes]] = []
    document_names: dict[int, str | None] = {}
    for number, document in enumerate(documents, start=1):
        content = _read(document)
        name = f"dokumente/{number:02d}-{safe_filename(document.download_name)}"
        document_names[document.pk] = name if content is not None else None
        if content is not None:
            files.append((name, content))
    if procedure is not None:
        extra = procedure.export(case)
        files.extend((f"verfahren/{safe_filename(name)}", extra[name]) for name in sorted(extra))

    metadata = _metadata(case, procedure, documents, document_names)
    files.append(("metadaten.json", _json(metadata)))
    files.append(("metadaten.xml", _xml(metadata)))
    files.append(("protokoll.json", _json(_audit_slice(case, documents))))
    manifest = _json(
        {
            "reference": case.reference,
            "municipality": case.municipality.ags,
            "exported_at": exported_at.isoformat(),
            "exported_by": str(actor.pk) if actor is not None else None,
            "files": [
                {"name": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
                for name, content in files
            ],
        }
    )
    files.append(("manifest.json", manifest))
    archive = _zip(files, timezone.localtime(exported_at))

    audit_record(
        municipality=case.municipality,
        actor=actor,
        action="case.exported",
        obj=case,
        data={
            "reference": case.reference,
            "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
            "sha256": hashlib.sha256(archive).hexdigest(),
            "files": len(files),
        },
    )
    return archive


def _procedure(case: Case) -> Procedure | None:
    try:
        return registry.get(case.procedure_key)(case.municipality)
    except KeyError:
        # A procedure that was removed since: the file is still exported, with the answers as stored.
        return None


def _read(document: Document) -> bytes | None:
    if not document.file:
        return None
    try:
        with document.file.open("rb") as handle:
            content: bytes = handle.read()
    except OSError:
        # A missing file must not hide the rest of the record; the metadata marks it as missing.
        return None
    return content


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _answers(case: Case, procedure: Procedure | None) -> list[dict[str, str]]:
    if not case.answers:
        return []  # anonymised
    if procedure is None:
        return [
            {"step": step, "label": name, "value": json.dumps(value, ensure_ascii=False)}
            for step, values in case.answers.items()
            for name, value in values.items()
        ]
    return [
        {"step": str(section.step.title), "label": str(line.label), "value": line.value}
        for section in procedure.review(case.answers)
        for line in section.lines
    ]


def _metadata(
    case: Case, procedure: Procedure | None, documents: list[Document], document_names: dict[int, str | None]
) -> dict[str, Any]:
    messages = list(Message.objects.of(case.municipality_id).filter(case=case).order_by("created_at", "pk"))
    attachments: dict[int, list[int]] = {}
    for document in documents:
        if document.message_id is not None:
            attachments.setdefault(document.message_id, []).append(document.pk)
    return {
        "reference": case.reference,
        "municipality": {"name": case.municipality.name, "ags": case.municipality.ags},
        "procedure": {"key": case.procedure_key, "title": str(procedure.title) if procedure else case.procedure_key},
        "subject": case.subject,
        "status": {
            "key": case.status,
            "label": str(procedure.workflow.label(case.status)) if procedure else case.status,
        },
        "department": {"key": case.department.key, "name": case.department.name},
        "submitted_at": _iso(case.submitted_at),
        "due_at": _iso(case.due_at),
        "closed_at": _iso(case.closed_at),
        "retention_until": _iso(case.retention_until),
        "retention_basis": procedure.retention.basis if procedure else "",
        "legal_hold": case.legal_hold,
        "anonymised_at": _iso(case.anonymised_at),
        "fee": str(case.fee),
        "payment_status": case.payment_status,
        "applicant": {"name": case.applicant_name, "email": case.applicant_email},
        "answers": _answers(case, procedure),
        "documents": [
            {
                "id": document.pk,
                "title": document.title,
                "kind": document.kind,
                "version": document.version,
                "previous": document.previous_id,
                "file": document_names[document.pk],
                "original_name": document.original_name,
                "content_type": document.content_type,
                "sha256": document.sha256,
                "size": document.size,
                "created_at": _iso(document.created_at),
                "created_by": str(document.created_by_id) if document.created_by_id else None,
                "visible_to_applicant": document.visible_to_applicant,
                "message": document.message_id,
            }
            for document in documents
        ],
        "messages": [
            {
                "id": message.pk,
                "direction": message.direction,
                "subject": message.subject,
                "body": message.body,
                "created_at": _iso(message.created_at),
                "read_at": _iso(message.read_at),
                "attachments": attachments.get(message.pk, []),
            }
            for message in messages
        ],
        "notes": [
            {
                "id": note.pk,
                "internal": True,
                "author": str(note.author_id) if note.author_id else None,
                "text": note.text,
                "created_at": _iso(note.created_at),
            }
            for note in Note.objects.of(case.municipality_id).filter(case=case).order_by("created_at", "pk")
        ],
        "document_requests": [
            {
                "id": request.pk,
                "text": request.text,
                "due_on": request.due_on.isoformat(),
                "created_at": _iso(request.created_at),
                "fulfilled_at": _iso(request.fulfilled_at),
            }
            for request in DocumentRequest.objects.of(case.municipality_id)
            .filter(case=case)
            .order_by("created_at", "pk")
        ],
        "events": [
            {"kind": event.kind, "status": event.status, "text": event.text, "created_at": _iso(event.created_at)}
            for event in CaseEvent.objects.of(case.municipality_id).filter(case=case).order_by("created_at", "pk")
        ],
    }


def _audit_slice(case: Case, documents: list[Document]) -> dict[str, Any]:
    """The entries about the case, its documents, messages and notes, in chain order."""
    about = (
        Q(object_type="cases.case", object_id=str(case.pk))
        | Q(data__case=case.reference)
        | Q(object_type__in=DOCUMENT_TYPES, object_id__in=[str(document.pk) for document in documents])
    )
    events = AuditEvent.objects.of(case.municipality_id).filter(about).order_by("sequence")
    return {
        "municipality": {"name": case.municipality.name, "ags": case.municipality.ags},
        "hash_rule": HASH_RULE,
        "events": [
            {
                "sequence": event.sequence,
                "created_at": event.created_at.isoformat(),
                "actor_ref": event.actor_ref,
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "data": event.data,
                "previous_hash": event.previous_hash,
                "hash": event.hash,
            }
            for event in events
        ],
    }


def _json(content: dict[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, indent=2).encode()


def _element(parent: ElementTree.Element, tag: str, text: object = None, **attributes: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, f"{{{XML_NAMESPACE}}}{tag}", attributes)
    if text is not None:
        element.text = str(text)
    return element


def _xml(metadata: dict[str, Any]) -> bytes:
    ElementTree.register_namespace("", XML_NAMESPACE)
    akte = ElementTree.Element(f"{{{XML_NAMESPACE}}}Akte")
    _element(akte, "Aktenzeichen", metadata["reference"])
    kommune = _element(akte, "Kommune")
    _element(kommune, "Name", metadata["municipality"]["name"])
    _element(kommune, "AGS", metadata["municipality"]["ags"])
    verfahren = _element(akte, "Verfahren")
    _element(verfahren, "Schluessel", metadata["procedure"]["key"])
    _element(verfahren, "Titel", metadata["procedure"]["title"])
    _element(akte, "Betreff", metadata["subject"])
    _element(akte, "Status", metadata["status"]["label"], schluessel=metadata["status"]["key"])
    _element(akte, "Fachbereich", metadata["department"]["name"], schluessel=metadata["department"]["key"])
    fristen = _element(akte, "Daten")
    for tag, key in (
        ("Eingang", "submitted_at"),
        ("Entscheidungsfrist", "due_at"),
        ("Abschluss", "closed_at"),
        ("AufbewahrenBis", "retention_until"),
        ("Anonymisiert", "anonymised_at"),
    ):
        if metadata[key] is not None:
            _element(fristen, tag, metadata[key])
    _element(akte, "Aufbewahrung", metadata["retention_basis"], loeschsperre=str(metadata["legal_hold"]).lower())
    _element(akte, "Gebuehr", metadata["fee"], zahlung=metadata["payment_status"])
    antragsteller = _element(akte, "Antragsteller")
    _element(antragsteller, "Name", metadata["applicant"]["name"])
    _element(antragsteller, "EMail", metadata["applicant"]["email"])
    angaben = _element(akte, "Angaben")
    for answer in metadata["answers"]:
        angabe = _element(angaben, "Angabe", schritt=answer["step"])
        _element(angabe, "Bezeichnung", answer["label"])
        _element(angabe, "Wert", answer["value"])
    dokumente = _element(akte, "Dokumente")
    for document in metadata["documents"]:
        dokument = _element(dokumente, "Dokument", id=str(document["id"]))
        _element(dokument, "Titel", document["title"])
        _element(dokument, "Art", document["kind"])
        _element(dokument, "Version", document["version"])
        if document["previous"] is not None:
            _element(dokument, "VorigeVersion", ref=str(document["previous"]))
        if document["file"] is not None:
            _element(dokument, "Datei", document["file"])
        else:
            _element(dokument, "Datei", fehlt="true")
        _element(dokument, "Dateiname", document["original_name"])
        _element(dokument, "Format", document["content_type"])
        _element(dokument, "SHA256", document["sha256"])
        _element(dokument, "Groesse", document["size"])
        _element(dokument, "ErstelltAm", document["created_at"])
        if document["created_by"] is not None:
            _element(dokument, "ErstelltVon", document["created_by"])
    nachrichten = _element(akte, "Nachrichten")
    for message in metadata["messages"]:
        nachricht = _element(nachrichten, "Nachricht", id=str(message["id"]), richtung=message["direction"])
        _element(nachricht, "Betreff", message["subject"])
        _element(nachricht, "Text", message["body"])
        _element(nachricht, "Datum", message["created_at"])
        for document_id in message["attachments"]:
            _element(nachricht, "Anlage", ref=str(document_id))
    notizen = _element(akte, "Notizen")
    for note in metadata["notes"]:
        notiz = _element(notizen, "Notiz", id=str(note["id"]), intern="true")
        _element(notiz, "Text", note["text"])
        _element(notiz, "Datum", note["created_at"])
        if note["author"] is not None:
            _element(notiz, "Verfasser", note["author"])
    nachforderungen = _element(akte, "Nachforderungen")
    for request in metadata["document_requests"]:
        nachforderung = _element(nachforderungen, "Nachforderung", id=str(request["id"]))
        _element(nachforderung, "Text", request["text"])
        _element(nachforderung, "Frist", request["due_on"])
        _element(nachforderung, "Datum", request["created_at"])
        if request["fulfilled_at"] is not None:
            _element(nachforderung, "Erledigt", request["fulfilled_at"])
    verlauf = _element(akte, "Verlauf")
    for event in metadata["events"]:
        ereignis = _element(verlauf, "Ereignis", art=event["kind"])
        if event["status"]:
            _element(ereignis, "Status", event["status"])
        if event["text"]:
            _element(ereignis, "Text", event["text"])
        _element(ereignis, "Datum", event["created_at"])
    tree = ElementTree.ElementTree(akte)
    ElementTree.indent(tree)
    buffer = io.BytesIO()
    tree.write(buffer, encoding="utf-8", xml_declaration=True)
    return buffer.getvalue()


def _zip(files: list[tuple[str, bytes]], stamp: datetime) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            # Every entry carries the export time, so the archive does not depend on when files were stored.
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
