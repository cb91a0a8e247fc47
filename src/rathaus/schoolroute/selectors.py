from django.db.models import QuerySet

from rathaus.municipalities.models import Municipality
from rathaus.schoolroute.models import School


def school_list(*, municipality: Municipality, schulform: str = "") -> QuerySet[School]:
    schools = School.objects.filter(municipality=municipality)
    if schulform:
        schools = schools.filter(schulform=schulform)
    return schools.order_by("name", "schulnummer")
