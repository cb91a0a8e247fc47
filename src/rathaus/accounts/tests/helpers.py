"""Small helpers for the account tests: links from mails, messages from responses."""

import re

from django.core import mail
from django.test import Client

LINK = re.compile(r"https?://testserver(/\S+)")


def last_mail_to(address: str) -> mail.EmailMessage:
    matching = [message for message in mail.outbox if address in message.to]
    assert matching, f"no mail to {address}; outbox: {[(m.to, m.subject) for m in mail.outbox]}"
    return matching[-1]


def link_in_mail(message: mail.EmailMessage, contains: str) -> str:
    """The path of the first link in the mail whose path contains the given text."""
    for path in LINK.findall(str(message.body)):
        if contains in path:
            return str(path)
    raise AssertionError(f"no link containing {contains!r} in:\n{message.body}")


def logged_in_user_id(client: Client) -> str | None:
    value = client.session.get("_auth_user_id")
    return str(value) if value is not None else None
