"""Indexes for the clerks' work queue with a million cases (see `rathaus.cases.queue`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["municipality", "submitted_at"], name="case_submitted"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["municipality", "status", "submitted_at"], name="case_status"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True)),
                fields=["municipality", "submitted_at"],
                name="case_open",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True)),
                fields=["municipality", "department", "submitted_at"],
                name="case_open_department",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True)), fields=["municipality", "due_at"], name="case_open_due"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True)),
                fields=["municipality", "reference"],
                name="case_open_reference",
            ),
        ),
        # The same columns as before, with PostgreSQL's pattern operator class for prefix searches.
        migrations.RemoveIndex(model_name="case", name="case_name"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["municipality", "applicant_name_search"],
                name="case_name",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ),
    ]
