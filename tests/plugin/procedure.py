from datetime import timedelta

from django import forms

from rathaus.procedures.base import Procedure, Retention, Step, Transition, Workflow
from rathaus.procedures.registry import register


class UmbrellaForm(forms.Form):
    colour = forms.CharField(label="Farbe des Schirms", max_length=40)
    email = forms.EmailField(label="E-Mail-Adresse")


@register
class UmbrellaClaim(Procedure):
    key = "schirm-abholen"
    title = "Schirm abholen"
    steps = (Step("schirm", "Ihr Schirm", UmbrellaForm),)
    workflow = Workflow(
        states={"submitted": "Eingegangen", "handed_out": "Ausgegeben"},
        transitions=(Transition("hand_out", "Ausgeben", ("submitted",), "handed_out"),),
        final=frozenset({"handed_out"}),
    )
    retention = Retention(period=timedelta(days=30))

    def applicant(self, answers):  # type: ignore[no-untyped-def]
        return "", answers["schirm"]["email"]
