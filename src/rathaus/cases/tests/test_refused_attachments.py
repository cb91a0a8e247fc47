"""A refused file on the applicant's side is explained on its field, like on the clerk's side, and
nothing is half-written: the message is kept only together with its files."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rathaus.accounts.models import User
from rathaus.cases.models import Case, Document, Message
from rathaus.cases.tests.conftest import pdf_upload
from rathaus.cases.tests.test_views import fill_in, start
from rathaus.municipalities.models import Municipality

pytestmark = pytest.mark.usefixtures("test_permit", "permit_office")


def executable(name: str = "nachweis.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="application/pdf")


def submitted_case(client: Client, django_capture_on_commit_callbacks: Any) -> Case:
    review = fill_in(client, start(client))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review, {"declaration": "on"})
    return Case.all_tenants.get()


def test_a_refused_attachment_in_the_postbox_is_explained_on_the_field_and_nothing_is_kept(
    soest: Municipality, citizen: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(citizen)
    case = submitted_case(client, django_capture_on_commit_callbacks)
    messages_before = Message.all_tenants.filter(case=case).count()
    documents_before = Document.all_tenants.filter(case=case).count()

    response = client.post(
        f"/soest/meine-antraege/{case.reference}/",
        {"body": "Anbei der Nachweis.", "attachments": [pdf_upload("gut.pdf"), executable("schlecht.pdf")]},
    )

    assert response.status_code == 422
    page = response.content.decode()
    field_error = page.split('id="id_attachments-error"', 1)[1].split("</p>", 1)[0]
    assert "Programmdateien nehmen wir aus Sicherheitsgründen nicht an" in field_error
    assert "Anbei der Nachweis." in page  # what was typed is still there to send again
    assert Message.all_tenants.filter(case=case).count() == messages_before
    assert Document.all_tenants.filter(case=case).count() == documents_before


def test_a_refused_attachment_by_status_link_is_explained_too(
    soest: Municipality, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    case = submitted_case(client, django_capture_on_commit_callbacks)
    done = client.get(f"/soest/antrag/eingegangen/{case.reference}/").content.decode()
    status_path = done.split("http://testserver", 1)[1].split('"', 1)[0].split("<", 1)[0]
    response = client.post(status_path, {"body": "", "attachments": executable()})
    assert response.status_code == 422
    assert 'id="id_attachments-error"' in response.content.decode()
    assert Message.all_tenants.filter(case=case, direction=Message.Direction.FROM_APPLICANT).count() == 0
