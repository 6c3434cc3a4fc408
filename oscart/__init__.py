"""Oscart training portal: the application factory."""

import logging
import pkgutil
from importlib import import_module

from flask import Flask
from sqlalchemy import event

from config import CONFIGS, config_name
from oscart.core import demo, errors, hooks, ids, logs, metrics, personal_data, requestid, templating
from oscart.core.backup import backup_cli
from oscart.core.database import prepare_postgresql, prepare_sqlite
from oscart.core.extensions import babel, csrf, db, limiter, login_manager, migrate
from oscart.core.i18n import install_request_domain, select_locale, select_timezone

log = logging.getLogger(__name__)

# Every feature, lowest first: a feature may import the ones before it, never one after it (docs/architecture.md,
# tests/test_layers.py). Each has init_app(app) that plugs in its blueprints, commands, hooks, personal data,
# demo data and menu links.
FEATURES = (
    "oscart.audit",
    "oscart.mail",
    "oscart.jobs",
    "oscart.accounts",
    "oscart.companies",
    "oscart.auth",
    "oscart.training",
    "oscart.classroom",
    "oscart.certificates",
    "oscart.assignments",
    "oscart.privacy",
    "oscart.workspace",
    "oscart.reports",
    "oscart.main",
    "oscart.admin",
    "oscart.tasks",
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
    errors.init_app(app)
    init_features(app)
    hooks.init_app(app)
    templating.init_app(app)
    app.cli.add_command(demo.seed_demo_command)
    app.cli.add_command(backup_cli)
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
    import_models()
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
    login_manager.login_message = None
    login_manager.session_protection = None  # sessions are server-side records instead


def import_models():
    """Import every feature's models (``models.py`` and ``*_models.py``) so that metadata and Alembic see the
    whole schema."""
    for feature in FEATURES:
        package = import_module(feature)
        for module in pkgutil.iter_modules(package.__path__):
            if module.name == "models" or module.name.endswith("_models"):
                import_module(f"{feature}.{module.name}")


def init_features(app):
    """Let each feature plug itself in; a feature that fails to import stops the app."""
    for feature in FEATURES:
        import_module(feature).init_app(app)
    personal_data.load()
