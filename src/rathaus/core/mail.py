"""Outgoing mail goes through the task queue, so a request never waits for or fails on a mail server.

`QueuedEmailBackend` is Django's EMAIL_BACKEND: every message (ours and allauth's) becomes a
`deliver_mail` task. The task sends it through the real backend configured by EMAIL_URL
(`EMAIL_DELIVERY_BACKEND`). When the mail server is down, the task puts itself back on the
queue with a growing delay; after the last attempt it logs an error and gives up, and the
message stays in the task results for an operator to see.
"""

import logging
import smtplib
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

# Delays before attempts 2, 3, …: about a day of trying in all.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
    timedelta(hours=18),
)


class MailNotDelivered(Exception):
    """The mail server refused or could not be reached on the last attempt."""


def serialize(message: EmailMessage) -> dict[str, Any]:
    """What a task needs to rebuild the message; attachments are not sent by mail (postbox)."""
    if message.attachments:
        raise ValueError("Queued mails carry no attachments; documents belong in the postbox.")
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
    }


def _rebuild(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


@task()
def deliver_mail(message: dict[str, Any], attempt: int = 1) -> None:
    email = _rebuild(message)
    email.connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    try:
        email.send()
    except (OSError, smtplib.SMTPException) as error:
        can_wait = deliver_mail.get_backend().supports_defer
        if attempt > len(RETRY_DELAYS) or not can_wait:
            logger.error("Mail to %s not delivered after %d attempt(s): %s", message["to"], attempt, error)
            raise MailNotDelivered(str(error)) from error
        delay = RETRY_DELAYS[attempt - 1]
        logger.warning("Mail to %s failed (%s); attempt %d in %s", message["to"], error, attempt + 1, delay)
        deliver_mail.using(run_after=timezone.now() + delay).enqueue(message, attempt + 1)


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            try:
                deliver_mail.enqueue(serialize(message))
            except MailNotDelivered:
                # Only without a worker (tasks run at once): the failure is logged; the request
                # that wrote the mail must not fail because of it.
                continue
        return len(email_messages)
