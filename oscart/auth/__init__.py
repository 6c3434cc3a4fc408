"""Auth: login, lockout, two-step login, password reset and the server-side sessions."""

from oscart.core import hooks
from oscart.core.demo import add_seeder
from oscart.core.security import provide_auth


def init_app(app):
    from oscart.auth import attempts, security_views, services, views
    from oscart.auth import demo as auth_demo
    from oscart.auth.services import load_session
    from oscart.core.extensions import login_manager

    provide_auth(check_password_attempt=attempts.check_password_attempt,
                 revoke_all_sessions=services.revoke_all_sessions)
    login_manager.user_loader(load_session)
    login_manager.login_view = "auth.login"
    app.register_blueprint(views.bp)
    app.register_blueprint(security_views.bp)
    hooks.before_request(app, touch_current_session)
    add_seeder("auth", auth_demo.seed, report=auth_demo.report, position=10)


def touch_current_session():
    """Note when the current login was last seen (at most once in a while: no write on most requests)."""
    from flask import request
    from flask_login import current_user

    from oscart.auth.services import touch_session
    from oscart.core.extensions import db

    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    record = current_user.session_record
    if record is not None and touch_session(record):
        db.session.commit()
