"""Turning a certificate's printed facts into PDF bytes (once, at issue time), signed when configured."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import segno
from flask import current_app
from flask_babel import format_date, format_decimal, get_locale

from oscart.certificates import signing
from oscart.core.i18n import force_locale
from oscart.core.pdf import pdf_static_url, render_pdf
from oscart.core.urls import external_url

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
    return external_url("certificates.verify", code=code)


def qr_data_uri(url):
    """An SVG QR code as a data: URL (the PDF fetcher accepts SVG and PNG data, nothing else)."""
    return segno.make(url, error="m").png_data_uri(scale=4, border=0, dark="#10283d")


def render_html(facts, *, signed=False):
    url = verify_url(facts.code)
    with force_locale(facts.language):
        # Straight from the Jinja environment: a certificate depends on its facts only, never on a request.
        return current_app.jinja_env.get_template(TEMPLATE).render(
            facts=facts, issuer=ISSUER, signed=signed, verify_url=url, qr=qr_data_uri(url), static=pdf_static_url,
            hours=format_decimal(_shown(facts.hours)), hours_count=_plural_count(_shown(facts.hours)),
            sizes=_sizes(facts),
            dates=_date_text(facts), valid_until=format_date(facts.valid_until, "long") if facts.valid_until else None,
            issued=format_date(facts.issued_on or facts.completed_on, "long"),
        )


def _shown(hours):
    """The hours as printed, without trailing zeros (a course stores 1.0): the plural must be that number's."""
    hours = Decimal(hours or 0)
    return hours.quantize(Decimal(1)) if hours == hours.to_integral_value() else hours.normalize()


def _plural_count(number):
    """A count that picks the right gettext plural for a decimal: CLDR says "1 hour" but "0.5 hours" in English
    and "1,5 heure" in French, which gettext's integer rules cannot express. Our four languages have the CLDR
    categories "one" and "other" only, which gettext forms 0 and 1 reach with the counts 1 and 2."""
    return 1 if get_locale().plural_form(number or 0) == "one" else 2


# Font sizes step down for long texts, so that the longest names, titles and places keep one page with no text
# over another: (longest length for this step, CSS class).
SIZE_STEPS = {"holder": ((34, ""), (64, "long"), (None, "longer")),
              "course": ((60, ""), (120, "long"), (None, "longer")),
              "facts": ((40, ""), (90, "long"), (None, "longer"))}


def _sizes(facts):
    lengths = {"holder": len(facts.holder_name), "course": len(facts.course_title),
               "facts": max(len(facts.place or ""), len(facts.trainer_name or ""))}
    return {part: next(css for limit, css in SIZE_STEPS[part] if limit is None or lengths[part] <= limit)
            for part in SIZE_STEPS}


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
