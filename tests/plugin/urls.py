from django.urls import path

from tests.plugin import views

public_patterns = [path("schirme/", views.umbrellas_public, name="umbrellas_public")]
backoffice_patterns = [path("schirme/", views.umbrella_desk, name="umbrella_desk")]
