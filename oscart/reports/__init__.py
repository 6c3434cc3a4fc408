"""Reports for a company admin: completion, overdue, expiring certificates and attendance, as charts and tables."""

from flask_babel import lazy_gettext as _l

from oscart.core import navigation


def init_app(app):
    from oscart.assignments import counts
    from oscart.reports import summary, views

    app.register_blueprint(views.bp)
    for counter in summary.COUNTERS:
        counts.add_counter(counter)
    navigation.add_link("more", 40, "reports.dashboard", _l("Reports"), lambda viewer: viewer.is_manager)
