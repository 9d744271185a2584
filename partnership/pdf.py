"""PDF rendering with WeasyPrint. Call it from Celery tasks only, never in a request.

Every PDF goes through `render_pdf`, whose URL fetcher loads only the portal's own static
files and the private files the caller names: a template that ever echoes a user's
`<img src>` or stylesheet link cannot make the worker read local files or call other hosts.
"""

import hashlib
import logging
import mimetypes
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.template.loader import render_to_string
from django.utils.crypto import get_random_string

logger = logging.getLogger(__name__)


def private_storage():
    return storages["private"]


def render_html(template: str, context: dict) -> str:
    return render_to_string(template, context)


# A tagged PDF (PDF/UA-1): screen readers get headings, tables and reading order.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


def html_to_pdf(html: str, *, private_files: Iterable[str] = ()) -> bytes:
    return render_pdf(html, private_files=private_files)[0]


def render_pdf(html: str, *, private_files: Iterable[str] = ()) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages. The document may load the portal's static
    files (`{% static %}` URLs) and the private files named in `private_files` (by
    `private_file_url(name)`); every other URL is refused (see `PortalURLFetcher`)."""
    from weasyprint import HTML  # imported late: web processes never load it

    fetcher = portal_url_fetcher(private_files)
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher).render(**PDF_OPTIONS)
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)


# Inline images and fonts beyond this are refused: no document of ours needs more.
MAX_DATA_URL_BYTES = 2 * 1024 * 1024
PRIVATE_SCHEME = "private"


def private_file_url(name: str) -> str:
    """The URL a PDF template uses for a private file the caller names in `private_files`."""
    return f"{PRIVATE_SCHEME}:{quote(name)}"


class RefusedURL(ValueError):
    """A PDF tried to load something outside the portal's own static and named files."""


def _static_roots() -> list[Path]:
    roots = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    for finder in finders.get_finders():
        roots += [Path(storage.location) for storage in getattr(finder, "storages", {}).values()]
    return [root.resolve() for root in roots]


def _static_file(path: str) -> Path | None:
    """The file a `file:` URL names, if it is one of the portal's static files: either
    `/static/<name>` (what `{% static %}` gives, resolved against the base URL) found in
    STATIC_ROOT or by the staticfiles finders, or a path inside one of their folders."""
    candidates = [Path(path)]
    static_url = settings.STATIC_URL or ""
    if static_url.startswith("/") and path.startswith(static_url):
        relative = path.removeprefix(static_url)
        if settings.STATIC_ROOT:
            candidates.insert(0, Path(settings.STATIC_ROOT) / relative)
        try:
            found = finders.find(relative)
        except SuspiciousFileOperation:  # "../" out of a static folder
            found = None
        if found:
            candidates.insert(1, Path(found))
    roots = _static_roots()
    for candidate in candidates:
        try:
            real = candidate.resolve()  # symlinks and ".." cannot lead out of the folders
        except (OSError, ValueError):  # a NUL byte, a loop of links
            continue
        if real.is_file() and any(real.is_relative_to(root) for root in roots):
            return real
    return None


def portal_url_fetcher(private_files: Iterable[str] = ()):
    """A WeasyPrint URL fetcher that serves only the portal's own static files, the private
    files named here, and small data: URLs; anything else (other files, http(s), ftp, large
    data: URLs) is refused without being opened."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PortalURLFetcher(URLFetcher):
        def __init__(self, private_files: Iterable[str]):
            super().__init__(timeout=5, allow_redirects=False)
            self.private_files = frozenset(private_files)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data" and len(url) <= MAX_DATA_URL_BYTES:
                return super().fetch(url, headers)
            if scheme == "file" and urlsplit(url).netloc in ("", "localhost"):
                path = _static_file(url2pathname(urlsplit(url).path))
                if path is not None:
                    return URLFetcherResponse(path.as_uri(), path.open("rb"), {"Content-Type": _mime_type(path)})
            if scheme == PRIVATE_SCHEME:
                name = unquote(url.removeprefix(f"{PRIVATE_SCHEME}:"))
                if name in self.private_files:
                    return URLFetcherResponse(
                        url, private_storage().open(name, "rb"), {"Content-Type": _mime_type(name)}
                    )
            return self.refuse(url)

        def refuse(self, url):
            shown = url if len(url) <= 200 else f"{url[:200]}… ({len(url)} characters)"
            self.refused.append(shown)
            logger.warning("PDF rendering refused to load %s", shown)
            raise RefusedURL(f"Not one of the portal's own files: {shown}")

    return PortalURLFetcher(private_files)


def _mime_type(name) -> str:
    return mimetypes.guess_type(str(name))[0] or "application/octet-stream"


def unique_name(name: str) -> str:
    """`folder/stem.ext` -> `folder/stem-<12 random characters>.ext`. Two writers never pick
    the same name, so no file replaces another: object storage cannot refuse an existing
    name the way the local disk's exclusive create does (its check-then-put races)."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{get_random_string(12)}{path.suffix}"))


def save_private_file(name: str, content: bytes) -> tuple[str, str, int]:
    """Stores bytes under a fresh name in private storage; returns (name, sha256, size).

    The whole file is in memory before the storage sees it and callers record the name
    only after this returns, so no reader ever finds a half-written file. On the local disk
    the storage writes under the final name with an exclusive create; on S3 a put (or a
    multipart upload, for large files) is atomic per object: the object exists only once
    it is complete, and a failed upload leaves nothing behind."""
    stored_name = private_storage().save(unique_name(name), ContentFile(content))
    return stored_name, hashlib.sha256(content).hexdigest(), len(content)


def write_pdf(name: str, template: str, context: dict, *, private_files: Iterable[str] = ()) -> tuple[str, str, int]:
    return save_private_file(name, html_to_pdf(render_html(template, context), private_files=private_files))
