"""The rate limit shared by every route that accepts an uploaded file (each upload costs a worker real time)."""

from flask import current_app
from flask_login import current_user

from oscart.core.extensions import limiter
from oscart.core.net import client_ip


def _limit():
    return current_app.config["RATELIMIT_UPLOAD"]


def _uploader():
    # Per account when logged in (a company office shares one address), per address for anonymous uploads.
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"address:{client_ip()}"


# One budget across all upload routes: uploading photos cannot be used to get more lesson-image uploads.
upload_limit = limiter.shared_limit(_limit, scope="upload", key_func=_uploader, methods=["POST"])
