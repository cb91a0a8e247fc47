"""Job postings: public under /<slug>/stellen/, the HR office's editor in the back office."""

from django.urls import URLPattern, URLResolver, path

from rathaus.jobs import views

public_patterns: list[URLPattern | URLResolver] = [
    path("stellen/", views.job_index, name="job_index"),
    path("stellen/<int:posting_id>/", views.job_detail, name="job_detail"),
]

backoffice_patterns: list[URLPattern | URLResolver] = [
    path("stellen/", views.backoffice_job_posting_list, name="job_posting_list"),
    path("stellen/neu/", views.backoffice_job_posting_create, name="job_posting_create"),
    path("stellen/<int:posting_id>/", views.backoffice_job_posting_edit, name="job_posting_edit"),
]
