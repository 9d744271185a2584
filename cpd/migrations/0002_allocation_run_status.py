from django.db import migrations, models

STATUSES = [("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")]


class Migration(migrations.Migration):
    dependencies = [
        ("cpd", "0001_programme_events_bookings"),
    ]

    operations = [
        migrations.AddField(
            model_name="allocationrun",
            name="error",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="allocationrun",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        # Runs made before the allocation moved into a Celery task had finished: they are done.
        migrations.AddField(
            model_name="allocationrun",
            name="status",
            field=models.CharField(choices=STATUSES, default="done", max_length=10),
        ),
        migrations.AlterField(
            model_name="allocationrun",
            name="status",
            field=models.CharField(choices=STATUSES, default="queued", max_length=10),
        ),
    ]
