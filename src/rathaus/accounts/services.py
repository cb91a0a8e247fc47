from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from rathaus.accounts.models import Membership, User
from rathaus.municipalities.models import AccessibilityFeedback


def account_delete(*, user: User) -> None:
    """Deletes a citizen's account (Art. 17 DSGVO).

    Personal data go: e-mail addresses, names, password, second factors, sessions. The user
    row itself stays as an empty, inactive tombstone marked `deleted_at`, so that records
    the law requires us to keep (later: cases, notices, audit events) still point at
    something, and show "deleted account" instead of a person.
    """
    with transaction.atomic():
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        Membership.all_tenants.filter(user=user).delete()
        AccessibilityFeedback.all_tenants.filter(user=user).update(name="", email="")
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if session.get_decoded().get("_auth_user_id") == str(user.pk):
                session.delete()
        user.email = f"deleted-{user.pk}@invalid"
        user.username = user.email
        user.first_name = ""
        user.last_name = ""
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.deleted_at = timezone.now()
        user.save(
            update_fields=[
                "email",
                "username",
                "first_name",
                "last_name",
                "password",
                "is_active",
                "is_staff",
                "deleted_at",
            ]
        )
