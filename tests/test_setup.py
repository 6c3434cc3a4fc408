"""Setting up: `make run PORT=…` gives working links, a first run warns about nothing, the README lists the demo."""

import ctypes.util
import logging
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from PIL import Image

from oscart.certificates import signing
from oscart.core import pdf
from oscart.core.demo import ACCOUNTS
from tests.factories import make_certificate, make_company, make_user
from tests.helpers import mail_link

ROOT = Path(__file__).resolve().parents[1]


@cache
def development_base_url(**env):
    """PUBLIC_BASE_URL of the development configuration, read by a fresh interpreter with ``env``."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"PUBLIC_BASE_URL", "PORT", "OSCART_ENV"}}
    environment.update(env)
    code = "from config import CONFIGS; print(CONFIGS['development'].PUBLIC_BASE_URL)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True,
                            check=True)
    return result.stdout.strip()


@pytest.mark.parametrize(("env", "expected"), [
    ({"PORT": "5050"}, "http://127.0.0.1:5050"),
    ({}, "http://127.0.0.1:5000"),
    ({"PORT": "5050", "PUBLIC_BASE_URL": "https://training.example.be/"}, "https://training.example.be"),
])
def test_in_development_the_public_base_url_follows_the_port_unless_set(env, expected):
    assert development_base_url(**env) == expected


def qr_codes(pdf_bytes, tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    (tmp_path / "certificate.pdf").write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(tmp_path / "certificate.pdf"),
                    str(tmp_path / "page")], check=True)
    return [result.text for result in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))]


def test_make_run_on_port_5050_gives_mail_links_and_qr_codes_on_that_port(app, browser, outbox, monkeypatch,
                                                                           tmp_path):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", development_base_url(PORT="5050"))
    user = make_user(company=make_company(), language="en")
    browser.submit("/reset", {"email": user.email}, form_page="/reset")
    assert mail_link(outbox[-1]).startswith("http://127.0.0.1:5050/reset/")
    certificate = make_certificate(user)
    assert qr_codes(certificate.pdf, tmp_path) == [f"http://127.0.0.1:5050/verify/{certificate.code}"]


def test_a_reset_link_printed_to_the_console_in_development_works_when_copied(app, browser, monkeypatch, capsys):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "console")
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", development_base_url(PORT="5050"))
    user = make_user(company=make_company(), language="fr")  # accents: the mail's text is encoded on the wire
    browser.submit("/reset", {"email": user.email}, form_page="/reset")
    printed = capsys.readouterr().out
    assert f"To: {user.email}" in printed and "Subject: " in printed
    link = re.search(r"http://127\.0\.0\.1:5050(/reset/\S+)", printed)
    assert link, printed
    assert browser.get(link.group(1)).status_code == 200  # a broken token redirects to /reset instead


def test_a_first_run_logs_no_warning_and_prints_the_demo_accounts(make_app, caplog, tmp_path):
    """`make run` on a fresh machine: start-up before the demo signer exists, then seed-demo."""
    signer = tmp_path / "demo-signer"
    caplog.set_level(logging.WARNING)
    fresh = make_app(CERTIFICATE_DEMO_SIGNER_DIR=str(signer), CERTIFICATE_SIGNING_CERT=str(signer / "signer-cert.pem"),
                     CERTIFICATE_SIGNING_KEY=str(signer / "signer-key.pem"))
    with fresh.app_context():  # the CLI runs in the app of the context it finds
        result = fresh.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING] == []
    assert (signer / "signer-cert.pem").is_file()
    assert [email for email, *_ in ACCOUNTS if email not in result.output] == []
    # Whoever must set up two-step at the first login is named, and the README's table says why.
    first_login = re.findall(r"^(\S+@\S+) sets up two-step login at the first login", result.output, re.MULTILINE)
    assert first_login == ["hr@globex.example"]
    assert "two-step" in demo_table_rows()["hr@globex.example"][3]
    assert "Why Globex's admin must set up two-step login first" in (ROOT / "README.md").read_text()


def test_a_configured_signer_that_is_missing_is_still_a_warning(app, monkeypatch, caplog, tmp_path):
    monkeypatch.setitem(app.config, "CERTIFICATE_SIGNING_CERT", str(tmp_path / "seal" / "cert.pem"))
    monkeypatch.setitem(app.config, "CERTIFICATE_SIGNING_KEY", str(tmp_path / "seal" / "key.pem"))
    with caplog.at_level(logging.WARNING):
        assert signing.configured_signer() is None
    assert "does not exist; issuing unsigned" in caplog.text


@pytest.mark.parametrize("weasyprint_has_it", [True, False])
def test_harfbuzz_warning_follows_what_weasyprint_loaded(monkeypatch, caplog, weasyprint_has_it):
    from weasyprint.text import ffi

    if weasyprint_has_it and ffi.harfbuzz_subset is None:
        pytest.skip("libharfbuzz-subset is not installed here")
    if not weasyprint_has_it:
        monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)  # a lookup by name finds nothing
    pdf.has_harfbuzz_subset.cache_clear()
    pdf.warn_if_slow_subsetting.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="oscart.core.pdf"):
            pdf.warn_if_slow_subsetting()
    finally:
        pdf.has_harfbuzz_subset.cache_clear()
        pdf.warn_if_slow_subsetting.cache_clear()
    assert ("libharfbuzz-subset is not installed" in caplog.text) is not weasyprint_has_it


def demo_table_rows():
    """{e-mail: the row's cells} of the README's demo account table."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Demo accounts", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\|\s*`([^`]+@[^`]+)`\s*\|(.*)\|\s*$", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


ROLES = {"platform_admin": "platform admin", "trainer": "trainer", "company_admin": "company admin",
         "trainee": "trainee"}
LANGUAGES = {"nl": "Dutch", "fr": "French", "de": "German", "en": "English"}


def test_readme_demo_table_lists_every_demo_account_as_seeded():
    rows = demo_table_rows()
    assert sorted(rows) == sorted(email for email, *_ in ACCOUNTS)
    for email, _first, _last, role, company, language in ACCOUNTS:
        assert rows[email][:3] == [ROLES[role], company or "Oscart Group", LANGUAGES[language]], email

