from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.accounts.forms import AccountDeleteForm
from rathaus.accounts.models import Membership
from rathaus.accounts.selectors import user_has_totp
from rathaus.accounts.services import account_delete


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    memberships = Membership.all_tenants.filter(user=request.user).select_related("municipality", "department")
    return render(
        request,
        "accounts/profile.html",
        {"memberships": memberships, "has_totp": user_has_totp(user=request.user)},  # type: ignore[arg-type]
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)  # type: ignore[arg-type]
        logout(request)
        messages.success(request, _("Ihr Konto und Ihre persönlichen Daten wurden gelöscht."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
