from flask import Blueprint

# No URL prefix: the public verification address /verify/<code> is printed on every certificate.
bp = Blueprint("certificates", __name__)
