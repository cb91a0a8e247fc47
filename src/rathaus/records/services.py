import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone

from rathaus.municipalities.models import Municipality
from rathaus.records.actions import action_check
from rathaus.records.models import GENESIS_HASH, AuditEvent


def _digest(event: AuditEvent, ags: str) -> str:
    """SHA-256 over a canonical JSON of everything the entry says, including its predecessor."""
    content = {
        "municipality": ags,
        "sequence": event.sequence,
        "created_at": event.created_at.isoformat(),
        "actor": event.actor_ref,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "data": event.data,
        "previous_hash": event.previous_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def audit_record(
    *,
    municipality: Municipality,
    actor: AbstractBaseUser | None,
    action: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Appends an entry to the municipality's audit chain. Call it inside the write's transaction,
    so that the change and its record are stored together or not at all. `action` is a code of the
    audit vocabulary (`records.actions`): an undeclared one raises `UnknownAuditAction`."""
    action_check(action)
    with transaction.atomic():
        # Serialise writers per municipality: the row lock (PostgreSQL) or the immediate write
        # transaction (SQLite) keeps two entries from claiming the same place in the chain.
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        last = AuditEvent.objects.filter(municipality=municipality).order_by("-sequence").first()
        event = AuditEvent(
            municipality=municipality,
            sequence=(last.sequence + 1) if last else 1,
            created_at=timezone.now(),
            actor=actor,  # type: ignore[misc]  # the user model, named by settings.AUTH_USER_MODEL
            actor_ref=str(actor.pk) if actor else "",
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            data=data or {},
            previous_hash=last.hash if last else GENESIS_HASH,
        )
        # JSON round trip so the hash is computed over exactly what the database gives back.
        event.data = json.loads(json.dumps(event.data, default=str))
        event.hash = _digest(event, municipality.ags)
        event.save()
    return event


@dataclass(frozen=True)
class ChainBreak:
    municipality: str
    sequence: int
    reason: str

    def __str__(self) -> str:
        return f"{self.municipality}: entry #{self.sequence}: {self.reason}"


def audit_verify(*, municipality: Municipality | None = None, newest: int | None = None) -> list[ChainBreak]:
    """Checks every chain (or one municipality's) and returns the first break of each.

    With `newest`, only that many of the latest entries are checked, each against the one
    before it: cheap enough for a page view. The command checks whole chains.
    """
    municipalities = [municipality] if municipality else list(Municipality.objects.order_by("name"))
    breaks = []
    for current in municipalities:
        events = AuditEvent.objects.filter(municipality=current).order_by("sequence", "pk")
        previous_hash = GENESIS_HASH
        expected_sequence = 1
        if newest is not None:
            last = events.last()
            start = max(1, last.sequence - newest + 1) if last else 1
            if start > 1:
                anchor = events.filter(sequence=start - 1).first()
                if anchor is None:
                    breaks.append(ChainBreak(current.name, start - 1, "is missing"))
                    continue
                previous_hash = anchor.hash
            events = events.filter(sequence__gte=start)
            expected_sequence = start
        for event in events.iterator(chunk_size=2000):
            reason = None
            if event.sequence != expected_sequence:
                reason = f"expected entry #{expected_sequence} here: entries are missing or out of order"
            elif event.previous_hash != previous_hash:
                reason = "does not follow the entry before it: an entry was removed, inserted or reordered"
            elif _digest(event, current.ags) != event.hash:
                reason = f"content changed since it was written ({event.action})"
            if reason:
                breaks.append(ChainBreak(current.name, event.sequence, reason))
                break
            previous_hash = event.hash
            expected_sequence += 1
    return breaks
