"""Public verification at /verify/<code>: states, the byte-for-byte check, and wrong codes."""

from datetime import UTC, datetime
from io import BytesIO

import pytest

from oscart.certificates import issuing
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from tests.factories import make_certificate, make_company, make_course, make_user


@pytest.fixture
def certificate():
    holder = make_user(company=make_company(name="Acme"), first_name="Anna", last_name="Jansen",
                       email="anna.private@acme.example")
    return make_certificate(holder, make_course(titles={"nl": "Veilig werken op hoogte"}, validity_months=36),
                            completed_at=datetime(2026, 3, 12, 12, tzinfo=UTC))


def visit(client, code, **kwargs):
    return client.get(f"/verify/{code}", headers={"Accept-Language": "en"}, **kwargs)


def test_valid_certificate_shows_holder_course_date_and_hash_only(client, certificate):
    page = visit(client, certificate.code)
    assert page.status_code == 200
    assert "is valid" in page.text
    for shown in ("Anna Jansen", "Veilig werken op hoogte", "12 March 2026", certificate.pdf_sha256):
        assert shown in page.text
    for hidden in ("anna.private@acme.example", "Acme"):
        assert hidden not in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_code_is_accepted_as_typed(client, certificate):
    assert visit(client, certificate.code.lower().replace("-", "")).status_code == 200


def test_expired_certificate(client):
    old = make_certificate(make_user(company=make_company()), make_course(validity_months=12),
                           completed_at=datetime(2020, 1, 6, 12, tzinfo=UTC))
    page = visit(client, old.code)
    assert page.status_code == 200 and "it has expired" in page.text


def test_superseded_and_revoked_certificates(client, certificate):
    admin = make_user(role=PLATFORM_ADMIN)
    new = issuing.reissue_certificate(certificate, actor=admin, reason="Typo")
    db.session.commit()
    assert "replaced by a newer certificate" in visit(client, certificate.code).text
    assert "is valid" in visit(client, new.code).text
    issuing.revoke_certificate(new, actor=admin, reason="Fraud by the holder")
    db.session.commit()
    page = visit(client, new.code)
    assert "was revoked" in page.text and "Fraud" not in page.text


def test_upload_of_the_issued_pdf_is_identical(browser, certificate):
    url = f"/verify/{certificate.code}"
    response = browser.submit(url, {"file": (BytesIO(certificate.pdf), "certificate.pdf")}, form_page=url,
                              headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "This file is identical" in response.text


def test_upload_of_an_altered_pdf_differs(browser, certificate):
    url = f"/verify/{certificate.code}"
    altered = certificate.pdf.replace(b"Jansen", b"Janssen", 1) + b"\n"
    response = browser.submit(url, {"file": (BytesIO(altered), "certificate.pdf")}, form_page=url,
                              headers={"Accept-Language": "en"})
    assert "This file is NOT the certificate" in response.text


def test_unknown_and_malformed_codes_answer_the_same(client, certificate):
    unknown = visit(client, "AAAA-AAAA-AAAA-AAAA")
    malformed = visit(client, "0000-OOOO-1111-IIII")
    assert unknown.status_code == malformed.status_code == 404
    strip = lambda response, code: response.text.replace(code, "")  # noqa: E731 - the language form's return path
    assert strip(unknown, "AAAA-AAAA-AAAA-AAAA") == strip(malformed, "0000-OOOO-1111-IIII")
    assert visit(client, "../../etc/passwd").status_code == 404
    assert "No certificate has this code" in unknown.text


@pytest.mark.config(RATELIMIT_VERIFY="3 per minute")
def test_wrong_codes_are_rate_limited_but_right_ones_do_not_count(client, certificate):
    for _ in range(5):
        assert visit(client, certificate.code).status_code == 200
    for _ in range(3):
        assert visit(client, "AAAA-AAAA-AAAA-AAAA").status_code == 404
    assert visit(client, "AAAA-AAAA-AAAA-AAAA").status_code == 429
    assert visit(client, certificate.code).status_code == 429


def test_code_form_redirects_to_the_verification_page(client, certificate):
    response = client.get(f"/verify?code={certificate.code.lower()}")
    assert response.status_code == 302 and response.headers["Location"] == f"/verify/{certificate.code}"
    assert client.get("/verify").status_code == 200
