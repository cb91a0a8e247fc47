from django.urls import URLPattern, path

from rathaus.cases import backoffice, views

public_patterns: list[URLPattern] = [
    path("antrag/<slug:procedure_key>/", views.application_start, name="application_start"),
    path("antrag/entwurf/<uuid:draft_token>/pruefen/", views.application_review, name="application_review"),
    path("antrag/entwurf/<uuid:draft_token>/verwerfen/", views.application_discard, name="application_discard"),
    path("antrag/entwurf/<uuid:draft_token>/<slug:step_key>/", views.application_step, name="application_step"),
    path("antrag/eingegangen/<str:reference>/", views.application_done, name="application_done"),
    path("antrag/eingegangen/<str:reference>/bezahlen/", views.case_pay, name="case_pay"),
    path("meine-antraege/", views.my_cases, name="my_cases"),
    path("meine-antraege/<str:reference>/", views.case_page, name="my_case"),
    path(
        "meine-antraege/<str:reference>/schritt/<slug:transition_key>/",
        views.case_applicant_transition,
        name="my_case_transition",
    ),
    path("meine-antraege/<str:reference>/dokument/<int:document_id>/", views.case_document, name="my_case_document"),
    path("vorgang/<str:token>/", views.case_page, name="case_status"),
    path(
        "vorgang/<str:token>/schritt/<slug:transition_key>/",
        views.case_applicant_transition,
        name="case_status_transition",
    ),
    path("vorgang/<str:token>/dokument/<int:document_id>/", views.case_document, name="case_status_document"),
]

# The clerks' side (work queue, electronic file) lives in `backoffice.py`.
backoffice_patterns: list[URLPattern] = [
    path("vorgaenge/", backoffice.case_queue, name="case_queue"),
    path("vorgaenge/<int:case_id>/", backoffice.case_detail, name="case_detail"),
    path("vorgaenge/<int:case_id>/uebernehmen/", backoffice.case_assign_action, name="case_assign"),
    path(
        "vorgaenge/<int:case_id>/schritt/<slug:transition_key>/",
        backoffice.case_transition_action,
        name="case_transition",
    ),
    path("vorgaenge/<int:case_id>/nachforderung/", backoffice.case_request_action, name="case_request"),
    path("vorgaenge/<int:case_id>/nachricht/", backoffice.case_message_action, name="case_message"),
    path("vorgaenge/<int:case_id>/notiz/", backoffice.case_note_action, name="case_note"),
    path("vorgaenge/<int:case_id>/sperre/", backoffice.case_legal_hold_action, name="case_legal_hold"),
    path("vorgaenge/<int:case_id>/bezahlt/", backoffice.case_paid_action, name="case_paid"),
    path(
        "vorgaenge/<int:case_id>/dokumente/<int:document_id>/",
        backoffice.document_download,
        name="case_document",
    ),
    path(
        "vorgaenge/<int:case_id>/dokumente/<int:document_id>/berichtigen/",
        backoffice.document_correct_action,
        name="case_document_correct",
    ),
    path("vorgaenge/<int:case_id>/export/", backoffice.case_export_download, name="case_export"),
]
