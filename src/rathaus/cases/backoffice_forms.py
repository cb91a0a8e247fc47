"""Forms of the back office's work queue and electronic file. They only parse input; the services decide."""

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.cases.queue import DEFAULT_SORT, SORTS, STATUS_ALL, STATUS_OPEN
from rathaus.procedures.fields import AttachmentField


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string; anything invalid is simply not applied."""

    suche = forms.CharField(
        label=_("Suche"),
        required=False,
        max_length=200,
        help_text=_("Aktenzeichen (z. B. SO-2026-000123 oder nur 123) oder der Anfang des Namens"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    verfahren = forms.ChoiceField(label=_("Verfahren"), required=False)
    ueberfaellig = forms.BooleanField(label=_("Nur überfällige Vorgänge"), required=False)
    meine = forms.BooleanField(label=_("Nur mir zugewiesene Vorgänge"), required=False)
    sortierung = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[
            ("-submitted_at", _("Neueste zuerst")),
            ("submitted_at", _("Älteste zuerst")),
            ("due_at", _("Frist, nächste zuerst")),
            ("reference", _("Aktenzeichen")),
        ],
    )

    def __init__(
        self, *args: Any, statuses: list[tuple[str, str]], procedures: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (STATUS_OPEN, _("Alle offenen Vorgänge")),
            (STATUS_ALL, _("Alle Vorgänge, auch abgeschlossene")),
            *statuses,
        ]
        self.fields["verfahren"].choices = [("", _("Alle Verfahren")), *procedures]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The arguments for `work_queue`: the valid filters, defaults for the rest."""
        self.is_valid()  # cleaned_data then holds the fields that are valid
        data = self.cleaned_data
        sort = data.get("sortierung") or DEFAULT_SORT
        return {
            "status": data.get("status", STATUS_OPEN),
            "procedure": data.get("verfahren", ""),
            "overdue": bool(data.get("ueberfaellig")),
            "assigned_to_me": bool(data.get("meine")),
            "query": data.get("suche", ""),
            "sort": sort if sort in SORTS else DEFAULT_SORT,
        }


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Zuweisen an"), coerce=int, empty_value=None, required=False, choices=[])

    def __init__(self, *args: Any, staff: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Niemand (Zuweisung aufheben)")), *staff]  # type: ignore[attr-defined]


class TransitionForm(forms.Form):
    text = forms.CharField(label=_("Begründung oder Erläuterung"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, needs_text: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_text:
            del self.fields["text"]


class DocumentRequestForm(forms.Form):
    text = forms.CharField(
        label=_("Welche Unterlagen fehlen?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Die antragstellende Person erhält diesen Text in ihr Postfach."),
    )
    due_on = forms.DateField(label=_("Frist"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"due_on": timezone.localdate() + timedelta(days=14)})
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Notiz"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Nur für die Verwaltung sichtbar."),
    )


class LegalHoldForm(forms.Form):
    hold = forms.TypedChoiceField(
        choices=[("1", _("Setzen")), ("0", _("Aufheben"))], coerce=lambda value: value == "1", widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Grund"), max_length=500)


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("Grund der Berichtigung"), max_length=500)
    file = AttachmentField(label=_("Neue Fassung"), help_text=_("PDF, PNG oder JPEG"))
