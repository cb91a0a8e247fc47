from typing import Any

import pytest
from django.test import Client

from rathaus.municipalities.models import Municipality
from rathaus.testing import make_service


@pytest.mark.django_db
def test_services_without_a_query_come_a_to_z_with_umlauts_folded(soest: Municipality) -> None:
    for key, name in [
        ("99000000000003", "Zulassung"),
        ("99000000000001", "Übermittlungssperre"),
        ("99000000000002", "Anmeldung"),
    ]:
        make_service(soest, leika_key=key, name=name)

    data: dict[str, Any] = Client().get("/api/v1/municipalities/soest/services").json()

    assert [item["name"] for item in data["results"]] == ["Anmeldung", "Übermittlungssperre", "Zulassung"]
