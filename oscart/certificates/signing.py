"""PAdES signatures on issued certificates (pyHanko), and the self-signed demo signer.

A signer is configured with CERTIFICATE_SIGNING_CERT and CERTIFICATE_SIGNING_KEY (PEM files), optionally
CERTIFICATE_SIGNING_CHAIN (PEM with the intermediate certificates, embedded in each signature) and, for an
encrypted key, CERTIFICATE_SIGNING_KEY_PASSPHRASE. Without them certificates are issued unsigned.
"""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from flask import current_app
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

log = logging.getLogger(__name__)

FIELD_NAME = "OscartSignature"


def configured_signer():
    """The configured pyHanko signer, or None when signing is not configured."""
    cfg = current_app.config
    cert, key = cfg.get("CERTIFICATE_SIGNING_CERT"), cfg.get("CERTIFICATE_SIGNING_KEY")
    if not cert or not key:
        return None
    cert_path, key_path = Path(cert), Path(key)
    if not cert_path.is_file() or not key_path.is_file():
        # The development default names the demo signer, which `seed-demo` creates: before that, nothing is wrong.
        demo = cert_path.parent == Path(cfg.get("CERTIFICATE_DEMO_SIGNER_DIR") or "")
        log.log(logging.INFO if demo else logging.WARNING,
                "Certificate signing is configured but %s or %s does not exist; issuing unsigned.", cert_path, key_path)
        return None
    passphrase = cfg.get("CERTIFICATE_SIGNING_KEY_PASSPHRASE")
    chain = cfg.get("CERTIFICATE_SIGNING_CHAIN") or None
    signer = _load_signer(str(cert_path), str(key_path), chain, cert_path.stat().st_mtime, passphrase)
    if signer is None:  # pyHanko logs why and returns None; never issue silently unsigned then
        raise RuntimeError(f"cannot load the certificate signer from {cert_path} and {key_path}")
    return signer


@lru_cache(maxsize=4)
def _load_signer(cert_path, key_path, chain_path, mtime, passphrase):
    return signers.SimpleSigner.load(key_path, cert_path, ca_chain_files=(chain_path,) if chain_path else None,
                                     key_passphrase=passphrase.encode() if passphrase else None)


def check_configuration(app):
    """Log at start-up when a configured signer cannot be loaded: issuing would fail until it is fixed."""
    with app.app_context():
        try:
            configured_signer()
        except Exception:  # noqa: BLE001 - any load error (file, format, passphrase) is reported as is
            log.exception("The certificate signer (CERTIFICATE_SIGNING_CERT/KEY) cannot be loaded; "
                          "issuing certificates will fail until this is fixed.")


def sign_pdf(pdf, signer):
    """``pdf`` with a PAdES (ETSI.CAdES.detached) signature appended as an incremental update."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _sign(pdf, signer)
    # pyHanko's synchronous API runs its own event loop, which a thread with a running loop cannot do.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_sign, pdf, signer).result()


def _sign(pdf, signer):
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", reason="Certificate issued by Oscart Group NV",
                                        location="Belgium")
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    output = signers.sign_pdf(writer, meta, signer=signer)
    return output.getvalue()


def create_demo_signer(directory):
    """Write a self-signed signing certificate and key (PEM) into ``directory`` unless they exist.

    For trying the feature only: a PDF reader shows the signature as valid but from an untrusted signer.
    Returns (cert_path, key_path).
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory = Path(directory)
    cert_path, key_path = directory / "signer-cert.pem", directory / "signer-key.pem"
    if cert_path.is_file() and key_path.is_file():
        return cert_path, key_path
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Oscart Group NV"),
        x509.NameAttribute(NameOID.COMMON_NAME, "Oscart certificates (demo signer)"),
    ])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path
