"""The clerks' back office over HTTP: the work queue, the electronic file and every action on it."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rathaus.accounts.models import Membership, User
from rathaus.cases.models import Case, Document, DocumentRequest, Message, Note
from rathaus.cases.services import case_submit, message_to_applicant, note_add
from rathaus.cases.tests.conftest import pdf_bytes, pdf_upload
from rathaus.cases.tests.test_queue import make_case
from rathaus.cases.tests.test_services import complete_draft, submitted_case
from rathaus.municipalities.models import Department, Municipality
from rathaus.payments.models import Payment
from rathaus.records.models import AuditEvent
from rathaus.testing import make_department, make_staff

pytestmark = pytest.mark.usefixtures("test_permit", "permit_office")


def file_url(case: Case, action: str = "") -> str:
    return f"/{case.municipality.slug}/verwaltung/vorgaenge/{case.pk}/{action}"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def office_clerk(soest: Municipality, permit_office: Department) -> User:
    clerk = make_staff(soest, "ordnungsamt@soest.example")
    Membership.all_tenants.filter(user=clerk).update(department=permit_office)
    return clerk


@pytest.fixture
def clerk(office_clerk: User) -> Client:
    return client_for(office_clerk)


@pytest.fixture
def other_department_clerk(soest: Municipality, permit_office: Department) -> User:
    clerk = make_staff(soest, "buergerbuero@soest.example")
    Membership.all_tenants.filter(user=clerk).update(department=make_department(soest))
    return clerk


@pytest.fixture
def case(soest: Municipality) -> Case:
    return submitted_case(soest)


# The work queue ----------------------------------------------------------------------------------


def test_the_queue_lists_open_cases_with_status_deadline_and_overdue_as_text(
    soest: Municipality, permit_office: Department, clerk: Client
) -> None:
    fresh = submitted_case(soest)
    late = make_case(soest, permit_office, submitted_at=timezone.now() - timedelta(days=40))
    make_case(soest, permit_office, status="approved", closed=True)

    response = clerk.get("/soest/verwaltung/vorgaenge/")

    assert response.status_code == 200
    page = response.content.decode()
    assert fresh.reference in page and late.reference in page
    assert f'href="/soest/verwaltung/vorgaenge/{fresh.pk}/"' in page
    assert "Erika Mustermann" in page and "Eingegangen" in page
    assert page.count(">überfällig<") == 1
    assert "2 Vorgänge" in page
    assert "<caption" in page and 'scope="col"' in page


def test_the_queue_filters_by_status_and_finds_by_reference(
    soest: Municipality, permit_office: Department, clerk: Client
) -> None:
    open_case = make_case(soest, permit_office)
    closed = make_case(soest, permit_office, status="approved", closed=True)

    everything = clerk.get("/soest/verwaltung/vorgaenge/", {"status": "all"}).content.decode()
    approved = clerk.get("/soest/verwaltung/vorgaenge/", {"status": "approved"}).content.decode()
    found = clerk.get("/soest/verwaltung/vorgaenge/", {"status": "all", "suche": closed.reference.lower()})

    assert open_case.reference in everything and closed.reference in everything
    assert closed.reference in approved and open_case.reference not in approved
    assert [case.reference for case in found.context["page"].rows] == [closed.reference]
    # The states offered are those of the procedures that have cases here.
    assert '<option value="in_review">In Bearbeitung</option>' in everything


def test_the_queue_shows_an_empty_state_and_keeps_bad_filters_from_breaking_it(clerk: Client) -> None:
    response = clerk.get("/soest/verwaltung/vorgaenge/", {"status": "gibt-es-nicht", "sortierung": "answers"})

    assert response.status_code == 200
    assert "Keine Vorgänge gefunden" in response.content.decode()


def test_the_queue_pages_and_sorts_with_links(soest: Municipality, permit_office: Department, clerk: Client) -> None:
    for _ in range(26):
        make_case(soest, permit_office)

    first = clerk.get("/soest/verwaltung/vorgaenge/", {"meine": "", "sortierung": "reference"}).content.decode()
    second = clerk.get("/soest/verwaltung/vorgaenge/", {"sortierung": "reference", "seite": "2"}).content.decode()

    assert "Nächste Seite" in first and "Vorherige Seite" not in first
    assert "sortierung=reference&amp;seite=2" in first
    assert "Vorherige Seite" in second and "Nächste Seite" not in second
    assert 'aria-sort="ascending"' in first


def test_the_dashboard_links_to_the_queue(clerk: Client) -> None:
    page = clerk.get("/soest/verwaltung/").content.decode()
    assert 'href="/soest/verwaltung/vorgaenge/"' in page


def test_the_queue_is_for_staff_only(soest: Municipality, citizen: User, clerk_of_lippstadt: User) -> None:
    assert Client().get("/soest/verwaltung/vorgaenge/").status_code == 302
    assert client_for(citizen).get("/soest/verwaltung/vorgaenge/").status_code == 403
    assert client_for(clerk_of_lippstadt).get("/soest/verwaltung/vorgaenge/").status_code == 403


# The electronic file -----------------------------------------------------------------------------


def test_opening_the_file_shows_everything_and_is_recorded(case: Case, clerk: Client, office_clerk: User) -> None:
    response = clerk.get(file_url(case))

    assert response.status_code == 200
    page = response.content.decode()
    attachment = case.documents.get()
    assert case.reference in page and "Erika Mustermann" in page and "Straßenfest" in page
    assert "nachweis.pdf" in page and attachment.sha256[:12] in page and f'title="{attachment.sha256}"' in page
    assert "Bearbeitung beginnen" in page  # the step this clerk may take now
    assert "Antrag zurückziehen" not in page  # the applicant's step is not offered to staff
    assert "Ablegen" not in page  # admins only, and not from this state anyway
    assert "intern – nie für Antragstellende sichtbar" in page
    viewed = AuditEvent.all_tenants.get(action="case.viewed")
    assert viewed.actor == office_clerk and viewed.object_id == str(case.pk)
    # The file's log names the actions in words (records.actions), not by their codes.
    assert "Antrag eingegangen" in page and "Akte mit personenbezogenen Daten geöffnet" in page
    assert "case.submitted" not in page


def test_a_clerk_of_another_department_cannot_open_or_touch_the_file(case: Case, other_department_clerk: User) -> None:
    client = client_for(other_department_clerk)

    assert client.get(file_url(case)).status_code == 404
    assert client.post(file_url(case, "notiz/"), {"notiz-text": "Fremd"}).status_code == 404
    assert client.post(file_url(case, "schritt/start/")).status_code == 404
    assert client.get(file_url(case, f"dokumente/{case.documents.get().pk}/")).status_code == 404
    case.refresh_from_db()
    assert case.status == "submitted" and not Note.all_tenants.exists()
    assert not AuditEvent.all_tenants.filter(action="case.viewed").exists()


def test_lippstadt_staff_reach_no_soest_file(case: Case, lippstadt: Municipality, clerk_of_lippstadt: User) -> None:
    client = client_for(clerk_of_lippstadt)

    assert client.get(file_url(case)).status_code == 403
    assert client.post(file_url(case, "uebernehmen/")).status_code == 403
    assert client.get(f"/lippstadt/verwaltung/vorgaenge/{case.pk}/").status_code == 404
    assert client.post(f"/lippstadt/verwaltung/vorgaenge/{case.pk}/uebernehmen/").status_code == 404
    case.refresh_from_db()
    assert case.assigned_to is None


def test_a_clerk_without_a_department_may_open_any_file(case: Case, clerk_of_soest: User) -> None:
    assert client_for(clerk_of_soest).get(file_url(case)).status_code == 200


# Assigning ---------------------------------------------------------------------------------------


def test_claiming_a_case(case: Case, clerk: Client, office_clerk: User) -> None:
    response = clerk.post(file_url(case, "uebernehmen/"))

    assert response.status_code == 302 and response["Location"] == file_url(case)
    case.refresh_from_db()
    assert case.assigned_to == office_clerk
    assert "Sie bearbeiten jetzt diesen Vorgang." in clerk.get(file_url(case)).content.decode()


def test_assigning_to_a_colleague_and_back_to_nobody(case: Case, clerk: Client, clerk_of_soest: User) -> None:
    clerk.post(file_url(case, "uebernehmen/"), {"zuweisung-assignee": clerk_of_soest.pk})
    case.refresh_from_db()
    assert case.assigned_to == clerk_of_soest

    clerk.post(file_url(case, "uebernehmen/"), {"zuweisung-assignee": ""})
    case.refresh_from_db()
    assert case.assigned_to is None


def test_a_case_cannot_go_to_someone_of_another_department(
    case: Case, clerk: Client, other_department_clerk: User
) -> None:
    response = clerk.post(file_url(case, "uebernehmen/"), {"zuweisung-assignee": other_department_clerk.pk})

    assert response.status_code == 422
    case.refresh_from_db()
    assert case.assigned_to is None


# Workflow ----------------------------------------------------------------------------------------


def test_taking_a_step_of_the_workflow(case: Case, clerk: Client, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(file_url(case, "schritt/start/"))

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "in_review"


def test_a_step_not_possible_in_this_state_is_refused_with_a_message(case: Case, clerk: Client) -> None:
    response = clerk.post(file_url(case, "schritt/approve/"))

    assert response.status_code == 422
    assert "„Genehmigen“ ist im Status „Eingegangen“ nicht möglich." in response.content.decode()
    case.refresh_from_db()
    assert case.status == "submitted"


def test_staff_do_not_withdraw_for_the_applicant_nor_take_admin_steps(case: Case, clerk: Client) -> None:
    withdrawn = clerk.post(file_url(case, "schritt/withdraw/"))
    Case.all_tenants.filter(pk=case.pk).update(status="approved")
    archived = clerk.post(file_url(case, "schritt/archive/"))

    assert withdrawn.status_code == 422 and archived.status_code == 422
    assert "nur die antragstellende Person" in withdrawn.content.decode()
    case.refresh_from_db()
    assert case.status == "approved"
    assert clerk.post(file_url(case, "schritt/gibt-es-nicht/")).status_code == 404


def test_a_rejection_needs_a_reason_and_sends_a_notice(
    case: Case, clerk: Client, django_capture_on_commit_callbacks: Any
) -> None:
    Case.all_tenants.filter(pk=case.pk).update(status="in_review")

    missing = clerk.post(file_url(case, "schritt/reject/"), {"schritt-reject-text": "  "})
    assert missing.status_code == 422
    assert 'id="id_schritt-reject-text"' in missing.content.decode()
    case.refresh_from_db()
    assert case.status == "in_review"

    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(file_url(case, "schritt/reject/"), {"schritt-reject-text": "Die Fläche ist belegt."})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "rejected" and case.closed_at is not None
    notice = case.documents.get(kind=Document.Kind.NOTICE)
    assert notice.title == "Ablehnung" and notice.file.read().startswith(b"%PDF")


# Requests, messages, notes -----------------------------------------------------------------------


def test_requesting_documents(case: Case, clerk: Client) -> None:
    due = timezone.localdate() + timedelta(days=10)

    response = clerk.post(
        file_url(case, "nachforderung/"),
        {"nachforderung-text": "Bitte den Lageplan.", "nachforderung-due_on": due.isoformat()},
    )

    assert response.status_code == 302
    request = DocumentRequest.all_tenants.get()
    assert request.text == "Bitte den Lageplan." and request.due_on == due
    case.refresh_from_db()
    assert case.status == "waiting"
    assert "Bitte den Lageplan." in clerk.get(file_url(case)).content.decode()


def test_a_deadline_in_the_past_is_refused(case: Case, clerk: Client) -> None:
    response = clerk.post(
        file_url(case, "nachforderung/"),
        {"nachforderung-text": "Bitte den Lageplan.", "nachforderung-due_on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 422
    assert "Die Frist muss in der Zukunft liegen." in response.content.decode()
    assert not DocumentRequest.all_tenants.exists()


def test_writing_to_the_applicant_with_an_attachment(case: Case, clerk: Client, office_clerk: User) -> None:
    response = clerk.post(
        file_url(case, "nachricht/"),
        {
            "nachricht-subject": "Rückfrage",
            "nachricht-body": "Wann soll das Fest beginnen?",
            "nachricht-attachments": [pdf_upload("hinweise.pdf")],
        },
    )

    assert response.status_code == 302
    message = Message.all_tenants.get(direction=Message.Direction.TO_APPLICANT)
    assert (message.subject, message.sender) == ("Rückfrage", office_clerk)
    assert message.attachments.get().original_name == "hinweise.pdf"


def test_a_message_needs_a_text_and_a_real_document(case: Case, clerk: Client) -> None:
    empty = clerk.post(file_url(case, "nachricht/"), {"nachricht-body": ""})
    fake = clerk.post(
        file_url(case, "nachricht/"),
        {
            "nachricht-body": "Anbei.",
            "nachricht-attachments": [SimpleUploadedFile("virus.pdf", b"MZ not a pdf", "application/pdf")],
        },
    )

    assert empty.status_code == 422 and fake.status_code == 422
    assert not Message.all_tenants.filter(direction=Message.Direction.TO_APPLICANT).exists()


def test_internal_notes_never_reach_the_applicant(soest: Municipality, clerk: Client) -> None:
    draft = complete_draft(soest)
    case, token = case_submit(draft=draft, idempotency_key=draft.token, user=None)

    response = clerk.post(file_url(case, "notiz/"), {"notiz-text": "Antragstellerin ist schwer erreichbar."})

    assert response.status_code == 302
    assert Note.all_tenants.get().text == "Antragstellerin ist schwer erreichbar."
    assert "schwer erreichbar" in clerk.get(file_url(case)).content.decode()
    citizen_page = Client().get(f"/soest/vorgang/{token}/")
    assert citizen_page.status_code == 200
    assert "schwer erreichbar" not in citizen_page.content.decode()


def test_an_empty_note_shows_the_error_instead_of_failing(case: Case, clerk: Client) -> None:
    response = clerk.post(file_url(case, "notiz/"), {"notiz-text": ""})

    assert response.status_code == 422
    assert "Das hat nicht geklappt" in response.content.decode()
    assert not Note.all_tenants.exists()


# Legal hold and payment --------------------------------------------------------------------------


def test_an_admin_sets_and_lifts_a_legal_hold(case: Case, admin_client: Client) -> None:
    assert (
        admin_client.post(file_url(case, "sperre/"), {"sperre-hold": "1", "sperre-reason": "Klage"}).status_code == 302
    )
    case.refresh_from_db()
    assert case.legal_hold

    admin_client.post(file_url(case, "sperre/"), {"sperre-hold": "0", "sperre-reason": "Verfahren beendet"})
    case.refresh_from_db()
    assert not case.legal_hold
    assert AuditEvent.all_tenants.filter(action="case.legal_hold_lifted", data__reason="Verfahren beendet").exists()


def test_a_clerk_may_not_set_a_legal_hold(case: Case, clerk: Client) -> None:
    response = clerk.post(file_url(case, "sperre/"), {"sperre-hold": "1", "sperre-reason": "Klage"})

    assert response.status_code == 422
    assert "Nur die Verwaltung der Kommune darf eine Löschsperre setzen" in response.content.decode()
    assert "Löschsperre setzen</span></button>" not in clerk.get(file_url(case)).content.decode()
    case.refresh_from_db()
    assert not case.legal_hold


def test_a_fee_paid_at_the_counter_without_a_payment_record(soest: Municipality, clerk: Client) -> None:
    case = submitted_case(soest, express=True)
    assert case.payment_status == Case.Payment.OPEN
    assert "Als bezahlt markieren" in clerk.get(file_url(case)).content.decode()

    response = clerk.post(file_url(case, "bezahlt/"))

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.payment_status == Case.Payment.PAID
    assert "Als bezahlt markieren" not in clerk.get(file_url(case)).content.decode()
    assert clerk.post(file_url(case, "bezahlt/")).status_code == 422


def test_a_fee_paid_at_the_counter_settles_the_open_payment(soest: Municipality, clerk: Client) -> None:
    case = submitted_case(soest, express=True)
    payment = Payment.all_tenants.create(
        municipality=soest,
        reference=case.reference,
        purpose=case.subject,
        amount=case.fee,
        provider="counter",
        return_url="/soest/",
    )

    assert clerk.post(file_url(case, "bezahlt/")).status_code == 302

    payment.refresh_from_db()
    case.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert case.payment_status == Case.Payment.PAID


def test_an_online_payment_is_not_marked_paid_by_hand(soest: Municipality, clerk: Client) -> None:
    case = submitted_case(soest, express=True)
    Payment.all_tenants.create(
        municipality=soest,
        reference=case.reference,
        purpose=case.subject,
        amount=case.fee,
        provider="test",
        return_url="/soest/",
    )

    response = clerk.post(file_url(case, "bezahlt/"))

    assert response.status_code == 422
    assert "Online-Zahlungen bestätigt der Zahlungsdienstleister" in response.content.decode()
    case.refresh_from_db()
    assert case.payment_status == Case.Payment.OPEN


# Documents ---------------------------------------------------------------------------------------


def test_downloading_a_document_returns_its_bytes_and_is_recorded(
    case: Case, clerk: Client, office_clerk: User
) -> None:
    document = case.documents.get()

    response = clerk.get(file_url(case, f"dokumente/{document.pk}/"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert response["Content-Disposition"].startswith("attachment")
    viewed = AuditEvent.all_tenants.get(action="document.viewed")
    assert (viewed.actor, viewed.object_id, viewed.data["case"]) == (office_clerk, str(document.pk), case.reference)


def test_a_document_of_another_case_is_not_found_through_this_one(
    soest: Municipality, case: Case, clerk: Client
) -> None:
    other = submitted_case(soest).documents.get()

    assert clerk.get(file_url(case, f"dokumente/{other.pk}/")).status_code == 404
    assert clerk.post(file_url(case, f"dokumente/{other.pk}/berichtigen/")).status_code == 404


def test_correcting_a_document_keeps_the_old_version(case: Case, clerk: Client) -> None:
    original = case.documents.get()
    prefix = f"berichtigung-{original.pk}"

    missing = clerk.post(file_url(case, f"dokumente/{original.pk}/berichtigen/"), {f"{prefix}-file": pdf_upload()})
    response = clerk.post(
        file_url(case, f"dokumente/{original.pk}/berichtigen/"),
        {f"{prefix}-reason": "Falsche Seite", f"{prefix}-file": pdf_upload("richtig.pdf")},
    )
    again = clerk.post(
        file_url(case, f"dokumente/{original.pk}/berichtigen/"),
        {f"{prefix}-reason": "Noch einmal", f"{prefix}-file": pdf_upload("nochmal.pdf")},
    )

    assert missing.status_code == 422
    assert response.status_code == 302
    assert again.status_code == 422
    assert "schon eine neuere Fassung" in again.content.decode()
    versions = list(case.documents.order_by("version").values_list("version", "original_name", "previous"))
    assert versions == [(1, "nachweis.pdf", None), (2, "richtig.pdf", original.pk)]


def test_the_file_costs_the_same_queries_however_full_it_is(
    case: Case, clerk: Client, office_clerk: User, django_assert_max_num_queries: Any
) -> None:
    with CaptureQueriesContext(connection) as empty:
        clerk.get(file_url(case))
    for number in range(3):
        message_to_applicant(
            case=case, actor=office_clerk, subject=f"Nachricht {number}", body="Text", uploads=[pdf_upload()]
        )
        note_add(case=case, actor=office_clerk, text=f"Notiz {number}")

    # One more query at most: the messages' attachments, fetched together once there are messages.
    with django_assert_max_num_queries(len(empty.captured_queries) + 1):
        clerk.get(file_url(case))
