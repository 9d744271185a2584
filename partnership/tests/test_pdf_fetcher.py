"""PDFs load the portal's own static files and the private files a caller names, and nothing
else: not other local files, not other hosts, not huge inline data."""

import base64
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import needs_service
from partnership.pdf import (
    MAX_DATA_URL_BYTES,
    RefusedURL,
    portal_url_fetcher,
    private_file_url,
    render_pdf,
    save_private_file,
)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed.ttf"


@pytest.fixture
def loopback():
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    hits = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = b"h1::after { content: ' FETCHED-FROM-THE-NETWORK'; }"
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


@pytest.fixture
def static_folder(settings, tmp_path):
    """A static folder of the portal with a stylesheet and a font, as an app would ship them."""
    folder = tmp_path / "static"
    (folder / "pdf" / "fonts").mkdir(parents=True)
    (folder / "pdf" / "print.css").write_text(
        "@font-face { font-family: 'Portal Test'; src: url(fonts/portal-test.ttf); }\n"
        "h1 { font-family: 'Portal Test'; }\n"
        "h1::after { content: ' PORTAL-STYLESHEET-LOADED'; }\n"
    )
    shutil.copy(FONT, folder / "pdf" / "fonts" / "portal-test.ttf")  # fonts-dejavu-core
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(folder)]
    return folder


def _fetched(response) -> bytes:
    try:
        return response.read()
    finally:
        response.close()


# --- the fetcher on its own ----------------------------------------------------------------


def test_the_fetcher_serves_the_portals_static_files_by_their_static_url(static_folder):
    fetch = portal_url_fetcher()
    assert b"PORTAL-STYLESHEET-LOADED" in _fetched(fetch("file:///static/pdf/print.css"))
    assert b"font-family" in _fetched(fetch((static_folder / "pdf" / "print.css").as_uri()))
    assert fetch.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///static/../../../../etc/passwd",
        "file:///static/pdf/../../../../../etc/passwd",
        "file://evil.example/static/pdf/print.css",
        "file:///etc/passwd%00.css",
        "ftp://127.0.0.1/x.css",
        "https://example.org/logo.png",
        "private:governance/minutes-1.pdf",  # a private file nobody named
    ],
)
def test_the_fetcher_refuses_anything_outside_the_portals_own_files(static_folder, url):
    fetch = portal_url_fetcher()
    with pytest.raises(RefusedURL):
        fetch(url)
    assert len(fetch.refused) == 1


def test_the_fetcher_refuses_a_file_reached_through_a_link_out_of_the_static_folder(static_folder, tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("h1::after { content: 'SECRET'; }")
    (static_folder / "pdf" / "linked.css").symlink_to(secret)
    with pytest.raises(RefusedURL):
        portal_url_fetcher()("file:///static/pdf/linked.css")


def test_the_fetcher_never_calls_another_host(loopback):
    base, hits = loopback
    fetch = portal_url_fetcher()
    with pytest.raises(RefusedURL):
        fetch(f"{base}/x.css")
    assert hits == [] and fetch.refused == [f"{base}/x.css"]


def test_the_fetcher_reads_small_data_urls_and_refuses_large_ones():
    fetch = portal_url_fetcher()
    small = "data:text/css;base64," + base64.b64encode(b"p { color: red }").decode()
    assert _fetched(fetch(small)) == b"p { color: red }"
    large = "data:text/css;base64," + "A" * MAX_DATA_URL_BYTES
    with pytest.raises(RefusedURL):
        fetch(large)
    assert fetch.refused[0].endswith(f"({len(large)} characters)")  # the log is not flooded


def test_the_fetcher_serves_only_the_private_files_its_caller_names(db):
    named, _sha, _size = save_private_file("pdf-tests/logo.png", b"\x89PNG named")
    other, _sha, _size = save_private_file("pdf-tests/minutes.pdf", b"%PDF confidential")
    fetch = portal_url_fetcher(private_files=[named])
    assert _fetched(fetch(private_file_url(named))) == b"\x89PNG named"
    with pytest.raises(RefusedURL):
        fetch(private_file_url(other))


# --- a whole PDF ---------------------------------------------------------------------------


def _pdf_text_and_fonts(pdf: bytes, tmp_path) -> tuple[str, str]:
    if not shutil.which("pdftotext") or not shutil.which("pdffonts"):
        needs_service("pdftotext and pdffonts (apt-get install poppler-utils)")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return text, fonts


def test_a_pdf_loads_the_portals_stylesheet_and_font_and_nothing_it_was_not_given(
    static_folder, loopback, tmp_path, caplog
):
    base, hits = loopback
    outside = tmp_path / "outside.css"
    outside.write_text("h1::after { content: ' READ-FROM-OUTSIDE-STATIC'; }")
    large = "data:text/css;base64," + base64.b64encode(
        b"h1::after { content: ' LARGE-DATA-URL'; }" + b" " * MAX_DATA_URL_BYTES
    ).decode("ascii")
    html = f"""<!DOCTYPE html><html lang="en-GB"><head><title>Fetcher</title>
      <link rel="stylesheet" href="/static/pdf/print.css">
      <link rel="stylesheet" href="{base}/x.css">
      <link rel="stylesheet" href="http://127.0.0.1:9/x.css">
      <link rel="stylesheet" href="{outside.as_uri()}">
      <link rel="stylesheet" href="{large}">
      <style>body {{ font-family: "DejaVu Sans"; }}</style>
    </head><body><h1>Minutes</h1>
      <img src="file:///etc/passwd" alt="">
      <img src="{base}/tracker.png" alt="">
      <p>Siân ŵ ŷ</p></body></html>"""

    pdf, pages = render_pdf(html)

    text, fonts = _pdf_text_and_fonts(pdf, tmp_path)
    assert pages == 1 and "Minutes PORTAL-STYLESHEET-LOADED" in text and "Siân ŵ ŷ" in text
    for unwanted in ("FETCHED-FROM-THE-NETWORK", "READ-FROM-OUTSIDE-STATIC", "LARGE-DATA-URL", "root:"):
        assert unwanted not in text
    assert hits == []  # nothing reached the loopback server
    assert "Portal-Test" in fonts  # the static @font-face of the heading, loaded through the fetcher
    assert "DejaVu-Sans" in fonts  # the body text keeps the portal's usual font
    refused = [r.getMessage() for r in caplog.records if "refused to load" in r.getMessage()]
    assert len(refused) == 6 and any("/etc/passwd" in line for line in refused)
