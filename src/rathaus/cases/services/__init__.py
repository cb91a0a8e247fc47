"""Every write on drafts, cases, messages and documents, one module per job:

- `drafts`: starting an application, keeping its steps (and what was typed on unfinished ones), discarding it;
- `submission`: turning a draft into a case (`case_submit`) with its reference number and status link;
- `workflow`: the moves on a case (transitions, taking it, asking for documents, notes, legal holds);
- `staff`: which role a member of staff has on a case;
- `postbox`: messages both ways and the notices delivered into the postbox;
- `documents`: the electronic file's documents; `document_store` is the one place a `Document` is made;
- `notifications`: the e-mails that something new is waiting, never with the content;
- `payments`: the case's side of paying its fee.

Each function validates, writes in one transaction together with its audit entry, and leaves slow
work (PDFs, mails) to background tasks started after the commit. Other code imports from here, not
from the modules.
"""

from rathaus.cases.services.common import procedure_for
from rathaus.cases.services.documents import (
    document_correct,
    document_store,
    document_viewed,
    receipt_store,
    uploads_store,
)
from rathaus.cases.services.drafts import PARTIAL, draft_discard, draft_keep_partial, draft_save_step, draft_start
from rathaus.cases.services.payments import case_paid_at_counter, case_payment_start, case_payment_update
from rathaus.cases.services.postbox import (
    message_from_applicant,
    message_to_applicant,
    messages_mark_read,
    notice_store,
)
from rathaus.cases.services.staff import staff_role_for
from rathaus.cases.services.submission import case_submit, hash_token, reference_next
from rathaus.cases.services.workflow import (
    case_assign,
    case_legal_hold,
    case_transition,
    case_viewed,
    document_request,
    note_add,
)

__all__ = [
    "PARTIAL",
    "case_assign",
    "case_legal_hold",
    "case_paid_at_counter",
    "case_payment_start",
    "case_payment_update",
    "case_submit",
    "case_transition",
    "case_viewed",
    "document_correct",
    "document_request",
    "document_store",
    "document_viewed",
    "draft_discard",
    "draft_keep_partial",
    "draft_save_step",
    "draft_start",
    "hash_token",
    "message_from_applicant",
    "message_to_applicant",
    "messages_mark_read",
    "note_add",
    "notice_store",
    "procedure_for",
    "receipt_store",
    "reference_next",
    "staff_role_for",
    "uploads_store",
]
