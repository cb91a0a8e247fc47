"""What every service of a case needs: the procedure it runs on."""

from rathaus.cases.models import Case, Draft
from rathaus.procedures import registry
from rathaus.procedures.base import Procedure


def procedure_for(case_or_draft: Case | Draft) -> Procedure:
    """The procedure of a case or draft, set up for its municipality."""
    return registry.get(case_or_draft.procedure_key)(case_or_draft.municipality)
