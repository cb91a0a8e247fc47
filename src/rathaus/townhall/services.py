import logging
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.municipalities.models import AccessibilityFeedback, Department, Municipality
from rathaus.records.services import audit_record

logger = logging.getLogger(__name__)


def accessibility_feedback_submit(
    *, municipality: Municipality, page_url: str, message: str, name: str, email: str, user: User | None
) -> AccessibilityFeedback:
    """Records a reported barrier (§ 10b BGG NRW) and tells the municipality's contact."""
    with transaction.atomic():
        feedback = AccessibilityFeedback.objects.create(
            municipality=municipality, page_url=page_url, message=message, name=name, email=email, user=user
        )
        audit_record(municipality=municipality, actor=user, action="accessibility_feedback.received", obj=feedback)
    recipient = municipality.accessibility_contact or municipality.email
    try:
        send_mail(
            subject=_("Rückmeldung zur Barrierefreiheit Nr. %(id)s") % {"id": feedback.pk},
            message=_("Eine neue Rückmeldung liegt im Verwaltungsbereich vor: %(page)s") % {"page": page_url or "-"},
            from_email=None,
            recipient_list=[recipient],
        )
    except OSError:
        # The report is saved; staff see it in the back office even when the mail server is down.
        logger.exception("Could not send accessibility feedback notice for %s", feedback.pk)
    return feedback


def municipality_update(*, municipality: Municipality, data: dict[str, Any], by: User | None) -> Municipality:
    """Saves a municipal admin's changes to contact data, opening hours and branding."""
    old_logo = municipality.logo.name if "logo" in data else ""
    for name, value in data.items():
        setattr(municipality, name, value)
    municipality.full_clean()
    with transaction.atomic():
        municipality.save(update_fields=list(data))
        audit_record(
            municipality=municipality,
            actor=by,
            action="municipality.updated",
            obj=municipality,
            data={"fields": sorted(data)},
        )
    if old_logo and old_logo != municipality.logo.name:
        municipality.logo.storage.delete(old_logo)
    return municipality


def department_save(
    *, municipality: Municipality, department: Department | None, data: dict[str, Any], by: User | None
) -> Department:
    """Creates a department of the municipality, or saves changes to one of its departments."""
    action = "department.updated" if department else "department.created"
    department = department or Department(municipality=municipality)
    for name, value in data.items():
        setattr(department, name, value)
    department.full_clean()
    with transaction.atomic():
        department.save()
        audit_record(municipality=municipality, actor=by, action=action, obj=department, data={"key": department.key})
    return department
