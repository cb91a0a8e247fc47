from django.db import migrations


class Migration(migrations.Migration):
    """`Document` now belongs to `cases` (cases 0005 takes it over). Only Django's picture of the
    models changes: the table `records_document` and its rows stay as they are."""

    dependencies = [
        ("records", "0003_auditevent_audit_object_auditevent_audit_case"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Document")],
            database_operations=[],
        ),
    ]
