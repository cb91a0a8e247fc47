"""A small procedure that lives only in the tests: it proves the engine runs any registered procedure.

It has a conditional step, an upload, a rule across steps, a fee, a waiting state, notices and a
withdrawal by the applicant.
"""

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from rathaus.procedures.base import (
    ADMIN,
    Answers,
    AttachmentRule,
    Procedure,
    Retention,
    Step,
    Transition,
    Workflow,
)
from rathaus.procedures.fields import AttachmentField


class PersonForm(forms.Form):
    name = forms.CharField(label="Vollständiger Name", max_length=100)
    email = forms.EmailField(label="E-Mail-Adresse")
    on_behalf = forms.BooleanField(label="Ich beantrage für eine andere Person", required=False)


class RepresentedForm(forms.Form):
    represented_name = forms.CharField(label="Name der vertretenen Person", max_length=100)


class RequestForm(forms.Form):
    topic = forms.CharField(label="Worum geht es?", max_length=200)
    express = forms.BooleanField(label="Eilbearbeitung", required=False)
    proof = AttachmentField(label="Nachweis (PDF)", required=True)


class TestPermit(Procedure):
    key = "test-permit"
    title = "Testerlaubnis"
    steps = (
        Step("person", "Antragsteller", PersonForm),
        Step(
            "represented",
            "Vertretene Person",
            RepresentedForm,
            condition=lambda a: a.get("person", {}).get("on_behalf", False),
        ),
        Step("request", "Antrag", RequestForm),
    )
    workflow = Workflow(
        states={
            "submitted": "Eingegangen",
            "in_review": "In Bearbeitung",
            "waiting": "Wartet auf Unterlagen",
            "approved": "Genehmigt",
            "rejected": "Abgelehnt",
            "withdrawn": "Zurückgezogen",
            "archived": "Abgelegt",
        },
        transitions=(
            Transition("start", "Bearbeitung beginnen", ("submitted",), "in_review"),
            Transition(
                "approve",
                "Genehmigen",
                ("in_review",),
                "approved",
                notice_template="records/pdf/notice.html",
                notice_title="Genehmigung",
            ),
            Transition(
                "reject",
                "Ablehnen",
                ("in_review", "waiting"),
                "rejected",
                notice_template="records/pdf/notice.html",
                notice_title="Ablehnung",
                needs_text=True,
            ),
            Transition(
                "withdraw", "Antrag zurückziehen", ("submitted", "in_review", "waiting"), "withdrawn", by_applicant=True
            ),
            Transition("archive", "Ablegen", ("approved", "rejected", "withdrawn"), "archived", role=ADMIN),
        ),
        final=frozenset({"approved", "rejected", "withdrawn", "archived"}),
        waiting="waiting",
    )
    retention = Retention(timedelta(days=30), action="delete", basis="Test")
    attachments = AttachmentRule(max_files=3, max_bytes=1024 * 1024)

    def applicant(self, answers: Answers) -> tuple[str, str]:
        return answers["person"]["name"], answers["person"]["email"]

    def subject(self, answers: Answers, context: Mapping[str, Any]) -> str:
        return f"Testerlaubnis: {answers['request']['topic']}"

    def validate(self, answers: Answers, context: Mapping[str, Any]) -> None:
        if answers["request"].get("topic", "").lower() == answers["person"].get("name", "").lower():
            raise ValidationError({"request": "Das Thema darf nicht Ihr Name sein."})

    def fee(self, answers: Answers, context: Mapping[str, Any]) -> Decimal:
        return Decimal("12.50") if answers.get("request", {}).get("express") else Decimal("0.00")
