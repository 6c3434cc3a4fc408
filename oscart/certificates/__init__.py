"""Certificates: issue on completion, PDF, public verification, bulk download, renewal."""

from flask_babel import lazy_gettext as _l

from oscart.core import navigation, personal_data
from oscart.core.demo import add_seeder
from oscart.core.security import TRAINEE, TRAINER


def init_app(app):
    # bulk and reissue_job register their job kinds; views_reissue adds its page to the blueprint.
    from oscart.certificates import bulk, cli, reissue_job, views, views_reissue  # noqa: F401
    from oscart.certificates import demo as certificates_demo

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.certificates_cli)
    personal_data.add_module("oscart.certificates.privacy_data")
    # Before the classroom's demo data, which completes courses that issue certificates.
    add_seeder("certificates", certificates_demo.seed, prepare=certificates_demo.prepare, position=30)
    navigation.add_link("primary", 70, "certificates.mine", _l("My certificates"),
                        lambda viewer: viewer.role == TRAINEE)
    navigation.add_link("more", 32, "certificates.company", _l("Certificates"), lambda viewer: viewer.is_manager)
    navigation.add_link("more", 50, "certificates.manage", _l("Certificates"),
                        lambda viewer: viewer.allowed("certificates.manage"))
    navigation.add_link("account", 10, "certificates.mine", _l("My certificates"),
                        lambda viewer: viewer.role == TRAINER)
