"""Tenant isolation: a Lippstadt clerk reaches nothing of Soest, through any page or API route.

The route list is read from the URL configuration itself, so a route added later is walked
too; a route whose parameters this test cannot fill fails the test until it is taught them.
"""

import hashlib
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from rathaus.accounts.models import Membership
from rathaus.cases.models import Case, Document, DocumentRequest, Draft, Message, Note
from rathaus.cases.services import hash_token
from rathaus.catalog.models import Service
from rathaus.jobs.models import JobPosting
from rathaus.jobs.tests.conftest import make_posting
from rathaus.municipalities.models import AccessibilityFeedback, Department, Municipality
from rathaus.municipalities.tenancy import NO_TENANT, tenant_scope
from rathaus.payments.models import Payment
from rathaus.schoolroute.models import BatchRun, School
from rathaus.testing import make_department, make_service, make_staff
from rathaus.trade.tests.outbox_data import make_message, make_recipient
from rathaus.trade.tests.register_data import make_business

SECRET_NAME = "Soester Geheimleistung"
SECRET_FEEDBACK = "Soester Rückmeldung mit Geheimnis"
SECRET_DEPARTMENT = "Soester Geheimamt"
SECRET_PDF = b"%PDF-1.7 Soester Geheimakte"
SOEST_STATUS_TOKEN = "soester-geheimer-statuslink-0123456789abcdefghijklmno"
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    template: str
    namespaces: tuple[str, ...]

    @property
    def params(self) -> set[str]:
        return {match["name"] for match in _PARAM.finditer(self.template)}

    def fill(self, values: dict[str, object]) -> str:
        return "/" + _PARAM.sub(lambda match: str(values[match["name"]]), self.template)


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespaces: tuple[str, ...] = ()
) -> Iterator[Route]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(
                entry.url_patterns, route, (*namespaces, entry.namespace) if entry.namespace else namespaces
            )
        else:
            yield Route(route.lstrip("^").rstrip("$"), namespaces)


def tenant_routes() -> list[Route]:
    return sorted(
        {route for route in _walk(get_resolver().url_patterns) if "municipality_slug" in route.params},
        key=lambda route: route.template,
    )


@pytest.fixture
def soest_objects(soest: Municipality) -> dict[str, int | str]:
    department = make_department(soest, key="geheimamt", name=SECRET_DEPARTMENT)
    soest_clerk = make_staff(soest, "geheim@soest.example")
    service = make_service(soest, leika_key="99000000000001", name=SECRET_NAME, synonyms="Geheim")
    feedback = AccessibilityFeedback.all_tenants.create(municipality=soest, message=SECRET_FEEDBACK)
    case = Case.all_tenants.create(
        municipality=soest,
        reference="SO-2026-000001",
        procedure_key="bewerbung",
        department=department,
        subject=SECRET_NAME,
        status="submitted",
        applicant_name="Erika Mustermann",
        applicant_email="erika@example.org",
        access_token_hash=hash_token(SOEST_STATUS_TOKEN),
        idempotency_key=uuid.uuid4(),
        submitted_at=timezone.now(),
    )
    document = Document(
        municipality=soest,
        case=case,
        kind=Document.Kind.ATTACHMENT,
        title=SECRET_NAME,
        original_name="geheim.pdf",
        content_type="application/pdf",
        size=len(SECRET_PDF),
        sha256=hashlib.sha256(SECRET_PDF).hexdigest(),
        created_at=timezone.now(),
    )
    document.file.save("geheim.pdf", ContentFile(SECRET_PDF), save=False)
    document.save()
    payment = Payment.all_tenants.create(
        municipality=soest,
        reference="SO-2026-000001",
        purpose=SECRET_NAME,
        amount=26,
        provider="test",
        return_url="/soest/",
    )
    posting = make_posting(soest, department=department, title=SECRET_NAME)
    draft = Draft.all_tenants.create(municipality=soest, procedure_key="bewerbung", answers={"person": {"x": 1}})
    return {
        "service_id": service.pk,
        "feedback_id": feedback.pk,
        "case_id": case.pk,
        "document_id": document.pk,
        "transition_key": "start",
        "department_id": department.pk,
        "membership_id": Membership.all_tenants.get(user=soest_clerk).pk,
        "payment_token": payment.token,
        "posting_id": posting.pk,
        "procedure_key": "bewerbung",
        "draft_token": str(draft.token),
        "step_key": "person",
        "reference": case.reference,
        "token": SOEST_STATUS_TOKEN,
        "recipient_id": (recipient := make_recipient(soest, name=SECRET_NAME)).pk,
        "message_id": make_message(soest, recipient).pk,
        "business_id": make_business(soest, SECRET_NAME).pk,
        "schulnummer": School.all_tenants.create(
            municipality=soest,
            schulnummer="123456",
            name=SECRET_NAME,
            schulform="Grundschule",
            street="Weg",
            postal_code="59494",
            city="Soest",
            latitude=51.57,
            longitude=8.1,
        ).schulnummer,
        "run_id": BatchRun.all_tenants.create(municipality=soest, created_at=timezone.now(), rows_total=1).pk,
    }


def _soest_state(soest_objects: Mapping[str, int | str]) -> tuple[object, ...]:
    return (
        Service.all_tenants.get(pk=soest_objects["service_id"]).name,
        Department.all_tenants.get(pk=soest_objects["department_id"]).name,
        Case.all_tenants.values_list("status", "subject", "assigned_to", "legal_hold", "payment_status").get(
            pk=soest_objects["case_id"]
        ),
        Note.all_tenants.filter(case__pk=soest_objects["case_id"]).count(),
        Message.all_tenants.filter(case__pk=soest_objects["case_id"]).count(),
        DocumentRequest.all_tenants.filter(case__pk=soest_objects["case_id"]).count(),
        Document.all_tenants.filter(case__pk=soest_objects["case_id"]).count(),
        Membership.all_tenants.filter(pk=soest_objects["membership_id"]).exists(),
        AccessibilityFeedback.all_tenants.filter(pk=soest_objects["feedback_id"]).exists(),
        Payment.all_tenants.get(token=soest_objects["payment_token"]).status,
        JobPosting.all_tenants.values_list("title", "published", "deadline").get(pk=soest_objects["posting_id"]),
        Draft.all_tenants.values_list("answers", flat=True).get(token=str(soest_objects["draft_token"])),
    )


@pytest.fixture(params=["clerk", "admin"])
def lippstadt_clerk_client(request: pytest.FixtureRequest, lippstadt: Municipality) -> Client:
    """A member of Lippstadt's staff, as clerk and as municipal admin, with TOTP set up."""
    make_service(lippstadt, leika_key="99008001000000", name="Personalausweis beantragen")
    client = Client()
    client.force_login(make_staff(lippstadt, f"{request.param}@lippstadt.example", role=request.param))
    return client


def test_the_route_walk_finds_pages_back_office_and_api() -> None:
    templates = {route.template for route in tenant_routes()}
    assert "<slug:municipality_slug>/leistungen/<int:service_id>/" in templates
    assert "<slug:municipality_slug>/verwaltung/leistungen/<int:service_id>/" in templates
    assert any(template.startswith("api/v1/") for template in templates)


@pytest.mark.parametrize("route", tenant_routes(), ids=lambda route: route.template)
def test_lippstadt_clerk_cannot_reach_soest_objects(
    route: Route, soest_objects: dict[str, int], lippstadt_clerk_client: Client
) -> None:
    unknown = route.params - {"municipality_slug", *soest_objects}
    assert not unknown, f"teach this test which Soest object fills {unknown}"

    # Soest's objects asked for under Lippstadt's address: never found.
    url = route.fill({"municipality_slug": "lippstadt", **soest_objects})
    response = lippstadt_clerk_client.get(url)
    body = response.content.decode()
    if route.params - {"municipality_slug"}:
        assert response.status_code in {403, 404, 405}, response.status_code
    else:
        # 422: a list that needs a query (the trade register extract) refuses before reading anything.
        assert response.status_code in {200, 403, 404, 405, 422}
    # …nor changed, whatever is posted there.
    before = _soest_state(soest_objects)
    posted = lippstadt_clerk_client.post(url, {"name": "Übernommen", "key": "geheimamt", "message": "x"})
    if route.params - {"municipality_slug"}:
        assert posted.status_code in {403, 404, 405}, posted.status_code
    assert _soest_state(soest_objects) == before
    assert SECRET_NAME not in body
    assert SECRET_FEEDBACK not in body
    assert SECRET_DEPARTMENT not in body

    # Soest's own back office and API for the same objects: the back office refuses a clerk
    # who is not a member of Soest; public pages show only what is public anyway.
    response = lippstadt_clerk_client.get(route.fill({"municipality_slug": "soest", **soest_objects}))
    if "backoffice" in route.namespaces:
        assert response.status_code == 403
        assert SECRET_FEEDBACK not in response.content.decode()


def test_back_office_of_soest_refuses_lippstadt_clerk_on_post(
    soest_objects: dict[str, int], lippstadt_clerk_client: Client
) -> None:
    response = lippstadt_clerk_client.post(
        f"/soest/verwaltung/leistungen/{soest_objects['service_id']}/", {"name": "Übernommen"}
    )
    assert response.status_code == 403
    assert Service.all_tenants.get(pk=soest_objects["service_id"]).name == SECRET_NAME


def test_manager_shows_only_the_active_municipality(soest: Municipality, lippstadt: Municipality) -> None:
    make_service(soest, leika_key="99008001000000", name="Personalausweis Soest")
    make_service(lippstadt, leika_key="99008001000000", name="Personalausweis Lippstadt")

    with tenant_scope(lippstadt):
        assert [s.name for s in Service.objects.all()] == ["Personalausweis Lippstadt"]
    with tenant_scope(NO_TENANT):
        assert not Service.objects.exists()
    assert Service.all_tenants.count() == 2  # the escape sees every tenant (outside a request `objects` refuses)


def test_a_row_cannot_point_at_another_municipality(soest: Municipality, lippstadt: Municipality) -> None:
    service = make_service(soest, leika_key="99008001000000", name="Personalausweis beantragen")
    service.department = make_department(lippstadt, key="fremd", name="Fremdes Amt")

    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "department" in error.value.message_dict
    assert Department.all_tenants.filter(municipality=soest).count() == 1


def test_admin_of_lippstadt_cannot_move_a_service_to_a_soest_department(
    soest: Municipality, lippstadt: Municipality
) -> None:
    admin = make_staff(lippstadt, "admin@lippstadt.example", role="admin")
    service = make_service(lippstadt, leika_key="99008001000000", name="Personalausweis beantragen")
    soest_department = make_department(soest, key="geheim", name="Soester Amt")
    client = Client()
    client.force_login(admin)

    response = client.post(
        f"/lippstadt/verwaltung/leistungen/{service.pk}/",
        {
            "name": service.name,
            "leika_key": service.leika_key,
            "summary": "Neu",
            "department": soest_department.pk,
            "channel": "appointment",
        },
    )

    assert response.status_code == 200  # the form comes back with an error
    assert "department" in response.context["form"].errors
    service.refresh_from_db()
    assert service.department.municipality_id == lippstadt.pk
