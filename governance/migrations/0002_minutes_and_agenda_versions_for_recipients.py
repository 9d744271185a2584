import django.db.models.deletion
from django.db import migrations, models


def mark_past_sends_as_full(apps, schema_editor):
    """Before this change every governing body was sent the full minutes: record that truthfully."""
    MinutesDistribution = apps.get_model("governance", "MinutesDistribution")
    Document = apps.get_model("governance", "Document")
    for row in MinutesDistribution.objects.filter(sha256=""):
        full = Document.objects.filter(minutes_id=row.minutes_id, kind="minutes_full").first()
        MinutesDistribution.objects.filter(pk=row.pk).update(
            version="full", sha256=full.sha256 if full else "", reason="Sent before versions were recorded."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0001_committees_meetings_minutes"),
        ("schools", "0002_governing_bodies"),
    ]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="kind",
            field=models.CharField(
                choices=[
                    ("agenda_pack", "Agenda pack for members"),
                    ("agenda_public", "Public agenda"),
                    ("minutes_full", "Minutes for members"),
                    ("minutes_public", "Public minutes"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="public_copy",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="full_copy",
                to="governance.document",
            ),
        ),
        migrations.RemoveConstraint(model_name="minutesdistribution", name="one_distribution_per_body"),
        migrations.AlterModelOptions(name="minutesdistribution", options={"ordering": ["governing_body__name", "pk"]}),
        migrations.AlterField(
            model_name="minutesdistribution",
            name="governing_body",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="schools.governingbody",
            ),
        ),
        migrations.AddField(
            model_name="minutesdistribution",
            name="membership",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="governance.committeemembership",
            ),
        ),
        migrations.AddField(
            model_name="minutesdistribution",
            name="version",
            field=models.CharField(
                choices=[
                    ("full", "Full (confidential items included)"),
                    ("public", "Public (confidential items left out)"),
                ],
                default="full",
                max_length=6,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="minutesdistribution",
            name="sha256",
            field=models.CharField(default="", max_length=64, verbose_name="SHA-256 of the PDF sent"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="minutesdistribution",
            name="reason",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(mark_past_sends_as_full, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="minutesdistribution",
            constraint=models.UniqueConstraint(
                condition=models.Q(governing_body__isnull=False),
                fields=("minutes", "governing_body"),
                name="one_distribution_per_body",
            ),
        ),
        migrations.AddConstraint(
            model_name="minutesdistribution",
            constraint=models.UniqueConstraint(
                condition=models.Q(membership__isnull=False),
                fields=("minutes", "membership", "version"),
                name="one_distribution_per_member_and_version",
            ),
        ),
        migrations.AddConstraint(
            model_name="minutesdistribution",
            constraint=models.CheckConstraint(
                condition=models.Q(governing_body__isnull=True) ^ models.Q(membership__isnull=True),
                name="distribution_to_a_body_or_a_member",
            ),
        ),
    ]
