from importlib import resources

import pytest

from rathaus.municipalities.models import Municipality
from rathaus.schoolroute.models import School
from rathaus.schoolroute.services import schools_import, schools_read_csv


def shipped_csv(name: str) -> str:
    return resources.files("rathaus.schoolroute").joinpath("data", name).read_text(encoding="utf-8")


@pytest.fixture
def soest_schools(soest: Municipality) -> list[School]:
    schools_import(municipality=soest, rows=schools_read_csv(shipped_csv("soest.csv")))
    return list(School.all_tenants.filter(municipality=soest))
