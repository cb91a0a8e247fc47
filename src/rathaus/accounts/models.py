from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.tenancy import TenantModel


class EmailUserManager(UserManager["User"]):
    def create_user(
        self, username: str | None = None, email: str | None = None, password: str | None = None, **extra: Any
    ) -> "User":
        return super().create_user(username=username or (email or "").lower(), email=email, password=password, **extra)


class User(AbstractUser):
    """A person who logs in: a citizen, a business's representative or a member of staff.

    People log in with their e-mail address; `username` only mirrors it for Django's sake.
    """

    # As long as the longest e-mail address (254 characters), since it only mirrors it.
    username = models.CharField(_("Benutzername"), max_length=254, unique=True)
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    deleted_at = models.DateTimeField(_("Gelöscht am"), null=True, blank=True)

    objects: ClassVar[EmailUserManager] = EmailUserManager()

    def save(self, **kwargs: Any) -> None:
        if self.email:
            self.username = self.email.lower()
        # allauth saves a changed address with update_fields=["email"]: the mirror must follow,
        # or the old address stays taken as a username and can never sign up again.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields and "username" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "username"]
        super().save(**kwargs)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Membership(TenantModel):
    """A member of staff of one municipality, with a role."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("Sachbearbeitung")
        ADMIN = "admin", _("Verwaltung der Kommune")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("Rolle"), max_length=10, choices=Role.choices, default=Role.CLERK)
    department = models.ForeignKey(
        "municipalities.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "user"], name="membership_unique_user")]
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")

    def __str__(self) -> str:
        return f"{self.user.email} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN
