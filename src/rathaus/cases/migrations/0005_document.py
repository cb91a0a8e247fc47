import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import rathaus.cases.models


class Migration(migrations.Migration):
    """`Document` moves here from `records` (records 0004 lets go of it). Only Django's picture of
    the models changes: the table keeps its name `records_document`, and its rows stay."""

    dependencies = [
        ("cases", "0004_case_case_open_name_case_case_open_department_name_and_more"),
        ("municipalities", "0002_municipality_reference_prefix"),
        ("records", "0004_move_document_to_cases"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Document",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("attachment", "Anlage"),
                                    ("receipt", "Eingangsbestätigung"),
                                    ("notice", "Bescheid"),
                                    ("message", "Anlage zu einer Nachricht"),
                                    ("internal", "Interne Unterlage"),
                                ],
                                max_length=20,
                                verbose_name="Art",
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="Titel")),
                        ("file", models.FileField(upload_to=rathaus.cases.models._document_path)),
                        ("original_name", models.CharField(max_length=255, verbose_name="Dateiname")),
                        ("content_type", models.CharField(max_length=80)),
                        ("size", models.PositiveBigIntegerField(verbose_name="Größe")),
                        ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                        ("version", models.PositiveIntegerField(default=1, verbose_name="Version")),
                        ("visible_to_applicant", models.BooleanField(default=True)),
                        ("created_at", models.DateTimeField(verbose_name="Gespeichert am")),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="documents", to="cases.case"
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "message",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attachments",
                                to="cases.message",
                            ),
                        ),
                        (
                            "municipality",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="municipalities.municipality",
                            ),
                        ),
                        (
                            "previous",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="next_version",
                                to="cases.document",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Dokument",
                        "verbose_name_plural": "Dokumente",
                        "db_table": "records_document",
                        "ordering": ["created_at", "pk"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
