"""Onboarding: any German municipality joins the platform by configuration, not by code.

`municipality_onboard` is the one way in; `rathaus municipality add` and the operator's page
`/plattform/kommunen/neu/` both call it. In one transaction it

1. takes name, type, postal code and Kreis from the official register (`municipalities.register`)
   and derives the address slug from the name ("Werl, Stadt" → `werl`),
2. creates the municipality with the departments of its level (`municipalities/data/departments.json`),
3. runs every app's set-up (`Capability.onboard`, in the order of `INSTALLED_APPS`) with the
   municipality in scope: the catalogue, the trade office, the schools, and whatever later
   capabilities bring,
4. makes the first admin a member (role admin) and, after the commit, mails them an invitation:
   a one-time link to set a password that expires after `PASSWORD_RESET_TIMEOUT` (allauth's
   password reset), after which the back office asks them to set up TOTP.

Anything refused (an unknown key, a municipality already on the platform, a bad address) raises
`OnboardingError` with a German message before anything is stored; a failure later undoes it all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from rathaus.accounts.models import Membership, User
from rathaus.catalog.catalogue import departments_data
from rathaus.core.capability import onboarders
from rathaus.municipalities.models import Department, Municipality
from rathaus.municipalities.register import RegisterEntry, RegisterError, register_entry
from rathaus.municipalities.tenancy import tenant_scope
from rathaus.municipalities.validators import RESERVED_SLUGS
from rathaus.records.services import audit_record

SLUG_MAX = Municipality._meta.get_field("slug").max_length or 60
EMAIL_MAX = User._meta.get_field("email").max_length or 254

# The fields the register has no data for, which the admin fills in on the settings page.
OPEN_FIELDS = (
    "street",
    "postal_code",  # a district's: the register has postal codes for Gemeinden only
    "city",
    "phone",
    "email",
    "legal_representative",
    "privacy_officer",
    "accessibility_contact",
)


class OnboardingError(ValueError):
    """A refusal with a message for the person who asked (German)."""


@dataclass(frozen=True)
class Onboarded:
    municipality: Municipality
    admin: User
    entry: RegisterEntry
    notes: list[str] = field(default_factory=list)

    @property
    def open_fields(self) -> list[str]:
        """The labels of the municipality's fields still empty, for the admin to fill in."""
        return open_fields(self.municipality)


def open_fields(municipality: Municipality) -> list[str]:
    return [str(_field_label(name)) for name in OPEN_FIELDS if not getattr(municipality, name)]


def _field_label(name: str) -> object:
    return getattr(Municipality._meta.get_field(name), "verbose_name", name)


_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def slug_base(name: str) -> str:
    """ "Münster" → "muenster", "Halle (Saale)" → "halle-saale", "Kreis Soest" → "kreis-soest"."""
    ascii_name = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATION)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:SLUG_MAX].strip("-")


def _slug_taken(slug: str) -> bool:
    return slug in RESERVED_SLUGS or Municipality.objects.filter(slug=slug).exists()


def slug_for(entry: RegisterEntry) -> str:
    """A free slug from the name: the place ("werl"), a district as itself ("kreis-soest"); when
    taken or reserved, with its Kreis or Land ("neustadt-kreis-x") and finally with its AGS."""
    base = slug_base(entry.display_name if entry.type == "Kreis" else entry.short_name)
    candidates = [base]
    if entry.district_name:
        candidates.append(f"{base}-{slug_base(entry.district_name)}")
    candidates.append(f"{base}-{slug_base(entry.land_name)}")
    candidates.append(f"{base}-{entry.ags}")
    for candidate in candidates:
        candidate = candidate[:SLUG_MAX].strip("-")
        if candidate and not _slug_taken(candidate):
            return candidate
    raise OnboardingError(_("Für %(name)s ist kein Kurzname frei.") % {"name": entry.display_name})


def reference_prefix_for(entry: RegisterEntry) -> str:
    """Letters for the reference numbers: "WE" for Werl, "KSO" for Kreis Soest; the admin may change them."""
    letters = re.sub(r"[^A-Z]", "", slug_base(entry.short_name).upper())
    prefix = letters[:2] or "RH"
    return f"K{prefix}"[:5] if entry.type == "Kreis" else prefix


def _email(value: str, *, label: str) -> str:
    value = (value or "").strip()
    try:
        if len(value) > EMAIL_MAX:
            raise ValidationError("too long")
        EmailValidator()(value)
    except ValidationError:
        raise OnboardingError(
            _("%(label)s „%(value)s“ ist keine gültige E-Mail-Adresse.") % {"label": label, "value": value}
        ) from None
    return value.lower()


def _explicit_slug(slug: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) or len(slug) > SLUG_MAX:
        raise OnboardingError(
            _("Der Kurzname „%(slug)s“ darf nur aus Kleinbuchstaben, Ziffern und Bindestrichen bestehen.")
            % {"slug": slug}
        )
    if slug in RESERVED_SLUGS:
        raise OnboardingError(_("Der Kurzname „%(slug)s“ ist für die Website reserviert.") % {"slug": slug})
    if Municipality.objects.filter(slug=slug).exists():
        raise OnboardingError(_("Den Kurznamen „%(slug)s“ hat schon eine andere Kommune.") % {"slug": slug})
    return slug


def _admin_user(email: str) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        if not user.is_active:
            raise OnboardingError(_("Das Konto %(email)s ist gesperrt oder gelöscht.") % {"email": email})
        return user
    user = User.objects.create_user(email=email, password=None)  # unusable until the invitation is used
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def invitation_link(user: User) -> str:
    """allauth's one-time link to set a password: it stops working once the password is set
    (the token covers the password hash) and after `PASSWORD_RESET_TIMEOUT`."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return f"{settings.SITE_URL}{path}"


def invitation_send(*, municipality: Municipality, user: User, notes: list[str]) -> None:
    days = max(1, int(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT).total_seconds() // 86400))
    backoffice = settings.SITE_URL + reverse("backoffice:dashboard", kwargs={"municipality_slug": municipality.slug})
    todo = "\n".join(f"- {line}" for line in [*notes, *_open_field_notes(municipality)])
    send_mail(
        _("Einladung: Verwaltung von %(name)s auf Rathaus") % {"name": municipality.name},
        _(
            "Guten Tag,\n\n%(name)s ist jetzt auf Rathaus, und Sie verwalten es.\n\n"
            "1. Legen Sie Ihr Passwort fest. Der Link gilt einmal und %(days)d Tage lang:\n%(link)s\n\n"
            "2. Melden Sie sich an und öffnen Sie den Verwaltungsbereich:\n%(backoffice)s\n"
            "Beim ersten Mal richten Sie die Anmeldung in zwei Schritten (TOTP) mit einer "
            "Authenticator-App ein; ohne sie öffnet sich der Verwaltungsbereich nicht.\n\n"
            "3. Noch zu erledigen:\n%(todo)s\n\n"
            "Haben Sie diese Einladung nicht erwartet, können Sie diese E-Mail ignorieren.\n"
        )
        % {
            "name": municipality.name,
            "days": days,
            "link": invitation_link(user),
            "backoffice": backoffice,
            "todo": todo,
        },
        None,
        [user.email],
    )


def _open_field_notes(municipality: Municipality) -> list[str]:
    missing = open_fields(municipality)
    if not missing:
        return []
    return [
        _("Angaben der Kommune (fürs Impressum): %(fields)s. Bis dahin steht dort „wird ergänzt“.")
        % {"fields": ", ".join(missing)}
    ]


def _departments_create(municipality: Municipality, level: str) -> None:
    wanted = {"city": {"city"}, "district": {"district"}, "independent_city": {"city", "district"}}[level]
    for key, info in departments_data().items():
        if info["level"] in wanted:
            Department.objects.create(municipality=municipality, key=key, name=info["name"], name_en=info["name_en"])


def municipality_onboard(
    *,
    ags: str,
    admin_email: str,
    slug: str | None = None,
    street: str = "",
    postal_code: str = "",
    city: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
    by: User | None = None,
) -> Onboarded:
    """Puts the municipality with this AGS on the platform, set up by every app, with its first admin."""
    admin_email = _email(admin_email, label=_("Die E-Mail-Adresse der ersten Verwaltung"))
    if email:
        email = _email(email, label=_("Die E-Mail-Adresse der Kommune"))
    if website:
        try:
            URLValidator(schemes=["https"])(website)
        except ValidationError:
            raise OnboardingError(
                _("Die Website „%(url)s“ ist keine gültige Adresse mit https://.") % {"url": website}
            ) from None
    try:
        entry = register_entry(ags)
    except RegisterError as error:
        raise OnboardingError(str(error)) from None
    existing = Municipality.objects.filter(ags=entry.ags).first()
    if existing is not None:
        raise OnboardingError(
            _("%(name)s (%(ags)s) ist schon auf der Plattform: /%(slug)s/")
            % {"name": existing.name, "ags": existing.ags, "slug": existing.slug}
        )

    try:
        return _onboard(entry, admin_email, slug, street, postal_code, city, phone, email, website, by)
    except IntegrityError:
        if not Municipality.objects.filter(ags=entry.ags).exists():
            raise
        # Someone else added the same municipality at the same moment.
        raise OnboardingError(
            _("%(name)s (%(ags)s) ist gerade von jemand anderem aufgenommen worden.")
            % {"name": entry.display_name, "ags": entry.ags}
        ) from None


@transaction.atomic
def _onboard(
    entry: RegisterEntry,
    admin_email: str,
    slug: str | None,
    street: str,
    postal_code: str,
    city: str,
    phone: str,
    email: str,
    website: str,
    by: User | None,
) -> Onboarded:
    municipality = Municipality(
        ags=entry.ags,
        name=entry.display_name,
        slug=_explicit_slug(slug) if slug else slug_for(entry),
        kind=entry.kind,
        street=street.strip(),
        postal_code=postal_code.strip() or entry.postal_code,
        city=city.strip() or (entry.short_name if entry.type != "Kreis" else ""),
        phone=phone.strip(),
        email=email,
        website=website,
        reference_prefix=reference_prefix_for(entry),
        accessibility_contact=email,
    )
    # The register's gaps stay empty for the admin; everything given is checked.
    empty = [name for name in OPEN_FIELDS if not getattr(municipality, name)]
    try:
        municipality.full_clean(exclude=empty)
    except ValidationError as error:
        raise OnboardingError(" ".join(error.messages)) from None
    municipality.save()
    admin = _admin_user(admin_email)
    notes: list[str] = []
    # Everything below belongs to the new municipality, also when called from a page of no
    # municipality (whose requests see no tenant rows at all).
    with tenant_scope(municipality):
        _departments_create(municipality, entry.level)
        for onboard in onboarders():
            notes.extend(onboard(municipality) or [])
        membership = Membership.objects.create(municipality=municipality, user=admin, role=Membership.Role.ADMIN)
        audit_record(
            municipality=municipality,
            actor=by,
            action="municipality.onboarded",
            obj=municipality,
            data={"ags": entry.ags, "register": entry.official_name},
        )
        audit_record(
            municipality=municipality,
            actor=by,
            action="membership.granted",
            obj=membership,
            data={"user": admin.pk, "role": Membership.Role.ADMIN.value, "department": None},
        )
    transaction.on_commit(lambda: invitation_send(municipality=municipality, user=admin, notes=notes))
    return Onboarded(municipality=municipality, admin=admin, entry=entry, notes=notes)
