"""Background work for cases: the PDFs and the daily retention run. Tasks take ids, never objects, so they
can wait in the queue."""

import logging

from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import TaskContext, task

from rathaus.accounts.models import User
from rathaus.cases.models import Case
from rathaus.cases.pdf import render_pdf
from rathaus.cases.retention import retention_apply
from rathaus.cases.services import notice_store, procedure_for, receipt_store
from rathaus.municipalities.tenancy import tenant_scope

logger = logging.getLogger(__name__)


@task()
def receipt_generate(case_id: int) -> None:
    """The receipt (Eingangsbestätigung) as PDF/A, filed in the case's electronic file, once
    (`receipt_store` decides when two workers or a retry race)."""
    case = Case.all_tenants.select_related("municipality").get(pk=case_id)
    with tenant_scope(case.municipality):
        if case.documents.filter(kind="receipt").exists():
            return  # a retried task must not file a second receipt
        receipt_store(case=case, pdf=receipt_pdf(case))


def receipt_pdf(case: Case) -> bytes:
    """Renders the receipt of a case (in its municipality's scope) in the applicant's language."""
    procedure = procedure_for(case)
    with translation.override(case.language):
        return render_pdf(
            procedure.receipt_template,
            {
                "municipality": case.municipality,
                "case": case,
                "procedure_title": procedure.title,
                "summary": [
                    (f"{section.step.title}: {line.label}", line.value)
                    for section in procedure.review(case.answers)
                    for line in section.lines
                ],
                "fee": case.fee,
            },
            title=_("Eingangsbestätigung %(reference)s") % {"reference": case.reference},
            language=case.language,
            author=case.municipality.name,
        )


@task(takes_context=True)
def notice_generate(context: TaskContext, case_id: int, transition_key: str, text: str, actor_id: int | None) -> None:
    """A notice (Bescheid) for a transition, as PDF/A, delivered to the applicant's postbox once,
    even when the task runs again after its worker died (the task's id marks the notice)."""
    case = Case.all_tenants.select_related("municipality").get(pk=case_id)
    with tenant_scope(case.municipality):
        procedure = procedure_for(case)
        transition = procedure.workflow.transition(transition_key)
        if transition.notice_template is None:
            raise ValueError(f"The transition {transition_key!r} has no notice.")
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None
        with translation.override(case.language):
            title = str(transition.notice_title or transition.label)
            pdf = render_pdf(
                transition.notice_template,
                {
                    "municipality": case.municipality,
                    "case": case,
                    "heading": title,
                    "body": text,
                    "clerk_name": actor.get_full_name() or actor.email if actor else "",
                    **procedure.notice_context(case, transition, text),
                },
                title=f"{title} {case.reference}",
                language=case.language,
                author=case.municipality.name,
            )
        notice_store(
            case=case, transition=transition, text=text, actor=actor, pdf=pdf, task_id=str(context.task_result.id)
        )


@task()
def retention_run() -> dict[str, int]:
    """Deletes or anonymises the files whose retention period has passed (see `cases.retention`)."""
    report = retention_apply()
    counts = report.counts()
    logger.info("Retention run: %s", ", ".join(f"{key} {value}" for key, value in counts.items()))
    return counts
