from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.accounts.forms import AccountDeleteForm
from rathaus.accounts.models import Membership, User
from rathaus.accounts.selectors import user_has_totp
from rathaus.accounts.services import account_delete


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
    return render(request, "accounts/profile.html", {"memberships": memberships, "has_totp": user_has_totp(user=user)})


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
