"""PDF rendering with WeasyPrint. Call it from Celery tasks only, never in a request."""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.template.loader import render_to_string


def private_storage():
    return storages["private"]


def render_html(template: str, context: dict) -> str:
    return render_to_string(template, context)


# A tagged PDF (PDF/UA-1): screen readers get headings, tables and reading order.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


def html_to_pdf(html: str) -> bytes:
    return render_pdf(html)[0]


def render_pdf(html: str) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    from weasyprint import HTML  # imported late: web processes never load it

    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(**PDF_OPTIONS)
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)


def save_private_file(name: str, content: bytes) -> tuple[str, str, int]:
    """Stores bytes under a fresh name in private storage; returns (name, sha256, size).

    The whole file is in memory before the storage sees it and callers record the name
    only after this returns, so no reader ever finds a half-written file."""
    stored_name = private_storage().save(name, ContentFile(content))
    return stored_name, hashlib.sha256(content).hexdigest(), len(content)


def write_pdf(name: str, template: str, context: dict) -> tuple[str, str, int]:
    return save_private_file(name, html_to_pdf(render_html(template, context)))
