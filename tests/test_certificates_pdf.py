"""The certificate PDF: safe fetching, text in every language, QR code, signature."""

import base64
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from oscart.certificates import signing
from oscart.certificates.codes import normalize_code
from oscart.core.pdf import FetchRefused, RenderTimeout, render_pdf, safe_url_fetcher, time_limit
from tests.factories import make_certificate, make_company, make_course, make_user
from tests.test_certificates_issue import pdf_text

TITLES = {"nl": "Veilig werken op hoogte", "fr": "Travailler en hauteur", "de": "Sicheres Arbeiten in der Höhe",
          "en": "Working safely at height"}


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "http://127.0.0.1/secret",
    "https://example.com/logo.png",
    "ftp://example.com/x",
    "data:text/html,<script>alert(1)</script>",
    "data:application/pdf;base64,JVBERi0=",
    "oscart-static:../config.py",
    "oscart-static:fonts/../../config.py",
    "oscart-static:/etc/passwd",
    "oscart-static:css/missing.css",
])
def test_fetcher_refuses_everything_but_bundled_files_and_image_data(url):
    with pytest.raises(FetchRefused):
        safe_url_fetcher(url)


def test_fetcher_serves_bundled_fonts_and_inline_images():
    font = safe_url_fetcher("oscart-static:fonts/DejaVuSans.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00"
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()
    assert safe_url_fetcher(f"data:image/png;base64,{png}").read() == b"\x89PNG\r\n\x1a\n"


def test_render_ignores_local_files_and_remote_urls(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    html = (f'<link rel="stylesheet" href="file://{secret}"><p>Hello</p><img src="file://{secret}">'
            f'<img src="http://127.0.0.1:9/x.png"><a rel="attachment" href="file://{secret}">x</a>')
    pdf = render_pdf(html)
    assert b"TOP-SECRET" not in pdf and b"/EmbeddedFiles" not in pdf
    assert "Hello" in pdf_text(pdf)


def test_rendering_has_a_time_limit():
    with pytest.raises(RenderTimeout), time_limit(0.05):
        while True:
            pass


@pytest.mark.parametrize(("language", "expected"), [
    ("nl", ["verklaart hierbij dat", "de volgende opleiding met succes heeft gevolgd", "Veilig werken op hoogte",
            "12 maart 2026", "Geldig tot", "Duur"]),
    ("fr", ["certifie par la présente que", "a suivi avec succès la formation suivante", "Travailler en hauteur",
            "12 mars 2026", "Valable jusqu", "Durée"]),
    ("de", ["bestätigt hiermit, dass", "die folgende Schulung erfolgreich abgeschlossen hat",
            "Sicheres Arbeiten in der Höhe", "12. März 2026", "Gültig bis", "Dauer"]),
    ("en", ["hereby certifies that", "has successfully completed the following training", "Working safely at height",
            "12 March 2026", "Valid until", "Duration"]),
])
def test_pdf_text_is_in_the_trainees_language(language, expected):
    trainee = make_user(company=make_company(), first_name="Zoë", last_name="Dubois-Müller", language=language)
    course = make_course(titles=TITLES, validity_months=24)
    certificate = make_certificate(trainee, course, completed_at=datetime(2026, 3, 12, 12, tzinfo=UTC))
    text = pdf_text(certificate.pdf)
    for phrase in [*expected, "Zoë Dubois-Müller", "Oscart Group NV", certificate.code]:
        assert phrase.lower() in text.lower(), phrase
    reader = PdfReader(BytesIO(certificate.pdf))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points


def test_qr_code_points_to_public_verification_page(tmp_path):
    certificate = make_certificate(make_user(company=make_company()))
    expected = f"https://portal.oscart.example/verify/{certificate.code}"
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(certificate.pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    results = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert [result.text for result in results] == [expected]
    assert normalize_code(expected.rsplit("/", 1)[1]) == certificate.code


@pytest.fixture
def demo_signer(app, tmp_path):
    cert, key = signing.create_demo_signer(tmp_path / "signer")
    app.config.update(CERTIFICATE_SIGNING_CERT=str(cert), CERTIFICATE_SIGNING_KEY=str(key))
    yield cert
    app.config.update(CERTIFICATE_SIGNING_CERT=None, CERTIFICATE_SIGNING_KEY=None)


def test_certificate_is_pades_signed_when_a_signer_is_configured(demo_signer):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    certificate = make_certificate(make_user(company=make_company()))
    assert certificate.is_signed
    signature = PdfFileReader(BytesIO(certificate.pdf)).embedded_signatures[0]
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    context = ValidationContext(trust_roots=[load_cert_from_pemder(demo_signer)])
    with ThreadPoolExecutor(max_workers=1) as pool:  # its own event loop, whatever runs in this thread
        status = pool.submit(validate_pdf_signature, signature, context).result()
    assert status.intact and status.valid and status.trusted


def test_certificate_is_unsigned_without_signer():
    certificate = make_certificate(make_user(company=make_company()))
    assert not certificate.is_signed
    assert b"/ByteRange" not in certificate.pdf


def test_unloadable_signer_is_reported_at_start_up(app, tmp_path, caplog):
    broken = tmp_path / "broken.pem"
    broken.write_text("not a certificate")
    app.config.update(CERTIFICATE_SIGNING_CERT=str(broken), CERTIFICATE_SIGNING_KEY=str(broken))
    try:
        signing.check_configuration(app)
    finally:
        app.config.update(CERTIFICATE_SIGNING_CERT=None, CERTIFICATE_SIGNING_KEY=None)
    assert "cannot be loaded" in caplog.text
