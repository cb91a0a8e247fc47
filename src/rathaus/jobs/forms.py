import re
from typing import Any

from django import forms

from rathaus.jobs.models import JobPosting
from rathaus.municipalities.models import Department

PAY_GRADE_SPELLING = re.compile(r"^(EG|S|P)(\d{1,2})(Ü|[a-c])?$", re.IGNORECASE)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class JobPostingForm(forms.ModelForm[JobPosting]):
    class Meta:
        model = JobPosting
        fields = [
            "title",
            "department",
            "pay_grade",
            "hours_per_week",
            "part_time_possible",
            "limited",
            "limited_until",
            "start",
            "deadline",
            "description",
            "tasks",
            "requirements",
            "offer",
            "contact_name",
            "contact_phone",
            "published",
        ]
        widgets = {
            "limited_until": DateInput(),
            "deadline": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "tasks": forms.Textarea(attrs={"rows": 5}),
            "requirements": forms.Textarea(attrs={"rows": 5}),
            "offer": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The departments of the posting's municipality (a queryset built at import has none in scope).
        self.fields["department"].queryset = Department.objects.of(self.instance.municipality_id)  # type: ignore[attr-defined]

    def clean_pay_grade(self) -> str:
        # "eg9a", "EG  9a" and "s11B" are common spellings of "EG 9a" and "S 11b"; the model checks the result.
        value: str = self.cleaned_data["pay_grade"]
        match = PAY_GRADE_SPELLING.match("".join(value.split()))
        if match is None:
            return value
        group, number, suffix = match.group(1), match.group(2), match.group(3) or ""
        return f"{group.upper()} {number}{'Ü' if suffix.upper() == 'Ü' else suffix.lower()}"
