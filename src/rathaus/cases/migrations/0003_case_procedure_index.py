from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_queue_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["municipality", "procedure_key", "submitted_at"], name="case_procedure"),
        ),
    ]
