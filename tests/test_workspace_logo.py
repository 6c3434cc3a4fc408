"""The company logo: uploaded by the company's admins, decoded and re-encoded, printed on sign-in sheets."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from oscart.audit.models import AuditEvent
from oscart.companies.models import Company
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN
from tests.factories import make_company, make_user


def png(size=(1600, 400), **info):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "PNG", **info)
    return out.getvalue()


@pytest.fixture
def admin(browser):
    company = make_company(name="Acme")
    user = make_user(role=COMPANY_ADMIN, company=company, language="en")
    browser.login(user.email)
    return user


def _upload(browser, data, name="logo.png"):
    return browser.submit("/company/logo", {"logo": (io.BytesIO(data), name)}, form_page="/company/logo",
                          content_type="multipart/form-data")


def test_an_uploaded_logo_is_re_encoded_fitted_and_audited(browser, admin):
    response = _upload(browser, png(dpi=(300, 300)))
    assert response.status_code == 302 and response.headers["Location"] == "/company/logo"
    stored = db.session.scalar(select(Company.logo).where(Company.id == admin.company_id))
    image = Image.open(io.BytesIO(stored))
    assert image.format == "PNG" and image.size == (800, 200) and "dpi" not in image.info
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "company.logo_changed"))
    assert 'alt="Logo of Acme"' in browser.get("/company/logo").text


@pytest.mark.parametrize("data", [b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", b"GIF89a" + b"\0" * 50,
                                  png(size=(4000, 100))])
def test_anything_else_is_refused(browser, admin, data):
    response = _upload(browser, data)
    assert response.status_code == 200 and "field-error" in response.text
    assert db.session.scalar(select(Company.logo_updated_at).where(Company.id == admin.company_id)) is None


def test_the_logo_can_be_removed(browser, admin):
    _upload(browser, png())
    assert browser.submit("/company/logo/remove", form_page="/company/logo").status_code == 302
    assert db.session.scalar(select(Company.logo).where(Company.id == admin.company_id)) is None
    assert "Your company has no logo yet." in browser.get("/company/logo").text
