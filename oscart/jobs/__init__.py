"""Bulk jobs: work too large for one request (a ZIP or merged PDF of many certificates, a people import, a
campaign, re-issuing certificates), run by Celery with its progress shown in a page. The features register
their kinds (``jobs.services.job_kind``)."""

from oscart.core import personal_data


def init_app(app):
    from oscart.jobs import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.jobs_cli)
    # Prepared downloads come last in the archive and in erasure (they are the least of a person's data).
    personal_data.add_module("oscart.jobs.privacy_data", last=True)
