"""Which role a member of staff has on a case."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rathaus.accounts.models import Membership, User
from rathaus.cases.models import Case
from rathaus.procedures.base import ADMIN


def staff_role_for(*, case: Case, user: User) -> str:
    """The role `user` has on `case`: admins everywhere in their municipality; clerks in their department
    (or everywhere when they belong to no department). PermissionDenied-like ValidationError otherwise."""
    membership = Membership.all_tenants.filter(municipality=case.municipality, user=user).first()
    if membership is None:
        raise ValidationError(_("Sie gehören nicht zur Verwaltung dieser Kommune."))
    if membership.role == ADMIN:
        return ADMIN
    if membership.department_id is not None and membership.department_id != case.department_id:
        raise ValidationError(_("Dieser Vorgang gehört zu einem anderen Fachbereich."))
    return membership.role
