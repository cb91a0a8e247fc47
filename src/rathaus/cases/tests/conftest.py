import io
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from rathaus.cases.tests.procedure import TestPermit
from rathaus.municipalities.models import Department, Municipality
from rathaus.procedures import registry
from rathaus.testing import make_department


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "nachweis.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


@pytest.fixture
def test_permit() -> Iterator[type[TestPermit]]:
    registry.register(TestPermit)
    yield TestPermit
    registry.unregister(TestPermit.key)


@pytest.fixture
def permit_office(soest: Municipality) -> Department:
    return make_department(soest, key="ordnungsamt", name="Ordnungsamt")
