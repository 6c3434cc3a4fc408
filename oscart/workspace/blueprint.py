from flask import Blueprint

# The company admin's area shares its URL prefix with the companies blueprint (/company/…).
bp = Blueprint("workspace", __name__, url_prefix="/company")
