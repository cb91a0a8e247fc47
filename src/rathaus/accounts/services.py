from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.accounts.models import Membership, User
from rathaus.municipalities.models import AccessibilityFeedback, Department, Municipality
from rathaus.records.services import audit_record


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


def membership_add(
    *, municipality: Municipality, email: str, role: str, department: Department | None, by: User | None
) -> Membership:
    """Makes the person with this verified e-mail address a member of the municipality's staff.

    Staff sign up like everyone else first; an admin then grants the role. The back office stays
    closed to them until they have set up TOTP (TenantMiddleware).
    """
    address = EmailAddress.objects.filter(email__iexact=email.strip(), verified=True).select_related("user").first()
    if address is None or not address.user.is_active:
        raise ValidationError(
            _(
                "Zu dieser E-Mail-Adresse gibt es kein bestätigtes Konto. Bitten Sie die Person, sich zuerst zu registrieren."
            ),
            code="no_account",
        )
    if Membership.objects.filter(municipality=municipality, user=address.user).exists():
        raise ValidationError(_("Diese Person gehört schon zur Verwaltung."), code="already_member")
    membership = Membership(municipality=municipality, user=address.user, role=role, department=department)
    membership.full_clean()
    with transaction.atomic():
        membership.save()
        audit_record(
            municipality=municipality,
            actor=by,
            action="membership.granted",
            obj=membership,
            data={"user": membership.user_id, "role": role, "department": department.pk if department else None},
        )
    return membership


def membership_remove(*, membership: Membership, by: User) -> None:
    """Ends a staff membership; an admin cannot remove their own, so a municipality keeps one."""
    if membership.user_id == by.pk:
        raise ValidationError(_("Ihre eigene Mitgliedschaft können Sie nicht beenden."), code="own_membership")
    with transaction.atomic():
        audit_record(
            municipality=membership.municipality,
            actor=by,
            action="membership.ended",
            obj=membership,
            data={"user": membership.user_id, "role": membership.role},
        )
        membership.delete()
