from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from rathaus.core.capability import Capability


class PaymentsConfig(AppConfig):
    name = "rathaus.payments"
    verbose_name = _("Zahlungen")
    capability = Capability(label=_("Zahlungen"), public_urls="rathaus.payments.urls.public_patterns")
