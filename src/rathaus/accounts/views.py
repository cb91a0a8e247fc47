from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.accounts.access import requires, staff_user
from rathaus.accounts.forms import AccountDeleteForm, MembershipAddForm
from rathaus.accounts.models import Membership, User
from rathaus.accounts.selectors import user_has_totp
from rathaus.accounts.services import account_delete, membership_add, membership_remove
from rathaus.core.forms import saved
from rathaus.municipalities.models import Municipality


def _logged_in_user(request: HttpRequest) -> User:
    """The user of a view behind @login_required."""
    user = request.user
    if not isinstance(user, User):  # login_required has already sent anonymous visitors away
        raise PermissionDenied
    return user


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _logged_in_user(request)
    memberships = Membership.all_tenants.filter(user=user).select_related("municipality", "department")
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships,
            "has_totp": user_has_totp(user=user),
            # Applications are kept per municipality: "Meine Anträge" of each one on this installation.
            "municipalities": Municipality.objects.order_by("name"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    user = _logged_in_user(request)
    # The password check must not let someone with a stolen session guess the password freely:
    # it shares allauth's limit for re-entering one's password (10 a minute).
    rate_limited = request.method == "POST" and not ratelimit.consume(request, action="reauthenticate", user=user)
    form = AccountDeleteForm(request.POST or None, user=user, rate_limited=rate_limited)
    if request.method == "POST" and form.is_valid():
        account_delete(user=user)
        logout(request)
        messages.success(request, _("Ihr Konto und Ihre persönlichen Daten wurden gelöscht."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


@requires("accounts.staff")
@require_http_methods(["GET", "POST"])
def backoffice_staff(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = request.municipality  # type: ignore[attr-defined]
    form = MembershipAddForm(request.POST or None)
    if (
        form.is_bound
        and form.is_valid()
        and saved(form, lambda: membership_add(municipality=municipality, by=staff_user(request), **form.cleaned_data))
    ):
        messages.success(request, _("%(email)s gehört jetzt zur Verwaltung.") % {"email": form.cleaned_data["email"]})
        return redirect("backoffice:staff", municipality_slug=municipality_slug)
    memberships = Membership.objects.select_related("user", "department").order_by("user__email")
    with_totp = set(
        Authenticator.objects.filter(
            type=Authenticator.Type.TOTP, user__in=[m.user_id for m in memberships]
        ).values_list("user_id", flat=True)
    )
    return render(
        request,
        "accounts/backoffice/staff.html",
        {"form": form, "memberships": memberships, "with_totp": with_totp},
    )


@requires("accounts.staff")
@require_http_methods(["GET", "POST"])
def backoffice_staff_remove(request: HttpRequest, municipality_slug: str, membership_id: int) -> HttpResponse:
    """GET asks whether the person should really lose access, POST removes them."""
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id)
    if request.method == "GET":
        return render(
            request,
            "confirm.html",
            {
                "question": _("%(email)s aus der Verwaltung entfernen?") % {"email": membership.user.email},
                "explanation": [
                    _(
                        "Die Person kann sich danach nicht mehr in der Verwaltung dieser Kommune anmelden. Ihr Konto "
                        "bleibt bestehen; Sie können sie später wieder hinzufügen."
                    )
                ],
                "confirm_label": _("Ja, entfernen"),
                "cancel_label": _("Nein, zurück zur Liste"),
                "cancel_url": reverse("backoffice:staff", kwargs={"municipality_slug": municipality_slug}),
            },
        )
    try:
        membership_remove(membership=membership, by=staff_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(email)s gehört nicht mehr zur Verwaltung.") % {"email": membership.user.email})
    return redirect("backoffice:staff", municipality_slug=municipality_slug)
