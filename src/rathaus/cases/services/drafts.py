"""Applications being filled in: starting one, keeping its steps, discarding it."""

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.cases.models import Draft, Upload
from rathaus.cases.services.common import procedure_for
from rathaus.catalog.models import Service
from rathaus.core.uploads import DocumentType, sha256_of, validate_document_upload
from rathaus.municipalities.models import Municipality
from rathaus.procedures import registry
from rathaus.procedures.base import Step

# The answers' key for what was typed on steps that are not complete yet; `case_submit` drops it.
PARTIAL = "_partial"


def draft_start(
    *,
    municipality: Municipality,
    procedure_key: str,
    user: User | None,
    service: Service | None = None,
    params: Mapping[str, str] | None = None,
) -> Draft:
    """Starts an application. The procedure checks the start link (e.g. that the job posting is still open)."""
    try:
        procedure = registry.get(procedure_key)(municipality)
    except KeyError:
        raise ValidationError(_("Dieses Verfahren gibt es nicht.")) from None
    context = procedure.initial(params or {})
    return Draft.objects.create(
        municipality=municipality,
        procedure_key=procedure_key,
        service=service,
        user=user if user is not None and user.is_authenticated else None,
        context=context,
    )


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if hasattr(value, "pk"):
        return value.pk
    return value


@transaction.atomic
def draft_save_step(
    *, draft: Draft, step: Step, cleaned_data: Mapping[str, Any], files: Mapping[str, list[UploadedFile[bytes]]]
) -> Draft:
    """Keeps a valid step's answers in place of what was typed there before. Uploads are checked against
    the procedure's limits, stored with their SHA-256 and replace earlier uploads of the same field; the
    answers keep their ids."""
    procedure = procedure_for(draft)
    rule = procedure.attachments
    answers = dict(draft.answers.get(step.key, {}))
    for name, value in cleaned_data.items():
        if name not in files:
            answers[name] = _json_safe(value)
    replaced = [name for name, uploads in files.items() if uploads]
    kept = draft.uploads.exclude(field__in=[f"{step.key}.{name}" for name in replaced]).count()
    incoming = sum(len(uploads) for uploads in files.values())
    if kept + incoming > rule.max_files:
        raise ValidationError(
            _("Sie können höchstens %(count)s Dateien zu diesem Antrag hochladen.") % {"count": rule.max_files}
        )
    # Every file is checked before any is stored: a refused file leaves the draft as it was.
    checked: dict[str, list[tuple[UploadedFile[bytes], DocumentType]]] = {}
    problems: dict[str, list[str]] = {}
    for name, uploads in files.items():
        for upload in uploads:
            try:
                document_type = validate_document_upload(upload, allowed=rule.types, max_bytes=rule.max_bytes)
            except ValidationError as error:
                problems.setdefault(name, []).extend(f"{upload.name}: {message}" for message in error.messages)
            else:
                checked.setdefault(name, []).append((upload, document_type))
    if problems:
        raise ValidationError(problems)
    for name, uploads in files.items():
        if not uploads:
            answers.setdefault(name, [])
            continue
        for old in draft.uploads.filter(field=f"{step.key}.{name}"):
            old.file.delete(save=False)
            old.delete()
        stored = []
        for upload, document_type in checked[name]:
            row = Upload(
                municipality=draft.municipality,
                draft=draft,
                field=f"{step.key}.{name}",
                original_name=(upload.name or "datei")[:255],
                content_type=document_type.content_type,
                size=upload.size or 0,
                sha256=sha256_of(upload),
            )
            row.file.save(f"{uuid.uuid4().hex}.{document_type.extension}", upload, save=False)
            row.save()
            stored.append({"upload": row.pk, "name": row.original_name, "sha256": row.sha256})
        answers[name] = stored
    draft.answers = {**draft.answers, step.key: answers}
    if PARTIAL in draft.answers:
        draft.answers[PARTIAL] = {key: typed for key, typed in draft.answers[PARTIAL].items() if key != step.key}
    draft.save(update_fields=["answers", "updated_at"])
    return draft


def draft_keep_partial(*, draft: Draft, step: Step, values: Mapping[str, Any]) -> Draft:
    """Keeps what was typed on a step that is not complete yet, so that going back or saving for later
    loses nothing. The step still counts as unanswered until `draft_save_step` keeps it."""
    typed = {name: _json_safe(value) for name, value in values.items()}
    draft.answers = {**draft.answers, PARTIAL: {**draft.answers.get(PARTIAL, {}), step.key: typed}}
    draft.save(update_fields=["answers", "updated_at"])
    return draft


def draft_discard(*, draft: Draft) -> None:
    for upload in draft.uploads.all():
        upload.file.delete(save=False)
    draft.delete()
