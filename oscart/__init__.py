"""Oscart training portal: the application factory."""

import logging

from flask import Flask
from sqlalchemy import event

from config import CONFIGS, config_name
from oscart import errors, hooks, tasks, templating
from oscart.core import ids, logs, metrics, requestid
from oscart.database import prepare_postgresql, prepare_sqlite
from oscart.extensions import babel, csrf, db, limiter, login_manager, migrate
from oscart.i18n import install_request_domain, select_locale, select_timezone

log = logging.getLogger(__name__)

BLUEPRINTS = (
    "oscart.main.views",
    "oscart.auth.views",
    "oscart.accounts.views",
    "oscart.companies.views",
    "oscart.admin.views",
    "oscart.accounts.security_views",
    "oscart.audit.views",
    "oscart.privacy.views",
    "oscart.privacy.admin_views",
    "oscart.classroom.views",
    "oscart.certificates.views",
    "oscart.training.views",
    "oscart.workspace.views",
    "oscart.reports.views",
    "oscart.workspace.import_views",
    "oscart.assignments.views",
    "oscart.assignments.settings",
    "oscart.jobs.views",
)


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates",
                static_folder="../static")
    app.jinja_environment = templating.TemplateEnvironment  # before any extension creates app.jinja_env
    load_config(app, test_config)
    logs.init_app(app)
    requestid.init_app(app)  # first, so every later hook and log line has the request id
    metrics.init_app(app)
    register_extensions(app)
    ids.init_app(app)  # the bounded ``int`` converter, before any rule is added
    register_blueprints(app)
    errors.init_app(app)
    hooks.init_app(app)
    templating.init_app(app)
    tasks.init_app(app)
    register_commands(app)
    return app


def load_config(app, test_config):
    name = "testing" if test_config and test_config.get("TESTING") else config_name()
    app.config.from_object(CONFIGS[name])
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set (environment variable SECRET_KEY).")
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)


def register_extensions(app):
    import oscart.models  # noqa: F401  (all tables known to metadata and Alembic)
    from oscart.auth.services import load_session

    db.init_app(app)
    with app.app_context():
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            event.listen(db.engine, "connect", prepare_sqlite)
        elif db.engine.dialect.name == "postgresql":
            prepare_postgresql(db.engine, idle_test_seconds=app.config["DATABASE_IDLE_TEST_SECONDS"])
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_request_domain(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_session)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = None  # sessions are server-side records instead


def register_blueprints(app):
    from importlib import import_module

    for module in BLUEPRINTS:
        app.register_blueprint(import_module(module).bp)


def register_commands(app):
    from oscart.audit.cli import audit_cli
    from oscart.certificates.cli import certificates_cli
    from oscart.cli import seed_demo_command
    from oscart.core.backup import backup_cli
    from oscart.jobs.cli import jobs_cli
    from oscart.mail.cli import outbox_cli
    from oscart.privacy.cli import privacy_cli

    app.cli.add_command(seed_demo_command)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(jobs_cli)
