import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

app = Celery("partnership")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def warm_up_pdf_rendering(**kwargs):
    """The first WeasyPrint render in a process costs 1-2 s more (fonts, Pango): pay it when
    a worker process starts, not in the first person's job. Never stops the worker."""
    import logging

    try:
        from .pdf import render_pdf

        render_pdf("<!DOCTYPE html><html lang='en'><title>warm-up</title><p>Warm-up</p></html>")
    except Exception:  # a missing library shows in the first real job, with its own error
        logging.getLogger(__name__).exception("PDF warm-up failed.")
