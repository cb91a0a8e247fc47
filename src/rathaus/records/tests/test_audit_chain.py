from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from rathaus.accounts.models import User
from rathaus.core.capability import permissions
from rathaus.municipalities.models import Municipality
from rathaus.records.actions import UnknownAuditAction, vocabulary
from rathaus.records.models import GENESIS_HASH, AppendOnlyError, AuditEvent
from rathaus.records.services import audit_record, audit_verify
from rathaus.testing import make_department, make_service


@pytest.fixture
def chain(soest: Municipality, admin_of_soest: User) -> list[AuditEvent]:
    return [
        audit_record(municipality=soest, actor=admin_of_soest, action="municipality.updated", data={"n": number})
        for number in range(1, 6)
    ]


def _verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as error:
        return 1, err.getvalue() + str(error)
    return 0, out.getvalue()


def test_entries_are_numbered_and_chained_per_municipality(chain: list[AuditEvent], lippstadt: Municipality) -> None:
    other = audit_record(municipality=lippstadt, actor=None, action="municipality.updated")
    assert [event.sequence for event in chain] == [1, 2, 3, 4, 5]
    assert chain[0].previous_hash == GENESIS_HASH
    assert all(later.previous_hash == earlier.hash for earlier, later in zip(chain, chain[1:], strict=False))
    assert (other.sequence, other.previous_hash) == (1, GENESIS_HASH)
    assert _verify() == (0, "Audit trail intact: 6 entries verified.\n")


def test_an_edited_row_is_found_and_named(chain: list[AuditEvent]) -> None:
    AuditEvent.all_tenants.filter(pk=chain[2].pk).update(data={"n": 99})
    code, output = _verify()
    assert code == 1
    assert "Stadt Soest: entry #3: content changed since it was written (municipality.updated)" in output


def test_a_deleted_row_is_found(chain: list[AuditEvent]) -> None:
    AuditEvent.all_tenants.filter(pk=chain[1].pk)._raw_delete(using="default")
    code, output = _verify()
    assert code == 1
    assert "entry #3: expected entry #2 here" in output


def test_deleting_the_last_rows_and_renumbering_is_found(chain: list[AuditEvent]) -> None:
    # A forger removes entry 2 and shifts the later ones down to hide the gap.
    AuditEvent.all_tenants.filter(pk=chain[1].pk)._raw_delete(using="default")
    for event in chain[2:]:
        AuditEvent.all_tenants.filter(pk=event.pk).update(sequence=event.sequence - 1)
    code, output = _verify()
    assert code == 1
    assert "entry #2: does not follow the entry before it" in output


def test_reordered_rows_are_found(chain: list[AuditEvent]) -> None:
    AuditEvent.all_tenants.filter(pk=chain[3].pk).update(sequence=1000)
    AuditEvent.all_tenants.filter(pk=chain[2].pk).update(sequence=4)
    AuditEvent.all_tenants.filter(pk=chain[3].pk).update(sequence=3)
    code, output = _verify()
    assert code == 1
    assert "entry #3: does not follow the entry before it" in output


def test_a_recomputed_hash_still_breaks_the_next_link(chain: list[AuditEvent], soest: Municipality) -> None:
    from rathaus.records.services import _digest

    forged = AuditEvent.all_tenants.get(pk=chain[1].pk)
    forged.data = {"n": 42}
    new_hash = _digest(forged, soest.ags)
    AuditEvent.all_tenants.filter(pk=forged.pk).update(data=forged.data, hash=new_hash)
    breaks = audit_verify(municipality=soest)
    assert [(b.sequence, b.reason.split(":")[0]) for b in breaks] == [(3, "does not follow the entry before it")]


def test_entries_cannot_be_changed_or_deleted_through_the_model(chain: list[AuditEvent]) -> None:
    event = chain[0]
    event.action = "membership.granted"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db
def test_verify_names_an_unknown_municipality() -> None:
    with pytest.raises(CommandError, match="There is no municipality 'atlantis'"):
        call_command("audit", "verify", "--municipality", "atlantis")


def test_admin_changes_are_recorded_with_who_and_what(
    admin_client: Client, admin_of_soest: User, soest: Municipality
) -> None:
    service = make_service(soest, leika_key="99008001000000", name="Personalausweis beantragen")
    admin_client.post(
        f"/soest/verwaltung/leistungen/{service.pk}/",
        {
            "name": "Personalausweis beantragen",
            "leika_key": service.leika_key,
            "summary": "Neu formuliert.",
            "department": service.department_id,
            "channel": "appointment",
        },
    )
    department = make_department(soest, key="standesamt", name="Standesamt")
    admin_client.post(
        f"/soest/verwaltung/fachbereiche/{department.pk}/", {"name": "Standesamt Soest", "key": "standesamt"}
    )

    events = list(AuditEvent.all_tenants.filter(municipality=soest))
    assert [(e.action, e.actor_id) for e in events] == [
        ("service.updated", admin_of_soest.pk),
        ("department.updated", admin_of_soest.pk),
    ]
    assert events[0].object_id == str(service.pk)
    assert events[0].data == {"fields": ["summary"]}
    assert audit_verify() == []


def test_a_refused_write_leaves_no_entry(admin_client: Client, soest: Municipality) -> None:
    admin_client.post("/soest/verwaltung/fachbereiche/neu/", {"name": "", "key": "x y"})
    assert not AuditEvent.all_tenants.exists()


def test_admin_sees_the_log_and_the_chain_status(admin_client: Client, chain: list[AuditEvent]) -> None:
    body = admin_client.get("/soest/verwaltung/protokoll/").content.decode()
    assert "Die Kette ist vollständig und unverändert." in body
    # Actions in words, not codes.
    assert "Angaben der Kommune geändert" in body
    assert "municipality.updated" not in body

    AuditEvent.all_tenants.filter(pk=chain[3].pk).update(action="membership.granted")
    body = admin_client.get("/soest/verwaltung/protokoll/").content.decode()
    assert "Die Kette ist bei Eintrag 4 unterbrochen." in body


def test_clerks_do_not_see_the_log(clerk_of_soest: User, chain: list[AuditEvent]) -> None:
    client = Client()
    client.force_login(clerk_of_soest)
    assert client.get("/soest/verwaltung/protokoll/").status_code == 403


def test_checking_only_the_newest_entries_leaves_older_ones_to_the_full_check(
    chain: list[AuditEvent], soest: Municipality
) -> None:
    AuditEvent.all_tenants.filter(pk=chain[0].pk).update(data={"n": 99})
    assert audit_verify(municipality=soest, newest=3) == []
    assert [b.sequence for b in audit_verify(municipality=soest)] == [1]

    AuditEvent.all_tenants.filter(pk=chain[3].pk).update(data={"n": 99})
    assert [b.sequence for b in audit_verify(municipality=soest, newest=3)] == [4]


def test_an_action_nobody_declared_is_refused_and_nothing_is_written(soest: Municipality) -> None:
    with pytest.raises(UnknownAuditAction, match="case.vewed"):
        audit_record(municipality=soest, actor=None, action="case.vewed")
    assert not AuditEvent.all_tenants.exists()


def test_every_action_the_code_writes_is_declared_with_words() -> None:
    """Every string in the apps' code that looks like an action code of a declared family
    ("case.…", "trade.…") is declared, with words of its own."""
    import ast
    import re
    from pathlib import Path

    families = {code.split(".")[0] for code in vocabulary()}
    root = Path(__file__).resolve().parents[2]
    written = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                match = re.fullmatch(r"([a-z_]+)\.([a-z_]+)", node.value)
                if match and match.group(1) in families:
                    written.add(node.value)
    written -= set(permissions())  # "trade.register" names a permission, not an action
    assert len(written) > 30
    assert written <= set(vocabulary()), written - set(vocabulary())
    assert all(str(label) and str(label) != code for code, label in vocabulary().items())
