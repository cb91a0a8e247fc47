from django.urls import URLPattern, path

from rathaus.payments import views

# Included under /<slug:municipality_slug>/ by the root URL configuration.
public_patterns: list[URLPattern] = [
    path("zahlung/test/<str:payment_token>/", views.test_provider_page, name="payment_test"),
    path("zahlung/rueckkehr/", views.provider_return, name="payment_return"),
]
