"""Which role a member of staff has on a case: asked of the one access policy."""

from rathaus.accounts.access import staff_case_role
from rathaus.accounts.models import User
from rathaus.cases.models import Case


def staff_role_for(*, case: Case, user: User) -> str:
    """The role `user` has on `case` (`accounts.access.case_role`): admins everywhere in their
    municipality; clerks in their department, or everywhere when they belong to none. Raises
    `accounts.access.NotPermitted`, a 404, otherwise."""
    return staff_case_role(user=user, municipality=case.municipality, department_id=case.department_id)
