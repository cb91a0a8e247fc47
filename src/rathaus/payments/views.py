from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.payments import providers
from rathaus.payments.models import Payment
from rathaus.payments.services import payment_set_status

# The results a provider may report on the citizen's way back.
_RETURN_STATUSES = {Payment.Status.PAID, Payment.Status.CANCELLED, Payment.Status.FAILED}


@require_http_methods(["GET", "POST"])
def test_provider_page(request: HttpRequest, municipality_slug: str, payment_token: str) -> HttpResponse:
    """Plays an external hosted payment page: it only answers with a signed result, as ePayBL would."""
    if not providers.is_test_provider_enabled():
        raise Http404
    payment = get_object_or_404(Payment, token=payment_token, provider=providers.HostedTestPageProvider.key)
    if request.method == "POST" and payment.status == Payment.Status.OPEN:
        result = request.POST.get("result")
        if result not in {Payment.Status.PAID, Payment.Status.CANCELLED}:
            return render(request, "payments/return_invalid.html", status=400)
        return redirect(providers.return_url(payment=payment, status=result))
    return render(request, "payments/test_provider.html", {"payment": payment})


@require_GET
def provider_return(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    """The citizen comes back from the provider's page with a signed result."""
    payment = get_object_or_404(Payment, token=request.GET.get("payment", ""))
    status = request.GET.get("status", "")
    if status not in _RETURN_STATUSES or not providers.return_signature_valid(
        token=payment.token, status=status, signature=request.GET.get("sig", "")
    ):
        return render(request, "payments/return_invalid.html", status=400)
    if payment.status != status:
        try:
            payment_set_status(payment=payment, status=status)
        except ValidationError:
            # An old result coming back again, e.g. "cancelled" after the payment went through.
            messages.warning(request, _("Diese Zahlung ist bereits abgeschlossen."))
            return redirect(payment.return_url)
    if status == Payment.Status.PAID:
        messages.success(request, _("Vielen Dank, Ihre Zahlung ist eingegangen."))
    elif status == Payment.Status.CANCELLED:
        messages.info(request, _("Sie haben die Zahlung abgebrochen. Sie können es erneut versuchen."))
    else:
        messages.error(request, _("Die Zahlung ist fehlgeschlagen. Sie können es erneut versuchen."))
    return redirect(payment.return_url)
