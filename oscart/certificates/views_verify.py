"""Public verification: /verify/<code> (printed on every certificate as text and QR code)."""

import hashlib

from flask import current_app, redirect, render_template, request, url_for

from oscart.certificates import services
from oscart.certificates.blueprint import bp
from oscart.certificates.codes import normalize_code
from oscart.certificates.forms import VerifyCodeForm, VerifyUploadForm
from oscart.certificates.models import EXPIRING, VALID, certificate_status
from oscart.core import local_time
from oscart.core.extensions import limiter
from oscart.core.uploads import upload_limit

CHUNK = 64 * 1024


def _verify_limit():
    return current_app.config["RATELIMIT_VERIFY"]


def _unknown(response):
    # Only wrong codes count toward the limit; checking a real certificate never locks anyone out.
    return response.status_code == 404


@bp.get("/verify")
def verify_form():
    form = VerifyCodeForm(request.args)
    if request.args and form.validate():
        code = normalize_code(form.code.data) or "unknown"
        return redirect(url_for("certificates.verify", code=code))
    return render_template("certificates/verify_form.html", form=form), 200


@bp.route("/verify/<path:code>", methods=["GET", "POST"])
@limiter.limit(_verify_limit, deduct_when=_unknown)
@upload_limit
def verify(code):
    certificate = services.find_by_code(code)
    if certificate is None:
        # Malformed and unknown codes get the very same answer.
        return _no_store(render_template("certificates/verify_form.html", form=VerifyCodeForm(), unknown=True), 404)
    form = VerifyUploadForm()
    matches = None
    if form.validate_on_submit():
        matches = _sha256(form.file.data) == certificate.pdf_sha256
    status = certificate_status(certificate.revoked_at, certificate.superseded_at, certificate.valid_until,
                                local_time.today())
    return _no_store(render_template("certificates/verify.html", certificate=certificate,
                                     status=VALID if status == EXPIRING else status, form=form, matches=matches))


def _sha256(upload):
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.stream.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _no_store(body, status=200):
    # A revocation must show at once; search engines have no business indexing certificate holders.
    return body, status, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
