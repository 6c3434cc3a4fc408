"""Demo certificates show every state for both demo companies; seeding twice changes nothing."""

import logging

from sqlalchemy import func, select

from oscart.certificates.models import Certificate
from oscart.companies.models import Company
from oscart.core import local_time, pdf
from oscart.core.extensions import db


def test_seed_demo_creates_every_state_once(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    first_count = db.session.scalar(select(func.count(Certificate.id)))
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    certificates = db.session.scalars(select(Certificate)).all()
    today = local_time.today()
    states = {certificate.status(today) for certificate in certificates}
    assert states == {"valid", "expiring", "expired", "revoked", "superseded"}
    companies = db.session.scalars(select(Company.name).where(
        Company.id.in_({c.company_id for c in certificates}))).all()
    assert sorted(companies) == ["Acme Logistics", "Globex Foods"]
    assert first_count == len(certificates) >= 7


def test_missing_libharfbuzz_subset_is_reported(monkeypatch, caplog):
    monkeypatch.setattr(pdf, "has_harfbuzz_subset", lambda: False)
    pdf.warn_if_slow_subsetting.cache_clear()
    with caplog.at_level(logging.WARNING, logger="oscart.core.pdf"):
        pdf.warn_if_slow_subsetting()
    pdf.warn_if_slow_subsetting.cache_clear()
    assert "libharfbuzz-subset is not installed" in caplog.text


def test_every_demo_certificate_is_signed_when_the_demo_signer_is_configured(app, runner, tmp_path):
    folder = tmp_path / "signer"
    settings = {"CERTIFICATE_DEMO_SIGNER_DIR": str(folder), "CERTIFICATE_SIGNING_CERT": str(folder / "signer-cert.pem"),
                "CERTIFICATE_SIGNING_KEY": str(folder / "signer-key.pem")}
    saved = {key: app.config.get(key) for key in settings}
    app.config.update(settings)
    try:
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
    finally:
        app.config.update(saved)
    unsigned = db.session.scalars(select(Certificate.code).where(Certificate.is_signed.is_(False))).all()
    assert db.session.scalar(select(func.count(Certificate.id))) >= 7
    assert unsigned == []
