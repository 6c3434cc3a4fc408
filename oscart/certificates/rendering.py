"""Turning a certificate's printed facts into PDF bytes (once, at issue time), signed when configured."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import segno
from flask import current_app
from flask_babel import force_locale, format_date, format_decimal

from oscart.certificates import signing
from oscart.pdf import pdf_static_url, render_pdf

ISSUER = "Oscart Group NV"
TEMPLATE = "pdf/certificate.html"
STYLESHEETS = ("css/pdf-certificate.css",)


@dataclass(frozen=True)
class PrintedFacts:
    """Everything a certificate shows; copied onto the Certificate row so it can be checked later."""

    code: str
    language: str
    holder_name: str
    course_title: str
    hours: Decimal
    completed_on: date
    started_on: date | None = None
    place: str | None = None
    trainer_name: str | None = None
    valid_until: date | None = None
    issued_on: date | None = None


def verify_url(code):
    return f"{current_app.config['PUBLIC_BASE_URL']}/verify/{code}"


def qr_data_uri(url):
    """An SVG QR code as a data: URL (the PDF fetcher accepts SVG and PNG data, nothing else)."""
    return segno.make(url, error="m").png_data_uri(scale=4, border=0, dark="#10283d")


def render_html(facts, *, signed=False):
    url = verify_url(facts.code)
    with force_locale(facts.language):
        # Straight from the Jinja environment: a certificate depends on its facts only, never on a request.
        return current_app.jinja_env.get_template(TEMPLATE).render(
            facts=facts, issuer=ISSUER, signed=signed, verify_url=url, qr=qr_data_uri(url), static=pdf_static_url,
            hours=format_decimal(facts.hours.normalize() if facts.hours else 0),
            dates=_date_text(facts), valid_until=format_date(facts.valid_until, "long") if facts.valid_until else None,
            issued=format_date(facts.issued_on or facts.completed_on, "long"),
        )


def _date_text(facts):
    if facts.started_on and facts.started_on < facts.completed_on:
        return f"{_unbroken(facts.started_on)} – {_unbroken(facts.completed_on)}"
    return _unbroken(facts.completed_on)


def _unbroken(day):
    """A long date that never wraps inside itself (only between the two dates of a range)."""
    return format_date(day, "long").replace(" ", "\u00a0")


def render_certificate(facts):
    """(PDF bytes, is_signed): rendered from the template and signed if a signer is configured."""
    signer = signing.configured_signer()
    pdf = render_pdf(render_html(facts, signed=signer is not None), stylesheets=STYLESHEETS)
    if signer is None:
        return pdf, False
    return signing.sign_pdf(pdf, signer), True
