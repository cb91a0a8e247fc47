"""The e-mails about a case. They say that something new is there and where; the content stays in
the file and the postbox. Each is sent after the commit, in the applicant's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.cases.models import Case


def _site_url() -> str:
    return str(settings.SITE_URL)


def submission_confirm(*, case: Case, token: str) -> None:
    """The confirmation of a submit with the secret status link; call it after the commit."""
    with translation.override(case.language):
        link = f"{_site_url()}{reverse('case_status', kwargs={'municipality_slug': case.municipality.slug, 'token': token})}"
        send_mail(
            _("Ihr Antrag %(reference)s ist eingegangen") % {"reference": case.reference},
            _(
                "Guten Tag,\n\nIhr Antrag „%(subject)s“ ist bei %(municipality)s eingegangen.\n"
                "Aktenzeichen: %(reference)s\n\n"
                "Den Stand Ihres Antrags, Nachrichten und Bescheide sehen Sie hier:\n%(link)s\n\n"
                "Bitte geben Sie diesen Link nicht weiter: Wer ihn kennt, kann Ihren Antrag sehen.\n"
            )
            % {
                "subject": case.subject,
                "municipality": case.municipality.name,
                "reference": case.reference,
                "link": link,
            },
            None,
            [case.applicant_email],
        )


def applicant_notify(*, case: Case, subject: str) -> None:
    """An e-mail that something new waits in the postbox. It never carries the content."""

    def send() -> None:
        with translation.override(case.language):
            if case.applicant is not None:
                where = _site_url() + reverse(
                    "my_case", kwargs={"municipality_slug": case.municipality.slug, "reference": case.reference}
                )
            else:
                where = _("den Link aus Ihrer Eingangsbestätigung")
            send_mail(
                subject,
                _(
                    "Guten Tag,\n\nzu Ihrem Vorgang %(reference)s bei %(municipality)s gibt es Neuigkeiten. "
                    "Aus Datenschutzgründen steht der Inhalt nur in Ihrem Postfach.\n\nBitte öffnen Sie %(where)s.\n"
                )
                % {"reference": case.reference, "municipality": case.municipality.name, "where": where},
                None,
                [case.applicant_email],
            )

    transaction.on_commit(send)


def clerk_notify(*, case: Case, clerk: User) -> None:
    """Tells the clerk working the case that the applicant wrote; the content stays in the file."""
    link = _site_url() + reverse(
        "backoffice:case_detail", kwargs={"municipality_slug": case.municipality.slug, "case_id": case.pk}
    )
    reference = case.reference

    def send() -> None:
        send_mail(
            _("Neue Nachricht zu Vorgang %(reference)s") % {"reference": reference},
            _("Zu Vorgang %(reference)s ist eine neue Nachricht der antragstellenden Person eingegangen:\n%(link)s\n")
            % {"reference": reference, "link": link},
            None,
            [clerk.email],
        )

    transaction.on_commit(send)
