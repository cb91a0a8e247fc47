"""Signals of the payments app.

`payment_status_changed` is sent with `sender=Payment` after a payment's new status is saved,
inside the same transaction, so that a receiver's audit entry commits or rolls back with it.
Keyword arguments: `payment`, `previous_status` and `actor` (a user, or None for the provider).
"""

from django.dispatch import Signal

payment_status_changed = Signal()
